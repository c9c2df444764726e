// Ninja JWT's tests/test_integration.py and tests/test_authentication.py as wire checks, and one
// app serving a Simple JWT front end (/api) and a Ninja JWT front end (/ninja) from the same
// users, keys and blacklist on one database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock, demoSigner, setUpDatabase } from '../../support/demo.js';
import { startTwoProfileApp } from '../../support/two-profile-app.js';
import { claimsOf } from '../../support/http.js';
import type { TestDatabase } from '../../../examples/support/database.js';
import type { TestServer } from '../../support/http.js';
import type { KnexUserStore } from '../../../src/stores/knex-user-store.js';

const clock = new ManualClock();
const sign = demoSigner(clock);
let db: TestDatabase;
let server: TestServer;
let users: KnexUserStore;
let aliceId: string;

function access(changes: Record<string, unknown> = {}, lifetime = 300): string {
  const now = clock.seconds();
  const payload: Record<string, unknown> = { token_type: 'access', exp: now + lifetime, iat: now, jti: randomBytes(16).toString('hex'), user_id: aliceId, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete payload[key];
  return sign(payload);
}

async function get(path: string, authorization?: string) {
  return server.request(path, authorization === undefined ? {} : { headers: { authorization } });
}

async function login(prefix: '/api' | '/ninja', path = prefix === '/api' ? '/token' : '/token/pair'): Promise<Record<string, string>> {
  const response = await server.post(`${prefix}${path}`, { username: 'alice', password: 'alice-password' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as Record<string, string>;
}

before(async () => {
  db = await setUpDatabase();
  ({ server, users } = await startTwoProfileApp(db, { clock, rotateRefreshTokens: true, blacklistAfterRotation: true }));
  aliceId = String((await users.createUser({ username: 'alice', password: 'alice-password' })).id);
});
after(async () => {
  await server?.close();
  await db?.drop();
});

describe('a security name on the ninja-jwt profile (Ninja JWT\'s JWTAuth)', () => {
  test('answers {"detail": "Unauthorized"} without a header, with another scheme and with an empty header; no WWW-Authenticate', async () => {
    for (const header of [undefined, 'Wrong abc', 'Basic YWxpY2U6eA==', '']) {
      const response = await get('/ninja/me', header);
      assert.equal(response.status, 401, String(header));
      assert.deepEqual(response.body, { detail: 'Unauthorized' });
      assert.equal(response.headers.get('www-authenticate'), null);
    }
  });

  test('reads the scheme in any case and takes the rest of the header as the token', async () => {
    const token = access();
    assert.equal((await get('/ninja/me', `bearer ${token}`)).status, 200);
    assert.equal((await get('/ninja/me', `BEARER ${token}`)).status, 200);
    const split = await get('/ninja/me', `Bearer ${token} extra`);
    assert.equal(split.status, 401, 'the token is "<token> extra"');
    assert.equal((split.body as { code: string }).code, 'token_not_valid');
    const alone = await get('/ninja/me', 'Bearer');
    assert.deepEqual(alone.body, {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
    });
  });

  test('refuses an expired token and a token of another type with Ninja JWT\'s messages', async () => {
    const expired = await get('/ninja/me', `Bearer ${access({}, -1)}`);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
    });
    assert.equal(expired.headers.get('www-authenticate'), null);
    const sliding = await login('/ninja', '/token/sliding');
    const wrongType = await get('/ninja/me', `Bearer ${sliding.token}`);
    assert.deepEqual((wrongType.body as { messages: unknown }).messages, [{ token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' }]);
    assert.equal((await get('/ninja/me/sliding', `Bearer ${sliding.token}`)).status, 200);
  });

  test('answers the user checks as Ninja JWT: no claim is token_not_valid, unknown and inactive users authentication_failed', async () => {
    assert.deepEqual((await get('/ninja/me', `Bearer ${access({ user_id: undefined })}`)).body, {
      detail: 'Token contained no recognizable user identification',
      code: 'token_not_valid',
    });
    assert.deepEqual((await get('/ninja/me', `Bearer ${access({ user_id: '424242' })}`)).body, { detail: 'User not found', code: 'authentication_failed' });
    const idle = await users.createUser({ username: 'idle', password: 'idle-password', isActive: false });
    const response = await get('/ninja/me', `Bearer ${access({ user_id: String(idle.id) })}`);
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'User is inactive', code: 'authentication_failed' });
  });

  test('builds a stateless user from the claim (JWTTokenUserAuth), looking nobody up', async () => {
    const response = await get('/ninja/me/stateless', `Bearer ${access({ user_id: '42' })}`);
    assert.equal(response.status, 200);
    assert.equal((response.body as { id: unknown }).id, '42');
    assert.deepEqual((await get('/ninja/me/stateless', `Bearer ${access({ user_id: undefined })}`)).body, {
      detail: 'Token contained no recognizable user identification',
      code: 'token_not_valid',
    });
  });
});

describe('one app, both profiles, one database', () => {
  test('a pair from either front end opens either front end\'s routes', async () => {
    const fromNinja = await login('/ninja');
    const fromSimple = await login('/api');
    for (const token of [fromNinja.access, fromSimple.access]) {
      assert.deepEqual((await get('/api/me', `Bearer ${token}`)).body, { id: Number(aliceId), username: 'alice' });
      assert.deepEqual((await get('/ninja/me', `Bearer ${token}`)).body, { id: Number(aliceId), username: 'alice' });
    }
  });

  test('each front end keeps its own 401: Simple JWT\'s with WWW-Authenticate, Ninja JWT\'s without', async () => {
    const simple = await get('/api/me');
    assert.deepEqual(simple.body, { detail: 'Authentication credentials were not provided.' });
    assert.equal(simple.headers.get('www-authenticate'), 'Bearer realm="api"');
    const expired = access({}, -1);
    assert.equal(((await get('/api/me', `Bearer ${expired}`)).body as { messages: { message: string }[] }).messages[0]?.message, 'Token is expired');
    assert.equal(((await get('/ninja/me', `Bearer ${expired}`)).body as { messages: { message: string }[] }).messages[0]?.message, 'Token is invalid or expired');
    const ninja = await server.post('/ninja/token/verify', { token: 'nope' });
    assert.equal(ninja.headers.get('www-authenticate'), null);
    const api = await server.post('/api/token/verify', { token: 'nope' });
    assert.deepEqual(api.body, { detail: 'Token is invalid', code: 'token_not_valid' });
    assert.equal(api.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  test('the Ninja obtain endpoints record refresh and sliding tokens as outstanding, never access tokens (Ninja JWT\'s test_token_blacklist)', async () => {
    const pair = await login('/ninja');
    const sliding = await login('/ninja', '/token/sliding');
    const jti = (token: string | undefined) => String(claimsOf(token).jti);
    const rows = await db.knex('token_blacklist_outstandingtoken').whereIn('jti', [jti(pair.refresh), jti(sliding.token), jti(pair.access)]).select('jti', 'user_id');
    assert.deepEqual(rows.map((row: { jti: string; user_id: unknown }) => [row.jti, String(row.user_id)]).sort(), [[jti(pair.refresh), aliceId], [jti(sliding.token), aliceId]].sort());
  });

  test('rotation at one front end blacklists the token for the other; the blacklist is shared', async () => {
    const pair = await login('/api');
    const rotated = await server.post('/ninja/token/refresh', { refresh: pair.refresh });
    assert.equal(rotated.status, 200);
    const { refresh } = rotated.body as { refresh: string };
    assert.notEqual(refresh, pair.refresh, 'rotateRefreshTokens gives a new refresh token');
    assert.deepEqual((await server.post('/api/token/refresh', { refresh: pair.refresh })).body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    // Verify honours the blacklist with blacklistAfterRotation, in each profile's shape.
    assert.deepEqual((await server.post('/ninja/token/verify', { token: pair.refresh })).body, { detail: 'Token is blacklisted', code: 'invalid' });
    assert.deepEqual((await server.post('/api/token/verify', { token: pair.refresh })).body, { non_field_errors: ['Token is blacklisted'] });
    assert.equal((await server.post('/api/token/blacklist', { refresh })).status, 200);
    const refused = await server.post('/ninja/token/refresh', { refresh });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  });
});
