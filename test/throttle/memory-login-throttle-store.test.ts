import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryLoginThrottleStore } from '../../src/throttle/memory-login-throttle-store.js';
import type { ThrottleCharge } from '../../src/throttle/login-throttle-store.js';

const RULE = { failures: 3, windowSeconds: 100, delaySeconds: 10, maxDelaySeconds: 40 };
const T0 = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
const key = (name: string): ThrottleCharge => ({ key: `username:${name}`, rule: RULE });
const keys = async (store: MemoryLoginThrottleStore) => (await store.list('')).map((entry) => entry.key);

describe('MemoryLoginThrottleStore', () => {
  test('refuses a maxEntries that is not a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new MemoryLoginThrottleStore({ maxEntries }), { name: 'TypeError', message: /maxEntries must be a positive integer/ });
    }
    assert.doesNotThrow(() => new MemoryLoginThrottleStore({ maxEntries: 1 }));
  });

  test('keeps at most maxEntries keys, forgetting the one touched longest ago', async () => {
    const store = new MemoryLoginThrottleStore({ maxEntries: 2 });
    await store.charge([key('a')], T0);
    await store.charge([key('b')], T0);
    await store.charge([key('a')], T0); // a is now the most recently touched
    await store.charge([key('c')], T0);
    assert.deepEqual(await keys(store), ['username:a', 'username:c']);
    assert.equal((await store.list('username:a'))[0]?.failures, 2);
  });

  test('list filters by prefix and sorts by key; an entry without a wait has blockedUntil null', async () => {
    const store = new MemoryLoginThrottleStore();
    for (const name of ['b', 'a', 'c']) await store.charge([key(name)], T0);
    await store.charge([{ key: 'address:203.0.113.9', rule: RULE }], T0);
    assert.deepEqual(await keys(store), ['address:203.0.113.9', 'username:a', 'username:b', 'username:c']);
    assert.deepEqual(await store.list('username:a'), [{ key: 'username:a', failures: 1, lastFailureAt: T0, blockedUntil: null }]);
  });

  test('list takes the keys that start with the prefix, not those that end with it', async () => {
    const store = new MemoryLoginThrottleStore();
    for (const name of ['b', 'a']) await store.charge([key(name)], T0);
    await store.charge([{ key: 'address:203.0.113.9', rule: RULE }], T0);
    assert.deepEqual((await store.list('username:')).map((entry) => entry.key), ['username:a', 'username:b']);
    assert.deepEqual(await store.list('203.0.113.9'), []);
  });

  test('settle keeps an address with failures left, with one taken back', async () => {
    const store = new MemoryLoginThrottleStore();
    const address: ThrottleCharge = { key: 'address:203.0.113.9', rule: RULE };
    await store.charge([address], T0);
    await store.settle([], [address]);
    assert.deepEqual(await store.list(''), []);
    await store.charge([address], T0);
    await store.charge([address], T0);
    await store.settle([], [address]);
    assert.equal((await store.list(''))[0]?.failures, 1);
  });
});
