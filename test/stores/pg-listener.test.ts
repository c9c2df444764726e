import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ITERATIONS, ManualClock, setUpDatabase } from '../support/demo.js';
import { eventually } from '../support/eventually.js';
import { startTcpProxy } from '../support/tcp-proxy.js';
import { NotificationsNotDeliveredError, PgListener } from '../../src/stores/pg-listener.js';
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

describe('PgListener start self-check (poolers in transaction mode)', () => {
  test('start fails with an error naming transaction pooling and the fix when notifications never arrive', async () => {
    const proxy = await startTcpProxy(db.connectionString, { dropNotifications: true });
    const errors: unknown[] = [];
    try {
      await assert.rejects(
        PgListener.start(listenerOptions({ connection: proxy.url, syncTimeoutMs: 500, onError: (error) => errors.push(error) }), { notify: () => undefined, sync: async () => undefined }),
        (error: unknown) => {
          assert.ok(error instanceof NotificationsNotDeliveredError);
          assert.equal(error.code, 'notifications_not_delivered');
          assert.match(error.message, /transaction mode/);
          assert.match(error.message, /direct or session-mode URL as their `connection` option/);
          return true;
        },
      );
    } finally {
      await proxy.close();
    }
  });

  test('a mirror behind such a proxy fails at start instead of answering from a memory nothing updates', async () => {
    const proxy = await startTcpProxy(db.connectionString, { dropNotifications: true });
    try {
      await assert.rejects(BlacklistMirror.start(new KnexBlacklistStore(db.knex), { connection: proxy.url, syncTimeoutMs: 500 }), NotificationsNotDeliveredError);
    } finally {
      await proxy.close();
    }
  });

  test('an unreachable database is not mistaken for a pooler: start resolves and keeps retrying', async () => {
    const listener = await PgListener.start(listenerOptions({ connection: 'postgres://postgres@127.0.0.1:1/none', syncTimeoutMs: 300 }), { notify: () => undefined, sync: async () => undefined });
    try {
      assert.equal(listener.state, 'reconnecting');
    } finally {
      await listener.close();
    }
  });
});

describe('PgListener staleness bound (heartbeats)', () => {
  test('trusts memory only while the newest heartbeat is younger than maxStalenessMs (injected clock)', async () => {
    const clock = new ManualClock();
    const listener = await PgListener.start(listenerOptions({ clock, maxStalenessMs: 1000 }), { notify: () => undefined, sync: async () => undefined });
    try {
      assert.equal(listener.trusted, true, 'the sync at start is a proof');
      clock.advance(0.999);
      assert.equal(listener.trusted, true);
      clock.advance(0.002);
      assert.equal(listener.trusted, false, 'older than maxStalenessMs');
      assert.equal(listener.state, 'in-sync', 'the connection itself is not lost');
      await eventually(() => listener.trusted); // the next heartbeat, sent at the new time, came back
    } finally {
      await listener.close();
    }
  });

  test('BlacklistMirror asks the database while memory is stale, and memory again once a heartbeat is back', async () => {
    const clock = new ManualClock();
    const knexStore = new KnexBlacklistStore(db.knex);
    let databaseChecks = 0;
    const counting = Object.assign(Object.create(knexStore) as KnexBlacklistStore, {
      isBlacklisted: (jti: string) => {
        databaseChecks += 1;
        return knexStore.isBlacklisted(jti);
      },
    });
    const mirror = await BlacklistMirror.start(counting, { connection: db.connectionString, clock });
    try {
      await mirror.isBlacklisted('fresh');
      assert.equal(databaseChecks, 0);
      clock.advance(1.5);
      const stale = mirror.isBlacklisted('stale');
      assert.equal(databaseChecks, 1, 'asked the database');
      await stale;
      await eventually(async () => (await mirror.health()).trusted);
      const before = databaseChecks;
      await mirror.isBlacklisted('fresh-again');
      assert.equal(databaseChecks, before);
    } finally {
      await mirror.close();
    }
  });

  test('CachedUserStore neither answers from nor fills its cache while memory is stale', async () => {
    const clock = new ManualClock();
    const users = new KnexUserStore(db.knex, { iterations: ITERATIONS });
    const user = await users.createUser({ username: 'stale-cache', password: 'pw' });
    const cache = await CachedUserStore.start(users, { connection: db.connectionString, clock });
    try {
      await cache.findUser('id', String(user.id));
      assert.equal(cache.size, 1);
      clock.advance(1.5);
      await cache.findUser('username', 'stale-cache');
      assert.equal(cache.size, 1, 'not cached while stale');
    } finally {
      await cache.close();
    }
  });

  test('a listening connection that stops forwarding stops being trusted within maxStalenessMs, long before syncTimeoutMs', async () => {
    const store = new KnexBlacklistStore(db.knex);
    const proxy = await startTcpProxy(db.connectionString);
    // Resync and timeout far away: only the heartbeat bound can make the mirror ask the database.
    const mirror = await BlacklistMirror.start(store, { connection: proxy.url, resyncIntervalMs: 600_000, syncTimeoutMs: 60_000, maxStalenessMs: 300 });
    try {
      proxy.silence();
      const jti = `stopped${'c'.repeat(25)}`;
      await store.blacklist({ jti, userId: null, token: `token-${jti}`, createdAt: null, expiresAt: new Date(Date.now() + 3600_000) });
      await eventually(() => mirror.isBlacklisted(jti), 5000);
      assert.equal(mirror.state, 'in-sync', 'the connection is not yet declared lost: the staleness bound answered');
      assert.equal((await mirror.health()).trusted, false);
      proxy.resume();
      await eventually(async () => (await mirror.health()).trusted, 5000);
      assert.equal(await mirror.isBlacklisted(jti), true, 'memory has it once the held-back notification arrived');
    } finally {
      await proxy.close();
      await mirror.close();
    }
  });
});

describe('PgListener.health', () => {
  test('reports state, trust, staleness and the notification queue usage', async () => {
    const listener = await PgListener.start(listenerOptions(), { notify: () => undefined, sync: async () => undefined });
    try {
      const health = await listener.health();
      assert.equal(health.channel, 'pg_listener_test');
      assert.equal(health.state, 'in-sync');
      assert.equal(health.trusted, true);
      assert.equal(health.maxStalenessMs, 1000);
      assert.ok(health.stalenessMs !== null && health.stalenessMs >= 0);
      assert.equal(typeof health.notificationQueueUsage, 'number');
      assert.ok(health.notificationQueueUsage! >= 0 && health.notificationQueueUsage! <= 1);
    } finally {
      await listener.close();
    }
    const closed = await listener.health();
    assert.equal(closed.state, 'closed');
    assert.equal(closed.trusted, false);
    assert.equal(closed.notificationQueueUsage, null);
  });

  test('rejects a maxStalenessMs that is not a positive number with a TypeError naming it', async () => {
    await assert.rejects(PgListener.start(listenerOptions({ maxStalenessMs: 0 }), { notify: () => undefined, sync: async () => undefined }), /maxStalenessMs/);
  });
});
