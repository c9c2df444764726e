import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase } from '../support/demo.js';
import { MemoryLoginThrottleStore } from '../../src/throttle/memory-login-throttle-store.js';
import { KnexLoginThrottleStore } from '../../src/stores/knex-login-throttle-store.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import { resolveLoginThrottle } from '../../src/throttle/resolve-login-throttle.js';
import { DEFAULT_ADDRESS_RULE, DEFAULT_USERNAME_RULE } from '../../src/throttle/throttle-rule.js';
import knexFactory from 'knex';
import type { LoginThrottleStore, ThrottleCharge } from '../../src/throttle/login-throttle-store.js';
import type { TestDatabase } from '../../examples/support/database.js';

const RULE = { failures: 3, windowSeconds: 100, delaySeconds: 10, maxDelaySeconds: 40 };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (seconds: number): Date => new Date(T0 + seconds * 1000);
const user = (name: string): ThrottleCharge => ({ key: `username:${name}`, rule: RULE });
const address: ThrottleCharge = { key: 'address:203.0.113.9', rule: { ...RULE, failures: 5 } };

let db: TestDatabase;
before(async () => {
  db = await setUpDatabase();
});
after(async () => {
  await db?.drop();
});

// The same behaviour from both stores: the in-memory one runs the core's arithmetic, the
// PostgreSQL one a function that mirrors it.
for (const [name, make] of [
  ['MemoryLoginThrottleStore', () => new MemoryLoginThrottleStore()],
  ['KnexLoginThrottleStore', () => new KnexLoginThrottleStore(db.knex)],
] as const) {
  describe(name, () => {
    let store: LoginThrottleStore;
    let seq = 0;
    let charge: ThrottleCharge;
    before(() => {
      store = make();
    });
    const fresh = (): ThrottleCharge => (charge = user(`${name}-${(seq += 1)}`));

    test('charge admits the budget, then makes the key wait delaySeconds, doubling to maxDelaySeconds', async () => {
      fresh();
      assert.equal(await store.charge([charge], at(0)), 0);
      assert.equal(await store.charge([charge], at(1)), 0);
      assert.equal(await store.charge([charge], at(2)), 0); // the 3rd failure starts a 10 s wait
      assert.equal(await store.charge([charge], at(2)), 10_000);
      assert.equal(await store.charge([charge], at(7.5)), 4_500);
      assert.equal(await store.charge([charge], at(12)), 0); // 4th: 20 s
      assert.equal(await store.charge([charge], at(12)), 20_000);
      assert.equal(await store.charge([charge], at(32)), 0); // 5th: 40 s
      assert.equal(await store.charge([charge], at(72)), 0); // 6th: 80 s, capped at 40
      assert.equal(await store.charge([charge], at(72)), 40_000);
    });

    test('a refused attempt counts nothing, and failures are forgotten windowSeconds after the last wait ends', async () => {
      fresh();
      for (let i = 0; i < 3; i++) await store.charge([charge], at(0));
      for (let i = 0; i < 5; i++) assert.equal(await store.charge([charge], at(5)), 5_000);
      // The wait ended at 10 s; 100 quiet seconds after that, the budget is whole again.
      assert.equal(await store.charge([charge], at(110)), 0);
      assert.equal(await store.charge([charge], at(110)), 0);
      assert.equal(await store.charge([charge], at(110)), 0);
      assert.equal(await store.charge([charge], at(110)), 10_000);
    });

    test('a key that waits refuses the whole attempt and the other keys are not counted', async () => {
      fresh();
      const waiting = charge;
      for (let i = 0; i < 3; i++) await store.charge([waiting], at(0));
      const other = fresh();
      assert.equal(await store.charge([waiting, other], at(1)), 9_000);
      assert.deepEqual(await store.list(other.key), []);
    });

    test('settle forgets the username and takes back the address charge', async () => {
      fresh();
      await store.clear([address.key]);
      await store.charge([charge, address], at(0));
      await store.charge([charge, address], at(0));
      await store.settle([charge.key], [address]);
      assert.deepEqual(await store.list(charge.key), []);
      const [entry] = await store.list(address.key);
      assert.equal(entry?.failures, 1);
      assert.equal(entry?.blockedUntil, null);
    });

    test('settle lifts a wait that the successful attempt itself started', async () => {
      await store.clear([address.key]);
      for (let i = 0; i < 4; i++) await store.charge([fresh(), address], at(0));
      await store.charge([fresh(), address], at(0)); // the 5th on the address starts its wait
      assert.ok((await store.charge([fresh(), address], at(0))) > 0);
      await store.settle([], [address]);
      assert.equal(await store.charge([fresh(), address], at(0)), 0);
    });

    test('list shows failures and the end of the wait; clear forgets and counts', async () => {
      fresh();
      for (let i = 0; i < 3; i++) await store.charge([charge], at(0));
      const entries = await store.list(charge.key);
      assert.equal(entries.length, 1);
      assert.deepEqual({ ...entries[0], lastFailureAt: entries[0]?.lastFailureAt.getTime(), blockedUntil: entries[0]?.blockedUntil?.getTime() }, {
        key: charge.key,
        failures: 3,
        lastFailureAt: at(0).getTime(),
        blockedUntil: at(10).getTime(),
      });
      assert.equal(await store.clear([charge.key, 'username:nobody']), 1);
      assert.equal(await store.charge([charge], at(1)), 0);
    });

    test('of 20 concurrent attempts on one key exactly the budget gets through', async () => {
      fresh();
      const waits = await Promise.all(Array.from({ length: 20 }, () => store.charge([charge], at(0))));
      assert.equal(waits.filter((wait) => wait === 0).length, RULE.failures);
    });
  });
}

describe('KnexLoginThrottleStore when the database is down', () => {
  test('charge fails with ServiceUnavailableError (a 503), never a free pass', async () => {
    const down = knexFactory({ client: 'pg', connection: 'postgres://postgres@127.0.0.1:1/none', pool: { min: 0, max: 1 }, acquireConnectionTimeout: 2000 });
    try {
      await assert.rejects(new KnexLoginThrottleStore(down).charge([user('x')], at(0)), ServiceUnavailableError);
    } finally {
      await down.destroy();
    }
  });
});

describe('resolveLoginThrottle', () => {
  test('is on by default, in memory, with the documented budgets', () => {
    const settings = resolveLoginThrottle(undefined);
    assert.ok(settings && settings.store instanceof MemoryLoginThrottleStore);
    assert.deepEqual([settings.username, settings.address], [DEFAULT_USERNAME_RULE, DEFAULT_ADDRESS_RULE]);
    assert.deepEqual(DEFAULT_USERNAME_RULE, { failures: 5, windowSeconds: 900, delaySeconds: 60, maxDelaySeconds: 900 });
    assert.equal(DEFAULT_ADDRESS_RULE.failures, 50);
  });

  test('merges a partial budget, turns one off, or all of it', () => {
    const settings = resolveLoginThrottle({ username: { failures: 10 }, address: false });
    assert.deepEqual(settings && [settings.username, settings.address], [{ ...DEFAULT_USERNAME_RULE, failures: 10 }, false]);
    assert.equal(resolveLoginThrottle(false), false);
  });

  for (const [value, pattern] of [
    [{ username: { failures: 0 } }, /username\.failures: expected a positive integer/],
    [{ address: { delaySeconds: 600, maxDelaySeconds: 60 } }, /address\.maxDelaySeconds must be at least delaySeconds/],
    [{ store: {} }, /charge\(\) is missing/],
    [{ usernames: {} }, /unknown option "usernames"/],
    [true, /expected false or an options object/],
  ] as const) {
    test(`refuses ${JSON.stringify(value)} naming loginThrottle`, () => {
      assert.throws(() => resolveLoginThrottle(value), (error: Error & { setting?: string }) => error.setting === 'loginThrottle' && pattern.test(error.message));
    });
  }
});
