import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, setUpDatabase, startDemo } from '../support/demo.js';
import { claimsOf } from '../support/http.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { KnexFamilyStore } from '../../src/postgres/knex-family-store.js';
import { createSimpleJwt } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';

const clock = new ManualClock();
let db: TestDatabase;
let server: TestServer;

before(async () => {
  db = await setUpDatabase();
  let users;
  ({ server, users } = await startDemo(db, {
    clock,
    blacklistStore: new KnexBlacklistStore(db.knex),
    familyStore: new KnexFamilyStore(db.knex),
    rotateRefreshTokens: true,
    blacklistAfterRotation: true,
  }));
  await users.createUser({ username: 'alice', password: 'alice-password' });
  await users.createUser({ username: 'bob', password: 'bob-password' });
});
after(async () => {
  await server?.close();
  await db?.drop();
});

async function login(username: string, agent = 'agent/1') {
  const response = await server.post('/api/token', { username, password: `${username}-password` }, { 'user-agent': agent });
  assert.equal(response.status, 200);
  return response.body as { refresh: string; access: string };
}
const auth = (access: string) => ({ authorization: `Bearer ${access}` });
const sessions = async (access: string) => {
  const response = await server.request('/api/token/sessions', { headers: auth(access) });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as { id: string; created: string; lastUsed: string; userAgent: string | null; ipHash: string | null; current: boolean }[];
};
const revoke = (access: string, id: string) => server.request(`/api/token/sessions/${id}`, { method: 'DELETE', headers: auth(access) });

describe('GET /token/sessions', () => {
  test("lists the user's own live sessions, newest first, marking the current one, and never another user's", async () => {
    const first = await login('alice', 'phone/1');
    clock.advance(10);
    const second = await login('alice', 'laptop/2');
    await login('bob');
    const listed = await sessions(second.access);
    assert.deepEqual(listed.map((session) => [session.userAgent, session.current]), [['laptop/2', true], ['phone/1', false]]);
    assert.match(listed[0]!.ipHash ?? '', /^[0-9a-f]{16}$/);
    assert.equal(listed[1]!.created, new Date(Number(claimsOf(first.refresh).iat) * 1000).toISOString());
    // After a rotation the new access token is the current one.
    const rotated = (await server.post('/api/token/refresh', { refresh: first.refresh })).body as { access: string };
    assert.deepEqual((await sessions(rotated.access)).map((session) => [session.userAgent, session.current]), [['laptop/2', false], ['phone/1', true]]);
  });

  test('answers 401 without a token, as every protected route', async () => {
    const response = await server.request('/api/token/sessions');
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' });
  });
});

describe('DELETE /token/sessions/{id}', () => {
  test("ends one of the user's sessions: its refresh token is refused", async () => {
    const phone = await login('alice', 'phone/3');
    const laptop = await login('alice', 'laptop/3');
    const id = (await sessions(laptop.access)).find((session) => session.userAgent === 'phone/3')!.id;
    const response = await revoke(laptop.access, id);
    assert.equal(response.status, 204);
    assert.deepEqual((await server.post('/api/token/refresh', { refresh: phone.refresh })).body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    assert.equal((await sessions(laptop.access)).some((session) => session.id === id), false);
    assert.equal((await revoke(laptop.access, id)).status, 404);
  });

  test("cannot end another user's session: 404, and the session goes on", async () => {
    const bob = await login('bob', 'bob-phone');
    const alice = await login('alice');
    const bobSession = (await sessions(bob.access)).find((session) => session.current)!.id;
    const response = await revoke(alice.access, bobSession);
    assert.equal(response.status, 404);
    assert.deepEqual(response.body, { detail: 'Not found.' });
    assert.equal((await server.post('/api/token/refresh', { refresh: bob.refresh })).status, 200);
    assert.equal((await revoke(alice.access, 'no-such-session')).status, 404);
  });
});

describe('POST /token/sessions/revoke-others', () => {
  test("ends every session of the user but the current one, and none of another user's", async () => {
    const bob = await login('bob');
    const others = [await login('alice'), await login('alice')];
    const current = await login('alice');
    const response = await server.request('/api/token/sessions/revoke-others', { method: 'POST', headers: auth(current.access) });
    assert.equal(response.status, 200);
    assert.ok((response.body as { revoked: number }).revoked >= 2);
    const listed = await sessions(current.access);
    assert.deepEqual(listed.map((session) => session.current), [true]);
    for (const other of others) assert.equal((await server.post('/api/token/refresh', { refresh: other.refresh })).status, 401);
    assert.equal((await server.post('/api/token/refresh', { refresh: current.refresh })).status, 200);
    assert.equal((await server.post('/api/token/refresh', { refresh: bob.refresh })).status, 200);
  });
});

describe('POST /token/logout-all', () => {
  test("refuses every token of the user issued before it, the caller's access token included, and no other user's", async () => {
    const bob = await login('bob');
    const phone = await login('alice');
    const laptop = await login('alice');
    const response = await server.request('/api/token/logout-all', { method: 'POST', headers: auth(laptop.access) });
    assert.equal(response.status, 204);
    assert.equal((await server.request('/api/me', { headers: auth(laptop.access) })).status, 401);
    assert.equal((await server.request('/api/me', { headers: auth(phone.access) })).status, 401);
    assert.equal((await server.post('/api/token/refresh', { refresh: phone.refresh })).status, 401);
    assert.equal((await server.request('/api/me', { headers: auth(bob.access) })).status, 200);
    assert.equal((await server.post('/api/token/refresh', { refresh: bob.refresh })).status, 200);
    // A login in a later second starts a new session.
    clock.advance(1);
    const again = await login('alice');
    assert.equal((await sessions(again.access)).length, 1);
  });
});

describe('mounting', () => {
  test('without a family store the sessions endpoints are not mounted (404)', async () => {
    const plain = await startDemo(db, { clock, blacklistStore: new KnexBlacklistStore(db.knex) });
    try {
      const { access } = (await plain.server.post('/api/token', { username: 'bob', password: 'bob-password' })).body as { access: string };
      assert.equal((await plain.server.request('/api/token/sessions', { headers: auth(access) })).status, 404);
      assert.equal((await plain.server.request('/api/token/logout-all', { method: 'POST', headers: auth(access) })).status, 404);
    } finally {
      await plain.server.close();
    }
  });

  test('routes({ sessions: true }) without a family store fails at startup, naming the setting', () => {
    const jwt = createSimpleJwt({ signingKey: 'x'.repeat(40), userStore: { authenticate: async () => null, findUser: async () => null, updateLastLogin: async () => undefined } });
    assert.throws(() => jwt.routes({ sessions: true }), /familyStore/);
  });
});
