import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import knexFactory from 'knex';
import { ManualClock, setUpDatabase, startDemo } from '../support/demo.js';
import { claimsOf } from '../support/http.js';
import { eventually } from '../support/eventually.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { SettingsError, createSimpleJwt } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';
import type { Knex } from 'knex';

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';
const clock = new ManualClock();
let db: TestDatabase;
let server: TestServer;
let store: KnexBlacklistStore;

before(async () => {
  db = await setUpDatabase();
  store = new KnexBlacklistStore(db.knex);
  let users;
  ({ server, users } = await startDemo(db, { clock, blacklistStore: store, rotateRefreshTokens: true, blacklistAfterRotation: true }));
  await users.createUser({ username: 'alice', password: 'alice-password' });
});
after(async () => {
  await server?.close();
  await db?.drop();
});

async function pair(target = server) {
  const response = await target.post('/api/token', { username: 'alice', password: 'alice-password' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as { refresh: string; access: string };
}
async function sliding(target = server) {
  const response = await target.post('/api/token/sliding', { username: 'alice', password: 'alice-password' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return (response.body as { token: string }).token;
}
const rows = (jti: unknown) => db.knex(OUTSTANDING).where({ jti: String(jti) });
const blacklisted = async (jti: unknown) =>
  (await db.knex(BLACKLISTED).join(OUTSTANDING, `${OUTSTANDING}.id`, `${BLACKLISTED}.token_id`).where(`${OUTSTANDING}.jti`, String(jti))).length;

describe('outstanding tokens', () => {
  test('obtaining a pair records the refresh token once, with user, token, created_at and expires_at; never the access token', async () => {
    const { refresh, access } = await pair();
    const claims = claimsOf(refresh);
    const recorded = await rows(claims.jti);
    assert.equal(recorded.length, 1);
    assert.equal(String(recorded[0].user_id), claims.user_id);
    assert.equal(recorded[0].token, refresh);
    assert.equal(recorded[0].created_at.getTime(), Number(claims.iat) * 1000);
    assert.equal(recorded[0].expires_at.getTime(), Number(claims.exp) * 1000);
    assert.equal((await rows(claimsOf(access).jti)).length, 0);
  });

  test('obtaining a sliding token records it until a renewal at the end of its window has expired', async () => {
    const claims = claimsOf(await sliding());
    const recorded = await rows(claims.jti);
    assert.equal(recorded.length, 1);
    // refresh_exp + slidingTokenLifetime (Simple JWT's default 5 minutes), leeway 0.
    assert.equal(recorded[0].expires_at.getTime(), (Number(claims.refresh_exp) + 300) * 1000);
  });
});

describe('rotation with blacklistAfterRotation', () => {
  test('blacklists the old token and records the new one', async () => {
    const { refresh } = await pair();
    const response = await server.post('/api/token/refresh', { refresh });
    assert.equal(response.status, 200);
    const next = (response.body as { refresh: string }).refresh;
    assert.equal(await blacklisted(claimsOf(refresh).jti), 1);
    assert.equal((await rows(claimsOf(next).jti)).length, 1);
    assert.equal(await blacklisted(claimsOf(next).jti), 0);
    const again = await server.post('/api/token/refresh', { refresh });
    assert.equal(again.status, 401);
    assert.deepEqual(again.body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  });

  test('is atomic: of 20 concurrent refreshes of one token exactly one succeeds, five rounds', async () => {
    const count = async () => Number((await db.knex(OUTSTANDING).count<{ count: string }[]>('* as count'))[0]!.count);
    for (let round = 0; round < 5; round += 1) {
      const before = await count();
      const { refresh } = await pair();
      const responses = await Promise.all(Array.from({ length: 20 }, () => server.post('/api/token/refresh', { refresh })));
      const ok = responses.filter((r) => r.status === 200);
      const refused = responses.filter((r) => r.status === 401);
      assert.equal(ok.length, 1, `round ${round}: ${responses.map((r) => r.status).join(',')}`);
      assert.equal(refused.length, 19);
      for (const r of refused) assert.deepEqual(r.body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
      assert.equal(await blacklisted(claimsOf(refresh).jti), 1);
      const issued = (ok[0]!.body as { refresh: string }).refresh;
      assert.equal((await rows(claimsOf(issued).jti)).length, 1);
      assert.equal(await count(), before + 2, 'the obtained token and the winner\'s new token; the losers recorded nothing');
    }
  });
});

describe('POST /token/blacklist', () => {
  test('blacklists a refresh token once; the same token again and a refresh with it are refused', async () => {
    const { refresh } = await pair();
    const first = await server.post('/api/token/blacklist/', { refresh });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, {});
    const second = await server.post('/api/token/blacklist', { refresh });
    assert.equal(second.status, 401);
    assert.deepEqual(second.body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    const refreshed = await server.post('/api/token/refresh', { refresh });
    assert.equal(refreshed.status, 401);
    assert.deepEqual(refreshed.body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  });

  test('refuses an access token with "Token has wrong type" and requires the field', async () => {
    const { access } = await pair();
    const response = await server.post('/api/token/blacklist', { refresh: access });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'Token has wrong type', code: 'token_not_valid' });
    const missing = await server.post('/api/token/blacklist', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { refresh: ['This field is required.'] });
  });

  test('a refresh token that was never recorded gets its outstanding row and is blacklisted', async () => {
    const jwt = createSimpleJwt({ signingKey: 'test-signing-key-of-at-least-32-bytes!!', clock });
    const { refresh } = await jwt.issueTokenPair({ id: 1, username: 'alice', isActive: true });
    const jti = claimsOf(refresh).jti;
    assert.equal((await rows(jti)).length, 0);
    const response = await server.post('/api/token/blacklist', { refresh });
    assert.equal(response.status, 200);
    assert.equal((await rows(jti)).length, 1);
    assert.equal(await blacklisted(jti), 1);
  });
});

describe('POST /token/verify with blacklistAfterRotation', () => {
  test('answers Simple JWT\'s 400 non_field_errors for a blacklisted token', async () => {
    const { refresh } = await pair();
    assert.equal((await server.post('/api/token/verify', { token: refresh })).status, 200);
    await server.post('/api/token/blacklist', { refresh });
    const response = await server.post('/api/token/verify', { token: refresh });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, { non_field_errors: ['Token is blacklisted'] });
  });
});

describe('per-request blacklist checks for sliding tokens', () => {
  test('a sliding token blacklisted now is refused on the next request, here and by a second app on another pool', async () => {
    const other = knexFactory({ client: 'pg', connection: db.connectionString, pool: { min: 0, max: 2 } });
    const { server: second } = await startDemo({ ...db, knex: other }, { clock, blacklistStore: new KnexBlacklistStore(other) });
    try {
      const token = await sliding();
      for (const target of [server, second]) {
        assert.equal((await target.request('/api/me/sliding', { headers: { authorization: `Bearer ${token}` } })).status, 200);
      }
      assert.equal(await store.blacklist({ jti: String(claimsOf(token).jti), userId: null, token, createdAt: null, expiresAt: new Date(Number(claimsOf(token).refresh_exp) * 1000) }), true);
      for (const target of [server, second]) {
        const response = await target.request('/api/me/sliding', { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 401);
        assert.deepEqual((response.body as { messages: unknown }).messages, [{ token_class: 'SlidingToken', token_type: 'sliding', message: 'Token is blacklisted' }]);
      }
    } finally {
      await second.close();
      await other.destroy();
    }
  });

  test('a blacklisted sliding token stays refused after the flush, even when refreshed before being blacklisted', async () => {
    const token = await sliding();
    clock.advance(200);
    const renewed = ((await server.post('/api/token/sliding/refresh', { token })).body as { token: string }).token;
    await store.blacklist({ jti: String(claimsOf(renewed).jti), userId: null, token: renewed, createdAt: null, expiresAt: new Date(Number(claimsOf(renewed).refresh_exp) * 1000) });
    clock.advance(150); // past the first exp (300 s), within the renewed one
    const deleted = await store.flushExpired(clock.now());
    assert.ok(deleted >= 0);
    assert.equal(await blacklisted(claimsOf(renewed).jti), 1, 'the row outlives the first exp');
    const response = await server.request('/api/me/sliding', { headers: { authorization: `Bearer ${renewed}` } });
    assert.equal(response.status, 401);
    clock.advance(-350);
  });
});

describe('without a blacklist store', () => {
  test('blacklistAfterRotation and a mounted blacklist endpoint are startup errors; the route is absent by default', async () => {
    assert.throws(() => createSimpleJwt({ signingKey: 'k'.repeat(32), blacklistAfterRotation: true }), (e: unknown) => e instanceof SettingsError && e.setting === 'blacklistStore');
    const users = { authenticate: async () => null, findUser: async () => null, updateLastLogin: async () => undefined };
    const jwt = createSimpleJwt({ signingKey: 'k'.repeat(32), userStore: users });
    assert.throws(() => jwt.routes({ blacklist: true }), (e: unknown) => e instanceof SettingsError && e.setting === 'blacklistStore');
    const { server: plain } = await startDemo(db, { clock });
    try {
      const response = await plain.post('/api/token/blacklist', { refresh: 'x' });
      assert.equal(response.status, 404);
    } finally {
      await plain.close();
    }
  });
});

describe('when the database becomes unreachable', () => {
  test('refresh answers 503 with a generic body, and recovers when the database is back', async () => {
    const { refresh } = await pair();
    const admin: Knex = knexFactory({ client: 'pg', connection: db.connectionString.replace(/\/[^/]+$/, '/postgres') });
    const name = new URL(db.connectionString).pathname.slice(1);
    try {
      await admin.raw(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()', [name]);
      const down = await server.post('/api/token/refresh', { refresh });
      assert.equal(down.status, 503);
      assert.deepEqual(down.body, { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
      await admin.raw(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      // The pool may still hand out a connection the outage killed: such a request is a 503 too,
      // never a 401 or a 500, and the app recovers without a restart.
      await eventually(async () => {
        const up = await server.post('/api/token/refresh', { refresh });
        assert.ok(up.status === 200 || up.status === 503, `status ${up.status}`);
        return up.status === 200;
      });
    } finally {
      await admin.raw(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
      await admin.destroy();
    }
  });
});
