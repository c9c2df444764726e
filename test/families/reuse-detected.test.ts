import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fireReuseDetected } from '../../src/families/reuse-detected.js';
import type { ReuseDetectedEvent } from '../../src/families/reuse-detected.js';

const event: ReuseDetectedEvent = { userId: '7', familyId: 'f1', jti: 'j1', ip: '203.0.113.9', userAgent: 'thief/1.0' };

describe('fireReuseDetected', () => {
  test('calls the hook once with the event', () => {
    const seen: ReuseDetectedEvent[] = [];
    fireReuseDetected((given) => void seen.push(given), event);
    assert.deepEqual(seen, [event]);
  });

  test('does nothing without a hook', () => {
    assert.doesNotThrow(() => fireReuseDetected(undefined, event));
  });

  test('swallows a hook that throws', () => {
    assert.doesNotThrow(() =>
      fireReuseDetected(() => {
        throw new Error('alerting is down');
      }, event),
    );
  });

  test('does not wait for the hook, and a rejection is handled (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let settled = false;
      const result = fireReuseDetected(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        settled = true;
        throw new Error('alerting is down');
      }, event);
      assert.equal(result, undefined);
      assert.equal(settled, false, 'returned before the hook finished');
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.equal(settled, true);
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
