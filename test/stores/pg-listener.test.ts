import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ITERATIONS, setUpDatabase } from '../support/demo.js';
import { eventually } from '../support/eventually.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { PgListener } from '../../src/stores/pg-listener.js';
import { BlacklistMirror } from '../../src/stores/blacklist-mirror.js';
import { CachedUserStore } from '../../src/stores/cached-user-store.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { KnexUserStore } from '../../src/stores/knex-user-store.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { PgListenerHandlers, PgListenerOptions } from '../../src/stores/pg-listener.js';

let db: TestDatabase;

before(async () => {
  db = await setUpDatabase();
});
after(() => db?.drop());

/** Short intervals: a silent connection is noticed within a resync interval plus a timeout. */
const FAST = { resyncIntervalMs: 200, syncTimeoutMs: 200, reconnectDelayMs: 50 };

function listenerOptions(overrides: Partial<PgListenerOptions> = {}): PgListenerOptions {
  return {
    connection: db.connectionString,
    channel: 'pg_listener_test',
    applicationName: 'pg-listener-test',
    resyncIntervalMs: 60_000,
    reconnectDelayMs: 50,
    syncTimeoutMs: 5000,
    ...overrides,
  };
}

/** A handler's sync that counts its calls and how many ran at once, and can be held at a gate. */
function countingSync() {
  const counts = { calls: 0, running: 0, most: 0 };
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const sync: PgListenerHandlers['sync'] = async () => {
    counts.calls += 1;
    counts.running += 1;
    counts.most = Math.max(counts.most, counts.running);
    try {
      await gate;
    } finally {
      counts.running -= 1;
    }
  };
  const hold = () => {
    gate = new Promise((resolve) => (open = resolve));
  };
  const release = () => {
    gate = undefined;
    open();
  };
  return { counts, sync, hold, release };
}

describe('PgListener', () => {
  test('resync runs one sync at a time; calls made while one runs share exactly one more', async () => {
    const { counts, sync, hold, release } = countingSync();
    const listener = await PgListener.start(listenerOptions(), { notify: () => undefined, sync });
    try {
      assert.equal(listener.state, 'in-sync');
      assert.equal(counts.calls, 1, 'the sync after LISTEN');
      hold();
      const first = listener.resync();
      await eventually(() => counts.running === 1);
      const more = [listener.resync(), listener.resync(), listener.resync()];
      release();
      await Promise.all([first, ...more]);
      assert.equal(counts.calls, 3);
      assert.equal(counts.most, 1);
    } finally {
      release();
      await listener.close();
    }
  });

  test('the resync timer skips a tick while a sync is still running', async () => {
    const { counts, sync, hold, release } = countingSync();
    const listener = await PgListener.start(listenerOptions({ resyncIntervalMs: 10 }), { notify: () => undefined, sync });
    try {
      hold();
      await eventually(() => counts.running === 1);
      await new Promise((resolve) => setTimeout(resolve, 100)); // ten ticks while the sync is held
      assert.equal(counts.most, 1);
      assert.equal(listener.state, 'in-sync');
    } finally {
      release();
      await listener.close();
    }
  });

  test('a sync that outlasts syncTimeoutMs counts as a lost connection, and the listener reconnects', async () => {
    let hang = false;
    let lost = 0;
    const listener = await PgListener.start(listenerOptions({ syncTimeoutMs: 200 }), {
      notify: () => undefined,
      // A query that never answers in time, as on a connection gone silent.
      sync: async (client) => void (hang && (await client.query('SELECT pg_sleep(30)'))),
      lost: () => void (lost += 1),
    });
    try {
      hang = true;
      const resync = listener.resync();
      assert.equal(listener.state, 'in-sync');
      await eventually(() => listener.state === 'reconnecting');
      await resync;
      assert.equal(lost, 1);
      hang = false;
      await eventually(() => listener.state === 'in-sync');
    } finally {
      await listener.close();
    }
  });
});

describe('a listening connection gone silent (partition, failover, a NAT dropping it)', () => {
  test('BlacklistMirror.isBlacklisted answers from the database, and the mirror recovers when the connection forwards again', async () => {
    const store = new KnexBlacklistStore(db.knex);
    const proxy = await startTcpProxy(db.connectionString);
    let timeouts = 0;
    const mirror = await BlacklistMirror.start(store, { connection: proxy.url, ...FAST, onError: () => void (timeouts += 1) });
    try {
      assert.equal(mirror.state, 'in-sync');
      proxy.silence();
      const jti = `silent${'a'.repeat(26)}`;
      await store.blacklist({ jti, userId: null, token: `token-${jti}`, createdAt: null, expiresAt: new Date(Date.now() + 3600_000) });
      await eventually(() => mirror.state !== 'in-sync');
      assert.equal(await mirror.isBlacklisted(jti), true, 'answered by the database');
      await eventually(() => timeouts >= 3); // the resync, then reconnections that got no answer either
      assert.notEqual(mirror.state, 'in-sync');

      proxy.resume();
      await eventually(() => mirror.state === 'in-sync', 15_000);
      assert.equal(await mirror.isBlacklisted(jti), true, 'the reload after reconnecting has it');
      const next = `silent${'b'.repeat(26)}`;
      await store.blacklist({ jti: next, userId: null, token: `token-${next}`, createdAt: null, expiresAt: new Date(Date.now() + 3600_000) });
      await eventually(() => mirror.isBlacklisted(next));
    } finally {
      await proxy.close();
      await mirror.close();
    }
  });

  test('CachedUserStore.findUser goes to the database, and the cache recovers when the connection forwards again', async () => {
    const users = new KnexUserStore(db.knex, { iterations: ITERATIONS });
    const user = await users.createUser({ username: 'silent', password: 'pw' });
    const id = String(user.id);
    const proxy = await startTcpProxy(db.connectionString);
    const cache = await CachedUserStore.start(users, { connection: proxy.url, ...FAST });
    try {
      assert.equal((await cache.findUser('id', id))!.isActive, true);
      proxy.silence();
      await db.knex('auth_user').where('id', user.id).update({ is_active: false });
      await eventually(() => cache.state !== 'in-sync');
      assert.equal((await cache.findUser('id', id))!.isActive, false, 'answered by the database');

      proxy.resume();
      await eventually(() => cache.state === 'in-sync', 15_000);
      assert.equal((await cache.findUser('id', id))!.isActive, false);
      await db.knex('auth_user').where('id', user.id).update({ is_active: true });
      await eventually(async () => (await cache.findUser('id', id))!.isActive);
    } finally {
      await proxy.close();
      await cache.close();
    }
  });
});
