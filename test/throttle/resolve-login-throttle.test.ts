import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveLoginThrottle } from '../../src/throttle/resolve-login-throttle.js';
import { DEFAULT_USERNAME_RULE } from '../../src/throttle/throttle-rule.js';
import { MemoryLoginThrottleStore } from '../../src/throttle/memory-login-throttle-store.js';

const refuses = (value: unknown, message: string) =>
  assert.throws(() => resolveLoginThrottle(value), (error: Error & { setting?: string; reason?: string }) => {
    assert.equal(error.setting, 'loginThrottle');
    assert.equal(error.reason, message);
    return true;
  }, JSON.stringify(value));

describe('resolveLoginThrottle', () => {
  test('takes a store of the caller\'s, and returns a frozen setting', () => {
    const store = new MemoryLoginThrottleStore({ maxEntries: 10 });
    const settings = resolveLoginThrottle({ store });
    assert.ok(settings);
    assert.equal(settings.store, store);
    assert.ok(Object.isFrozen(settings));
    const merged = resolveLoginThrottle({ username: { failures: 10 } });
    assert.ok(merged && Object.isFrozen(merged.username));
  });

  test('refuses what is not an options object', () => {
    for (const value of [null, [], 'on', 1]) refuses(value, 'expected false or an options object');
  });

  test('refuses a store missing any of its four methods, naming it', () => {
    const full = { charge() {}, settle() {}, list() {}, clear() {} };
    for (const method of ['charge', 'settle', 'list', 'clear'] as const) {
      const { [method]: _missing, ...store } = full;
      refuses({ store }, `store: expected a LoginThrottleStore; ${method}() is missing`);
    }
    refuses({ store: { ...full, list: 'list' } }, 'store: expected a LoginThrottleStore; list() is missing');
  });

  test('refuses a budget that is not false or an object', () => {
    for (const value of [null, [], true, 5]) refuses({ address: value }, 'address: expected false or { failures, windowSeconds, delaySeconds, maxDelaySeconds }');
    refuses({ username: { failure: 3 } }, 'username: unknown option "failure"');
  });

  test('wants every duration a positive finite number of seconds, and failures a positive integer', () => {
    for (const key of ['windowSeconds', 'delaySeconds', 'maxDelaySeconds'] as const) {
      for (const bad of [0, -1, Number.POSITIVE_INFINITY, Number.NaN, '60', null]) {
        refuses({ username: { [key]: bad } }, `username.${key}: expected a positive number of seconds, got ${JSON.stringify(bad)}`);
      }
    }
    refuses({ username: { failures: 1.5 } }, 'username.failures: expected a positive integer, got 1.5');
    const fractional = resolveLoginThrottle({ username: { delaySeconds: 0.5, maxDelaySeconds: 0.5, windowSeconds: 0.5 } });
    assert.deepEqual(fractional && fractional.username, { ...DEFAULT_USERNAME_RULE, delaySeconds: 0.5, maxDelaySeconds: 0.5, windowSeconds: 0.5 });
  });

  test('wants maxDelaySeconds at least delaySeconds (equal is fine)', () => {
    refuses({ username: { delaySeconds: 61, maxDelaySeconds: 60 } }, 'username.maxDelaySeconds must be at least delaySeconds');
    const equal = resolveLoginThrottle({ username: { delaySeconds: 60, maxDelaySeconds: 60 } });
    assert.equal(equal && equal.username && equal.username.maxDelaySeconds, 60);
  });
});
