import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import knexFactory from 'knex';
import { createTestDatabase } from '../../examples/support/database.js';
import { BlacklistMirror, CachedUserStore, createSimpleJwt, KnexBlacklistStore, KnexUserStore, migrate } from '../../src/index.js';
import { eventually, terminateListeners } from '../support/eventually.js';
import { SIGNING_KEY } from '../support/demo.js';
import type { TestDatabase } from '../../examples/support/database.js';

// Startup mistakes surface once, at startup, with the fix named; not per request.

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db?.drop();
});

describe('a store used before the migrations ran', () => {
  test("answers 503 and logs the driver's message with what to run", async () => {
    const fresh = await createTestDatabase();
    try {
      const store = new KnexUserStore(fresh.knex);
      await assert.rejects(store.findUser('id', '1'), (error: Error & { status?: number; cause?: Error }) => {
        assert.equal(error.status, 503);
        assert.match(String(error.cause?.message), /relation "auth_user" does not exist: run `npx koa-simple-jwt migrate`/);
        return true;
      });
    } finally {
      await fresh.drop();
    }
  });
});

describe('jwt.ready()', () => {
  test('names the missing tables and the migrate command before the migrations ran, and resolves after', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: new KnexUserStore(db.knex), blacklistStore: new KnexBlacklistStore(db.knex) });
    await assert.rejects(jwt.ready(), (error: Error) => {
      assert.match(error.message, /"auth_user" missing; run `npx koa-simple-jwt migrate`/);
      return true;
    });
    await assert.rejects(new KnexBlacklistStore(db.knex).ready(), /tables "token_blacklist_outstandingtoken", "token_blacklist_blacklistedtoken" missing/);
    await migrate(db.knex);
    await jwt.ready();
  });

  test('says the database cannot be reached, with the driver reason and what to check', async () => {
    const unreachable = knexFactory({ client: 'pg', connection: 'postgres://postgres@127.0.0.1:1/nothing', pool: { min: 0, max: 1 }, acquireConnectionTimeout: 3000 });
    try {
      const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: new KnexUserStore(unreachable) });
      await assert.rejects(jwt.ready(), /KnexUserStore cannot reach its database \(.*ECONNREFUSED.*\); check DATABASE_URL/);
    } finally {
      await unreachable.destroy();
    }
  });
});

describe('BlacklistMirror and CachedUserStore readiness and reporting', () => {
  test('a listener that cannot connect: ready() says so and names poolers; one log line however many retries', async () => {
    await migrate(db.knex);
    const lines: string[] = [];
    let failures = 0;
    const mirror = await BlacklistMirror.start(new KnexBlacklistStore(db.knex), {
      connection: 'postgres://postgres@127.0.0.1:1/nothing',
      reconnectDelayMs: 10,
      onError: () => (failures += 1),
      onStateChange: (state, error) => lines.push(`${state}: ${String((error as Error | undefined)?.message ?? '')}`),
    });
    try {
      await eventually(() => failures >= 3);
      assert.equal(mirror.state, 'reconnecting');
      await assert.rejects(mirror.ready(), /BlacklistMirror is reconnecting, not in sync \(.*ECONNREFUSED.*\).*PgBouncer in transaction mode/);
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0] ?? '', /^reconnecting: .*ECONNREFUSED/);
    } finally {
      await mirror.close();
    }
  });

  test('the default reporter logs one line when the listening connection is lost and one when it is back', async () => {
    await migrate(db.knex);
    const lines: string[] = [];
    const original = console.warn;
    console.warn = (line: unknown) => void lines.push(String(line));
    const cache = await CachedUserStore.start(new KnexUserStore(db.knex), { connection: db.connectionString, reconnectDelayMs: 50 });
    try {
      await cache.ready();
      assert.deepEqual(lines, [], 'a healthy start logs nothing');
      await terminateListeners(db.knex, db.connectionString, 'koa-simple-jwt-user-listener');
      await eventually(() => lines.length >= 2);
      assert.match(lines[0] ?? '', /^koa-simple-jwt: CachedUserStore: listening connection lost \(.+\); checks go to the database/);
      assert.match(lines[1] ?? '', /^koa-simple-jwt: CachedUserStore: back in sync/);
      await cache.ready();
    } finally {
      console.warn = original;
      await cache.close();
    }
  });
});
