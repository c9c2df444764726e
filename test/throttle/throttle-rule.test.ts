import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countFailure, delaySeconds, refundFailure, waitMs } from '../../src/throttle/throttle-rule.js';

const RULE = { failures: 3, windowSeconds: 100, delaySeconds: 10, maxDelaySeconds: 40 };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('waitMs', () => {
  test('is 0 for an unknown key or a wait that has ended, and the time left otherwise', () => {
    assert.equal(waitMs(undefined, T0), 0);
    assert.equal(waitMs({ failures: 3, lastFailureMs: T0, blockedUntilMs: T0 + 10_000 }, T0 + 10_000), 0);
    assert.equal(waitMs({ failures: 3, lastFailureMs: T0, blockedUntilMs: T0 + 10_000 }, T0 + 20_000), 0);
    assert.equal(waitMs({ failures: 3, lastFailureMs: T0, blockedUntilMs: T0 + 10_000 }, T0 + 2_500), 7_500);
  });
});

describe('countFailure', () => {
  test('the first failure of a key is counted without a wait', () => {
    assert.deepEqual(countFailure(undefined, RULE, T0), { failures: 1, lastFailureMs: T0, blockedUntilMs: 0 });
  });

  test('the failures-th failure starts the first wait, not one earlier', () => {
    const second = countFailure(countFailure(undefined, RULE, T0), RULE, T0 + 1_000);
    assert.deepEqual(second, { failures: 2, lastFailureMs: T0 + 1_000, blockedUntilMs: 0 });
    assert.deepEqual(countFailure(second, RULE, T0 + 2_000), { failures: 3, lastFailureMs: T0 + 2_000, blockedUntilMs: T0 + 12_000 });
  });

  test('failures are forgotten windowSeconds after the later of the last failure and the end of the wait', () => {
    const waiting = { failures: 3, lastFailureMs: T0, blockedUntilMs: T0 + 10_000 };
    assert.equal(countFailure(waiting, RULE, T0 + 109_999).failures, 4, 'one millisecond short of the window: still counted');
    assert.equal(countFailure(waiting, RULE, T0 + 110_000).failures, 1, 'the window after the wait ended: a fresh start');
    const quiet = { failures: 2, lastFailureMs: T0, blockedUntilMs: 0 };
    assert.equal(countFailure(quiet, RULE, T0 + 99_999).failures, 3);
    assert.equal(countFailure(quiet, RULE, T0 + 100_000).failures, 1);
  });

  test('a state with no failures left starts afresh', () => {
    assert.deepEqual(countFailure({ failures: 0, lastFailureMs: T0, blockedUntilMs: 0 }, RULE, T0 + 1), { failures: 1, lastFailureMs: T0 + 1, blockedUntilMs: 0 });
  });
});

describe('delaySeconds', () => {
  test('doubles from delaySeconds with each failure past the budget, up to maxDelaySeconds', () => {
    assert.deepEqual([3, 4, 5, 6, 7].map((failures) => delaySeconds(RULE, failures)), [10, 20, 40, 40, 40]);
  });

  test('stops doubling after 30 doublings, however large maxDelaySeconds is', () => {
    const huge = { ...RULE, delaySeconds: 1, maxDelaySeconds: Number.MAX_VALUE };
    assert.equal(delaySeconds(huge, 3 + 30), 2 ** 30);
    assert.equal(delaySeconds(huge, 3 + 1000), 2 ** 30);
  });
});

describe('refundFailure', () => {
  test('forgets a key whose only failure is taken back', () => {
    assert.equal(refundFailure(undefined, RULE), undefined);
    assert.equal(refundFailure({ failures: 1, lastFailureMs: T0, blockedUntilMs: 0 }, RULE), undefined);
  });

  test('takes one failure back and lifts the wait it started', () => {
    assert.deepEqual(refundFailure({ failures: 3, lastFailureMs: T0, blockedUntilMs: T0 + 10_000 }, RULE), { failures: 2, lastFailureMs: T0, blockedUntilMs: 0 });
    assert.deepEqual(refundFailure({ failures: 2, lastFailureMs: T0, blockedUntilMs: 0 }, RULE), { failures: 1, lastFailureMs: T0, blockedUntilMs: 0 });
  });

  test('keeps a wait that earlier failures had started', () => {
    assert.deepEqual(refundFailure({ failures: 4, lastFailureMs: T0, blockedUntilMs: T0 + 20_000 }, RULE), { failures: 3, lastFailureMs: T0, blockedUntilMs: T0 + 20_000 });
  });
});
