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

  test('blacklistUser called twice at once keeps what another writer blacklists during the reloads', async () => {
    // A view over the blacklist whose every read, once its snapshot is taken, takes the next key of
    // a sequence and waits for that advisory lock. The test holds the keys of the next two reloads:
    // it lets the first finish while the second is asked for, and commits another writer's
    // blacklisting while the second reads.
    await db.knex.raw(`
      CREATE SEQUENCE load_gate_key;
      CREATE FUNCTION load_gate() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      DECLARE key bigint := nextval('load_gate_key');
      BEGIN
        PERFORM pg_advisory_lock_shared(key);
        PERFORM pg_advisory_unlock_shared(key);
        RETURN true;
      END $$;
      CREATE VIEW gated_blacklistedtoken AS SELECT * FROM token_blacklist_blacklistedtoken WHERE (SELECT load_gate());
    `);
    let written = 0;
    const counting = Object.create(store, {
      blacklistUser: {
        value: async (userId: string, now: Date) => {
          const count = await store.blacklistUser(userId, now);
          written += 1;
          return count;
        },
      },
    }) as KnexBlacklistStore;
    const holder = new pg.Client({ connectionString: db.connectionString });
    await holder.connect();
    const waitingFor = async (key: number) => {
      const sql = "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND NOT granted";
      return (await holder.query<{ n: number }>(sql, [key])).rows[0]!.n === 1;
    };
    const mirror = await BlacklistMirror.start(counting, { connection: db.connectionString, blacklistedTable: 'gated_blacklistedtoken' });
    try {
      assert.equal(mirror.state, 'in-sync');
      await db.knex.raw("SELECT setval('load_gate_key', 100)");
      await holder.query('SELECT pg_advisory_lock(101), pg_advisory_lock(102)');
      const reloads = Promise.all([mirror.blacklistUser('1', new Date()), mirror.blacklistUser('1', new Date())]);
      await eventually(async () => written === 2 && (await waitingFor(101)));
      await holder.query('SELECT pg_advisory_unlock(101)');
      await eventually(() => waitingFor(102));
      const token = record();
      await store.blacklist(token); // another writer, committed while the second reload reads
      await holder.query('SELECT pg_advisory_unlock(102)');
      await reloads;
      assert.equal(mirror.state, 'in-sync');
      assert.equal(await store.isBlacklisted(token.jti), true);
      assert.equal(await mirror.isBlacklisted(token.jti), true, 'the mirror agrees with the database');
    } finally {
      await holder.end();
      await mirror.close();
      await db.knex.raw('DROP VIEW gated_blacklistedtoken; DROP FUNCTION load_gate(); DROP SEQUENCE load_gate_key');
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
