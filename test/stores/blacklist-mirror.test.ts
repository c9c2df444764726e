import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { SIGNING_KEY, setUpDatabase, startDemo } from '../support/demo.js';
import { eventually, terminateListeners } from '../support/eventually.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { BlacklistMirror, LISTENER_APPLICATION_NAME } from '../../src/stores/blacklist-mirror.js';
import type { ChildProcess } from 'node:child_process';
import type { TestDatabase } from '../../examples/support/database.js';
import type { OutstandingToken } from '../../src/stores/blacklist-store.js';

let db: TestDatabase;
let store: KnexBlacklistStore;
let counter = 0;

before(async () => {
  db = await setUpDatabase();
  store = new KnexBlacklistStore(db.knex);
});
after(() => db?.drop());

function record(hoursLeft = 1): OutstandingToken {
  counter += 1;
  const jti = `${String(counter).padStart(8, '0')}${'a'.repeat(24)}`;
  return { jti, userId: null, token: `token-${jti}`, createdAt: new Date(), expiresAt: new Date(Date.now() + hoursLeft * 3600_000) };
}

const killListeners = () => terminateListeners(db.knex, db.connectionString, LISTENER_APPLICATION_NAME);

describe('BlacklistMirror', () => {
  test('loads the blacklist at start and answers from memory without asking the store', async () => {
    const old = record();
    const expired = record(-1);
    await store.blacklist(old);
    await store.blacklist(expired);
    const refusing = Object.create(store, { isBlacklisted: { value: () => Promise.reject(new Error('no I/O expected')) } }) as KnexBlacklistStore;
    const mirror = await BlacklistMirror.start(refusing, { connection: db.connectionString });
    try {
      assert.equal(mirror.state, 'in-sync');
      assert.equal(await mirror.isBlacklisted(old.jti), true);
      assert.equal(await mirror.isBlacklisted(expired.jti), true, 'a row past its expires_at is still blacklisted, as the database says');
      assert.equal(await mirror.isBlacklisted(record().jti), false);
    } finally {
      await mirror.close();
    }
  });

  test('loads jtis that are not 32 lowercase hex characters as they are (uppercase, other 32-byte jtis, longer, shorter)', async () => {
    const odd = ['ABCDEF0123456789ABCDEF0123456789', 'g'.repeat(32), `${'é'.repeat(15)}ab`, 'x'.repeat(200), 'short'];
    const hex = record();
    for (const jti of odd) await store.blacklist({ ...record(), jti });
    await store.blacklist(hex);
    const mirror = await BlacklistMirror.start(store, { connection: db.connectionString, loadBatchSize: 2 });
    try {
      for (const jti of [...odd, hex.jti]) assert.equal(await mirror.isBlacklisted(jti), true, jti);
      assert.equal(await mirror.isBlacklisted('abcdef0123456789abcdef0123456789'), false, 'lowercase of a blacklisted uppercase jti');
      assert.equal(await mirror.isBlacklisted('G'.repeat(32)), false);
    } finally {
      await mirror.close();
    }
  });

  test('answers as the database does whatever expires_at says (leeway, sliding tokens renewed by Django), and forgets rows once flushed', async () => {
    // Simple JWT keeps a sliding token's first expires_at when it renews the token, and a token is
    // accepted for `leeway` seconds past its exp: the row's date says nothing about the token.
    const renewed = record(-2);
    await store.blacklist(renewed);
    const mirror = await BlacklistMirror.start(store, { connection: db.connectionString, resyncIntervalMs: 100 });
    try {
      assert.equal(await store.isBlacklisted(renewed.jti), true);
      assert.equal(await mirror.isBlacklisted(renewed.jti), true);
      const fresh = record(-2);
      await mirror.blacklist(fresh);
      assert.equal(await mirror.isBlacklisted(fresh.jti), true, 'blacklisted now, with a past expires_at');
      assert.ok((await mirror.flushExpired(new Date())) >= 2);
      await eventually(async () => (await mirror.isBlacklisted(renewed.jti)) === false); // gone with its row at the next resync
      assert.equal(await mirror.isBlacklisted(fresh.jti), false);
    } finally {
      await mirror.close();
    }
  });

  test('sees a blacklisting written by another process directly in SQL (as Django would), and an un-blacklisting', async () => {
    const mirror = await BlacklistMirror.start(store, { connection: db.connectionString });
    try {
      const token = record();
      await db.knex('token_blacklist_outstandingtoken').insert({ jti: token.jti, token: token.token, expires_at: token.expiresAt, created_at: null });
      await db.knex.raw(
        'INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = ?',
        [token.jti],
      );
      const ms = await eventually(() => mirror.isBlacklisted(token.jti));
      console.log(`# NOTIFY reached the mirror in ${ms.toFixed(1)} ms`);
      await db.knex.raw('DELETE FROM token_blacklist_blacklistedtoken WHERE token_id = (SELECT id FROM token_blacklist_outstandingtoken WHERE jti = ?)', [token.jti]);
      await eventually(async () => !(await mirror.isBlacklisted(token.jti)));
    } finally {
      await mirror.close();
    }
  });

  test('fails closed while its listening connection is down, and recovers by itself', async () => {
    const mirror = await BlacklistMirror.start(store, { connection: db.connectionString, reconnectDelayMs: 300 });
    try {
      assert.equal(await killListeners(), 1);
      await eventually(() => mirror.state === 'reconnecting');
      const token = record();
      await db.knex('token_blacklist_outstandingtoken').insert({ jti: token.jti, token: token.token, expires_at: token.expiresAt });
      await db.knex.raw('INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = ?', [token.jti]);
      assert.equal(await mirror.isBlacklisted(token.jti), true, 'answered by the database while reconnecting');
      await eventually(() => mirror.state === 'in-sync');
      assert.equal(await mirror.isBlacklisted(token.jti), true, 'the reload after reconnecting has it');
    } finally {
      await mirror.close();
    }
  });

  test('a blacklisting committed while the streamed first load reads is not lost', async () => {
    // A view over the blacklist whose every batch waits for an advisory lock the test holds: the
    // load takes its snapshot, reads its first batch, and another writer commits meanwhile.
    await db.knex.raw(`
      CREATE FUNCTION load_gate() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        PERFORM pg_advisory_lock_shared(18);
        PERFORM pg_advisory_unlock_shared(18);
        RETURN true;
      END $$;
      CREATE VIEW gated_blacklistedtoken AS SELECT * FROM token_blacklist_blacklistedtoken WHERE (SELECT load_gate());
    `);
    const before = [record(), record(), record(), record(), record()];
    for (const token of before) await store.blacklist(token);
    const holder = new pg.Client({ connectionString: db.connectionString });
    await holder.connect();
    const waiting = async () => {
      const sql = "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 18 AND NOT granted";
      return (await holder.query<{ n: number }>(sql)).rows[0]!.n > 0;
    };
    await holder.query('SELECT pg_advisory_lock(18)');
    const starting = BlacklistMirror.start(store, { connection: db.connectionString, blacklistedTable: 'gated_blacklistedtoken', loadBatchSize: 2 });
    let mirror: BlacklistMirror | undefined;
    try {
      await eventually(waiting);
      const during = record();
      await store.blacklist(during); // another writer, committed after the load's snapshot
      await holder.query('SELECT pg_advisory_unlock(18)');
      mirror = await starting;
      assert.equal(mirror.state, 'in-sync');
      for (const token of [...before, during]) assert.equal(await mirror.isBlacklisted(token.jti), true);
      assert.equal(await mirror.isBlacklisted(record().jti), false);
    } finally {
      await holder.end();
      await (mirror ?? (await starting)).close();
      await db.knex.raw('DROP VIEW gated_blacklistedtoken; DROP FUNCTION load_gate()');
    }
  });

  test('a load longer than syncTimeoutMs gets in sync, since the bound applies to each round trip', async () => {
    for (let i = 0; i < 6; i += 1) await store.blacklist(record());
    await db.knex.raw('CREATE VIEW slow_blacklistedtoken AS SELECT * FROM token_blacklist_blacklistedtoken WHERE (SELECT pg_sleep(0.1) IS NOT NULL)');
    const count = Number((await db.knex('token_blacklist_blacklistedtoken').count({ n: '*' }))[0]!.n);
    // `count` batches of one row, 100 ms each: well past the 400 ms bound in all.
    const mirror = await BlacklistMirror.start(store, { connection: db.connectionString, blacklistedTable: 'slow_blacklistedtoken', loadBatchSize: 1, syncTimeoutMs: 400 });
    try {
      assert.equal(mirror.state, 'in-sync');
      assert.equal(mirror.size, count);
    } finally {
      await mirror.close();
      await db.knex.raw('DROP VIEW slow_blacklistedtoken');
    }
  });

  test('a connection lost mid-load, with the next batch already asked for, is retried and gets in sync', async () => {
    // Uppercase jtis: every batch is read a second time as strings, queued behind the next batch's
    // statement, so two statements are out when the connection dies.
    const tokens = Array.from({ length: 8 }, () => record());
    for (const token of tokens) await store.blacklist({ ...token, jti: token.jti.toUpperCase() });
    await db.knex.raw('CREATE VIEW slow_blacklistedtoken AS SELECT * FROM token_blacklist_blacklistedtoken WHERE (SELECT pg_sleep(0.05) IS NOT NULL)');
    const unhandled: unknown[] = [];
    const collect = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', collect);
    const started = BlacklistMirror.start(store, { connection: db.connectionString, blacklistedTable: 'slow_blacklistedtoken', loadBatchSize: 1, reconnectDelayMs: 100 });
    let mirror: BlacklistMirror | undefined;
    try {
      // Kill while the statement asked ahead runs, a batch's second read queued behind it: wait for
      // a second read (`false AS hex`) to run once, then for a first read to run again.
      const active = async () => {
        const sql = "SELECT query FROM pg_stat_activity WHERE application_name = ? AND state = 'active'";
        return ((await db.knex.raw(sql, [LISTENER_APPLICATION_NAME])).rows as Array<{ query: string }>).map((row) => row.query).join('');
      };
      await eventually(async () => (await active()).includes('false AS hex'));
      await eventually(async () => (await active()).includes('= 32 AS hex'));
      assert.equal(await killListeners(), 1);
      mirror = await started;
      await eventually(() => mirror!.state === 'in-sync', 10_000);
      for (const token of tokens) assert.equal(await mirror.isBlacklisted(token.jti.toUpperCase()), true);
      assert.equal(await mirror.isBlacklisted(tokens[0]!.jti), false, 'the lowercase twin is another jti');
      assert.deepEqual(unhandled, [], 'the statement asked ahead fails with the connection, and that is handled');
    } finally {
      process.off('unhandledRejection', collect);
      await (mirror ?? (await started)).close();
      await db.knex.raw('DROP VIEW slow_blacklistedtoken');
    }
  });

  test('answers from the database when it cannot connect at start', async () => {
    const mirror = await BlacklistMirror.start(store, { connection: 'postgres://postgres@127.0.0.1:1/nowhere', reconnectDelayMs: 1000 });
    try {
      assert.notEqual(mirror.state, 'in-sync');
      const token = record();
      await store.blacklist(token);
      assert.equal(await mirror.isBlacklisted(token.jti), true);
    } finally {
      await mirror.close();
    }
  });
});

describe('two app instances in separate processes', () => {
  let child: ChildProcess;
  let otherUrl: string;

  before(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'test/support/mirror-app.ts'], {
      env: { ...process.env, DATABASE_URL: db.connectionString, SIGNING_KEY, RECONNECT_DELAY_MS: '1000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    otherUrl = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`mirror app exited with ${code}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        const match = /ready (\d+)/.exec(chunk.toString());
        if (match) resolve(`http://127.0.0.1:${match[1]}`);
      });
    });
  });
  after(async () => {
    child.removeAllListeners('exit');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  const state = async () => ((await (await fetch(`${otherUrl}/mirror/state`)).json()) as { state: string }).state;
  const call = async (token: string) => (await fetch(`${otherUrl}/api/me/sliding`, { headers: { authorization: `Bearer ${token}` } })).status;

  test('a sliding token blacklisted through instance A is refused by instance B; with B\'s listener killed too', async () => {
    const { server: a, users } = await startDemo(db, { blacklistStore: store });
    try {
      await users.createUser({ username: 'bob', password: 'bob-password' });
      const obtain = async () => ((await a.post('/api/token/sliding', { username: 'bob', password: 'bob-password' })).body as { token: string }).token;
      const blacklistThroughA = (token: string) => {
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, number | string>;
        return store.blacklist({ jti: String(claims.jti), userId: null, token, createdAt: null, expiresAt: new Date(Number(claims.refresh_exp) * 1000) });
      };

      await eventually(async () => (await state()) === 'in-sync');
      const first = await obtain();
      assert.equal(await call(first), 200);
      await blacklistThroughA(first);
      const ms = await eventually(async () => (await call(first)) === 401);
      console.log(`# instance B refused the token ${ms.toFixed(1)} ms after instance A blacklisted it`);

      const second = await obtain();
      assert.equal(await call(second), 200);
      assert.equal(await killListeners(), 1);
      await eventually(async () => (await state()) === 'reconnecting');
      await blacklistThroughA(second);
      assert.equal(await call(second), 401, 'B falls back to the database while its listener is down');
      await eventually(async () => (await state()) === 'in-sync');
      assert.equal(await call(second), 401);
      assert.equal(await call(first), 401);
    } finally {
      await a.close();
    }
  });
});

describe('BlacklistMirror, incremental sync', () => {
  const DISAGREED = /disagreed with the database/;
  /** A mirror whose reports are kept, to tell a catch-up or a check from a full reload. */
  async function startMirror(options: { reconnectDelayMs?: number } = {}) {
    const reports: string[] = [];
    const mirror = await BlacklistMirror.start(store, { connection: db.connectionString, onError: (error) => reports.push(String(error)), ...options });
    assert.equal(mirror.state, 'in-sync');
    return { mirror, reports, reloaded: () => reports.some((report) => DISAGREED.test(report)) };
  }
  /** blacklistUser of nobody: a check of the summary, waiting for every announcement committed before it. */
  const check = (mirror: BlacklistMirror) => mirror.blacklistUser('0', new Date());
  const insertDirectly = async (token: OutstandingToken) => {
    await db.knex('token_blacklist_outstandingtoken').insert({ jti: token.jti, token: token.token, expires_at: token.expiresAt });
    await db.knex.raw('INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = ?', [token.jti]);
  };

  test('blacklistings that grow the set past the size it was loaded at are all answered from memory, during the background moves and after', async () => {
    const insertMany = (prefix: string, count: number) => db.knex.raw(
      `WITH o AS (INSERT INTO token_blacklist_outstandingtoken (jti, token, expires_at)
                  SELECT md5(? || i::text), 't', now() + interval '1 day' FROM generate_series(1, ?::int) i RETURNING id)
       INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM o`,
      [prefix, count],
    );
    const jtisOf = async (prefix: string) => (await db.knex.raw('SELECT jti FROM token_blacklist_outstandingtoken WHERE jti IN (SELECT md5(? || i::text) FROM generate_series(1, 5000) i)', [prefix])).rows.map((row: { jti: string }) => row.jti) as string[];
    await insertMany('grow-before-', 3_000);
    const refusing = Object.create(store, { isBlacklisted: { value: () => Promise.reject(new Error('no I/O expected')) } }) as KnexBlacklistStore;
    const mirror = await BlacklistMirror.start(refusing, { connection: db.connectionString });
    try {
      const loaded = mirror.size;
      // Sized for `loaded` at a load of 0.75, it grows past 0.85: 20 % more rows, in two statements.
      await insertMany('grow-after-', Math.ceil(loaded * 0.1));
      await insertMany('grow-later-', Math.ceil(loaded * 0.1));
      await eventually(() => mirror.size === loaded + 2 * Math.ceil(loaded * 0.1));
      const all = [...(await jtisOf('grow-before-')), ...(await jtisOf('grow-after-')), ...(await jtisOf('grow-later-'))];
      for (const jti of all) assert.equal(await mirror.isBlacklisted(jti), true, jti);
      assert.equal(await mirror.isBlacklisted(record().jti), false);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the background moves, done or not
      for (const jti of all) assert.equal(await mirror.isBlacklisted(jti), true, jti);
      assert.equal(mirror.state, 'in-sync');
    } finally {
      await mirror.close();
    }
  });

  test('catches up after a reconnection from its watermark, without a full reload', async () => {
    const { mirror, reloaded } = await startMirror({ reconnectDelayMs: 1000 });
    try {
      const old = record();
      await mirror.blacklist(old);
      assert.equal(await killListeners(), 1);
      await eventually(() => mirror.state === 'reconnecting');
      const missed = [record(), record(), record()];
      for (const token of missed) await insertDirectly(token);
      await eventually(() => mirror.state === 'in-sync');
      for (const token of [old, ...missed]) assert.equal(await mirror.isBlacklisted(token.jti), true);
      await check(mirror);
      assert.equal(reloaded(), false, 'no disagreement, no reload');
    } finally {
      await mirror.close();
    }
  });

  test('a removal missed while disconnected shows as a disagreement after reconnecting, and the reload forgets the row', async () => {
    const { mirror, reloaded } = await startMirror({ reconnectDelayMs: 1000 });
    try {
      const token = record();
      await mirror.blacklist(token);
      await check(mirror); // its announcement has arrived: memory holds the row
      assert.equal(await killListeners(), 1);
      await eventually(() => mirror.state === 'reconnecting');
      await store.unblacklist(token.jti);
      await eventually(() => mirror.state === 'in-sync');
      assert.equal(await mirror.isBlacklisted(token.jti), false);
      assert.equal(reloaded(), true);
    } finally {
      await mirror.close();
    }
  });

  test('the flush reaches memory through its announced removals, without a reload', async () => {
    const { mirror, reloaded } = await startMirror();
    try {
      const expired = [record(-1), record(-1), record(-1)];
      const live = record();
      for (const token of [...expired, live]) await mirror.blacklist(token);
      await check(mirror);
      const size = mirror.size;
      assert.ok((await mirror.flushExpired(new Date(), { batchSize: 2 })) >= 3);
      await check(mirror);
      for (const token of expired) assert.equal(await mirror.isBlacklisted(token.jti), false);
      assert.equal(await mirror.isBlacklisted(live.jti), true);
      assert.ok(mirror.size <= size - 3);
      assert.equal(reloaded(), false);
    } finally {
      await mirror.close();
    }
  });

  test('a row deleted and inserted again (in one transaction, and apart) stays blacklisted, and the check agrees', async () => {
    const { mirror, reloaded } = await startMirror();
    try {
      const token = record();
      await mirror.blacklist(token);
      const reinsert = `DELETE FROM token_blacklist_blacklistedtoken WHERE token_id = (SELECT id FROM token_blacklist_outstandingtoken WHERE jti = :jti);
        INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = :jti`;
      await db.knex.transaction(async (trx) => {
        await trx.raw(reinsert.split(';')[0]!, { jti: token.jti });
        await trx.raw(reinsert.split(';')[1]!, { jti: token.jti });
      });
      await check(mirror);
      assert.equal(await mirror.isBlacklisted(token.jti), true);
      // The outstanding row too: gone (with its blacklist row) and recorded again under a new id.
      await db.knex.raw(reinsert.split(';')[0]!, { jti: token.jti });
      await db.knex('token_blacklist_outstandingtoken').where({ jti: token.jti }).delete();
      await check(mirror);
      assert.equal(await mirror.isBlacklisted(token.jti), false);
      await insertDirectly(token);
      await check(mirror);
      assert.equal(await mirror.isBlacklisted(token.jti), true);
      assert.equal(reloaded(), false);
    } finally {
      await mirror.close();
    }
  });

  test('a check that finds a difference reloads (a row written with triggers disabled, counted in the summary)', async () => {
    const { mirror, reloaded } = await startMirror();
    try {
      const token = record();
      await db.knex.transaction(async (trx) => {
        await trx.raw('SET LOCAL session_replication_role = replica');
        await trx('token_blacklist_outstandingtoken').insert({ jti: token.jti, token: token.token, expires_at: token.expiresAt });
        const [row] = (await trx.raw('INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = ? RETURNING id', [token.jti])).rows;
        // What the trigger would have counted; its NOTIFY is the part that went missing.
        await trx.raw('UPDATE koa_simple_jwt_blacklist_summary SET entries = entries + 1, checksum = (checksum + (((?::bigint & 4294967295) * 1540483477) & 4294967295)) % 281474976710656 WHERE shard = (SELECT min(shard) FROM koa_simple_jwt_blacklist_summary)', [row.id]);
      });
      assert.equal(await mirror.isBlacklisted(token.jti), false, 'not announced: memory does not have it yet');
      await check(mirror);
      assert.equal(reloaded(), true);
      assert.equal(await mirror.isBlacklisted(token.jti), true);
    } finally {
      await mirror.close();
    }
  });

  test('a blacklist row removed by a cascade (its jti unknown to the trigger) makes the mirror reload', async () => {
    const { mirror } = await startMirror();
    try {
      const token = record();
      await mirror.blacklist(token);
      await db.knex('token_blacklist_outstandingtoken').where({ jti: token.jti }).delete(); // ON DELETE CASCADE
      await eventually(async () => mirror.state === 'in-sync' && !(await mirror.isBlacklisted(token.jti)));
    } finally {
      await mirror.close();
    }
  });

  test('a TRUNCATE empties memory', async () => {
    const { mirror } = await startMirror();
    try {
      const token = record();
      await mirror.blacklist(token);
      await db.knex.raw('TRUNCATE token_blacklist_blacklistedtoken');
      await check(mirror);
      assert.equal(mirror.size, 0);
      assert.equal(await mirror.isBlacklisted(token.jti), false);
    } finally {
      await mirror.close();
    }
  });
});
