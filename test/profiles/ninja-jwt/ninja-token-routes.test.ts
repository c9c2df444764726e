// Ninja JWT's tests/test_views.py and tests/test_routers.py, as wire checks on the `ninja-jwt`
// profile's routes (mounted under /ninja beside Simple JWT's under /api).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ManualClock, demoSigner, setUpDatabase } from '../../support/demo.js';
import { claimsOf } from '../../support/http.js';
import { startTwoProfileApp } from '../../support/two-profile-app.js';
import type { TestDatabase } from '../../../examples/support/database.js';
import type { TestServer } from '../../support/http.js';
import type { KnexUserStore } from '../../../src/stores/knex-user-store.js';

const clock = new ManualClock();
const sign = demoSigner(clock);
let db: TestDatabase;
let server: TestServer;
let users: KnexUserStore;
let aliceId: string;

const INVALID = (fields: Record<string, string>) => ({ detail: 'Invalid input.', code: 'invalid', ...fields });
const NO_ACCOUNT = { detail: 'No active account found with the given credentials', code: 'authentication_failed' };
const INVALID_OR_EXPIRED = { detail: 'Token is invalid or expired', code: 'token_not_valid' };

/** A token as Ninja JWT's tests build one (`RefreshToken()`, no user), with `changes` applied. */
function token(type: string, changes: Record<string, unknown> = {}, lifetime = 86400): string {
  const now = clock.seconds();
  const payload: Record<string, unknown> = { token_type: type, exp: now + lifetime, iat: now, jti: randomBytes(16).toString('hex'), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete payload[key];
  return sign(payload);
}

before(async () => {
  db = await setUpDatabase();
  ({ server, users } = await startTwoProfileApp(db, { clock }));
  aliceId = String((await users.createUser({ username: 'alice', password: 'alice-password' })).id);
  await users.createUser({ username: 'idle', password: 'idle-password', isActive: false });
});
after(async () => {
  await server?.close();
  await db?.drop();
});

describe('POST /token/pair', () => {
  test('answers 200 with the login name echoed, then refresh and access', async () => {
    const response = await server.post('/ninja/token/pair', { username: 'alice', password: 'alice-password' });
    assert.equal(response.status, 200);
    const body = response.body as Record<string, string>;
    assert.deepEqual(Object.keys(body), ['username', 'refresh', 'access']);
    assert.equal(body.username, 'alice');
    assert.equal(claimsOf(body.refresh).token_type, 'refresh');
    assert.equal(claimsOf(body.access).token_type, 'access');
    assert.equal(claimsOf(body.access).user_id, aliceId);
  });

  test('reports missing or empty fields with Ninja JWT\'s 400 bodies (both, then the login name, then the password)', async () => {
    assert.deepEqual((await server.post('/ninja/token/pair', {})).body, INVALID({ username: 'username is required', password: 'password is required' }));
    const onlyName = await server.post('/ninja/token/pair', { username: 'alice' });
    assert.equal(onlyName.status, 400);
    assert.deepEqual(onlyName.body, INVALID({ password: 'password is required' }));
    assert.deepEqual((await server.post('/ninja/token/pair', { password: 'x' })).body, INVALID({ username: 'username is required' }));
    assert.deepEqual((await server.post('/ninja/token/pair', { username: '', password: '' })).body, INVALID({ username: 'username is required' }));
    assert.deepEqual((await server.post('/ninja/token/pair', { username: 'alice', password: null })).body, INVALID({ password: 'password is required' }));
    assert.deepEqual((await server.post('/ninja/token/pair', { username: 0, password: 'x' })).body, INVALID({ username: 'username is required' }));
  });

  test('answers 401 authentication_failed for a wrong password, an unknown user and an inactive user, with no WWW-Authenticate', async () => {
    for (const credentials of [
      { username: 'alice', password: 'wrong' },
      { username: 'nobody', password: 'x' },
      { username: 'idle', password: 'idle-password' },
    ]) {
      const response = await server.post('/ninja/token/pair', credentials);
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, NO_ACCOUNT);
      assert.equal(response.headers.get('www-authenticate'), null);
    }
  });

  test('does not trim the credentials (pydantic keeps strings as sent)', async () => {
    assert.deepEqual((await server.post('/ninja/token/pair', { username: ' alice ', password: 'alice-password' })).body, NO_ACCOUNT);
    assert.deepEqual((await server.post('/ninja/token/pair', { username: 'alice', password: ' alice-password ' })).body, NO_ACCOUNT);
  });

  test('answers 422 in django-ninja\'s shape for values that are not strings, a long login name and a missing body', async () => {
    const typed = await server.post('/ninja/token/pair', { username: 42, password: true });
    assert.equal(typed.status, 422);
    assert.deepEqual(typed.body, {
      detail: [
        { type: 'string_type', loc: ['body', 'user_token', 'password'], msg: 'Input should be a valid string' },
        { type: 'string_type', loc: ['body', 'user_token', 'username'], msg: 'Input should be a valid string' },
      ],
    });
    const long = await server.post('/ninja/token/pair', { username: 'a'.repeat(151), password: 'x' });
    assert.deepEqual(long.body, {
      detail: [{ type: 'string_too_long', loc: ['body', 'user_token', 'username'], msg: 'String should have at most 150 characters', ctx: { max_length: 150 } }],
    });
    const empty = await server.request('/ninja/token/pair', { method: 'POST' });
    assert.equal(empty.status, 422);
    assert.deepEqual(empty.body, { detail: [{ type: 'missing', loc: ['body', 'user_token'], msg: 'Field required' }] });
    const list = await server.post('/ninja/token/pair', ['alice']);
    assert.deepEqual(list.body, {
      detail: [
        { type: 'missing', loc: ['body', 'user_token', 'password'], msg: 'Field required' },
        { type: 'missing', loc: ['body', 'user_token', 'username'], msg: 'Field required' },
      ],
    });
  });

  test('reads the body as JSON whatever its Content-Type: a form cannot be parsed, JSON sent as text/plain can', async () => {
    const form = await server.request('/ninja/token/pair', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=alice&password=alice-password',
    });
    assert.equal(form.status, 400);
    assert.deepEqual(form.body, { detail: 'Cannot parse request body' });
    const text = await server.request('/ninja/token/pair', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
    });
    assert.equal(text.status, 200);
    const malformed = await server.request('/ninja/token/pair', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": ' });
    assert.equal(malformed.status, 400);
    assert.deepEqual(malformed.body, { detail: 'Cannot parse request body' });
  });

  test('updates last_login only with updateLastLogin (the default instance leaves it)', async () => {
    await server.post('/ninja/token/pair', { username: 'alice', password: 'alice-password' });
    assert.equal((await users.findUser('username', 'alice'))?.lastLogin, null);
  });
});

describe('POST /token/refresh', () => {
  test('answers the sent refresh token with a new access token carrying its claims', async () => {
    const refresh = token('refresh', { test_claim: 'arst' });
    const response = await server.post('/ninja/token/refresh', { refresh });
    assert.equal(response.status, 200);
    const body = response.body as Record<string, string>;
    assert.deepEqual(Object.keys(body), ['refresh', 'access']);
    assert.equal(body.refresh, refresh);
    const access = claimsOf(body.access);
    assert.equal(access.test_claim, 'arst');
    assert.equal(access.exp, clock.seconds() + 300);
  });

  test('reports a missing or empty refresh token as "token is required", a non-string as 422', async () => {
    assert.deepEqual((await server.post('/ninja/token/refresh', {})).body, INVALID({ refresh: 'token is required' }));
    assert.deepEqual((await server.post('/ninja/token/refresh', { refresh: '' })).body, INVALID({ refresh: 'token is required' }));
    const typed = await server.post('/ninja/token/refresh', { refresh: 123 });
    assert.equal(typed.status, 422);
    assert.deepEqual(typed.body, { detail: [{ type: 'string_type', loc: ['body', 'refresh_token', 'refresh'], msg: 'Input should be a valid string' }] });
  });

  test('answers 401 token_not_valid for a token without exp, an expired token, garbage and a sliding token', async () => {
    const noExp = await server.post('/ninja/token/refresh', { refresh: token('refresh', { exp: undefined }) });
    assert.equal(noExp.status, 401);
    assert.deepEqual(noExp.body, { detail: "Token has no 'exp' claim", code: 'token_not_valid' });
    assert.deepEqual((await server.post('/ninja/token/refresh', { refresh: token('refresh', {}, -1) })).body, INVALID_OR_EXPIRED);
    const garbage = await server.post('/ninja/token/refresh', { refresh: 'wrong_refresh_token' });
    assert.equal(garbage.status, 401);
    assert.deepEqual(garbage.body, INVALID_OR_EXPIRED);
    assert.equal(garbage.headers.get('www-authenticate'), null);
    assert.deepEqual((await server.post('/ninja/token/refresh', { refresh: token('sliding') })).body, { detail: 'Token has wrong type', code: 'token_not_valid' });
  });

  test('does not look the user up, as Ninja JWT 5.4.5 (a deleted user\'s refresh token still refreshes)', async () => {
    const refresh = token('refresh', { user_id: '999999' });
    assert.equal((await server.post('/ninja/token/refresh', { refresh })).status, 200);
    assert.equal((await server.post('/api/token/refresh', { refresh })).status, 401, 'the Simple JWT profile still checks');
  });
});

describe('POST /token/sliding and /token/sliding/refresh', () => {
  test('obtain answers the login name, then the sliding token; failures as /token/pair', async () => {
    const response = await server.post('/ninja/token/sliding', { username: 'alice', password: 'alice-password' });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body as object), ['username', 'token']);
    assert.equal(claimsOf((response.body as { token: string }).token).token_type, 'sliding');
    assert.deepEqual((await server.post('/ninja/token/sliding', {})).body, INVALID({ username: 'username is required', password: 'password is required' }));
    assert.deepEqual((await server.post('/ninja/token/sliding', { username: 'idle', password: 'idle-password' })).body, NO_ACCOUNT);
  });

  test('refresh moves exp into the future, keeping the id', async () => {
    const sliding = token('sliding', { refresh_exp: clock.seconds() + 86400 }, 299);
    const response = await server.post('/ninja/token/sliding/refresh', { token: sliding });
    assert.equal(response.status, 200);
    const renewed = claimsOf((response.body as { token: string }).token);
    assert.equal(renewed.exp, clock.seconds() + 300);
    assert.equal(renewed.jti, claimsOf(sliding).jti);
  });

  test('refresh refuses a missing field, no exp, an expired token, no refresh_exp and a closed window', async () => {
    assert.deepEqual((await server.post('/ninja/token/sliding/refresh', {})).body, INVALID({ token: 'token is required' }));
    assert.deepEqual((await server.post('/ninja/token/sliding/refresh', { token: token('sliding', { exp: undefined }) })).body, { detail: "Token has no 'exp' claim", code: 'token_not_valid' });
    assert.deepEqual((await server.post('/ninja/token/sliding/refresh', { token: token('sliding', { refresh_exp: clock.seconds() + 60 }, -1) })).body, INVALID_OR_EXPIRED);
    assert.deepEqual((await server.post('/ninja/token/sliding/refresh', { token: token('sliding') })).body, { detail: "Token has no 'refresh_exp' claim", code: 'token_not_valid' });
    assert.deepEqual((await server.post('/ninja/token/sliding/refresh', { token: token('sliding', { refresh_exp: clock.seconds() - 1 }) })).body, {
      detail: "Token 'refresh_exp' claim has expired",
      code: 'token_not_valid',
    });
    const typed = await server.post('/ninja/token/sliding/refresh', { token: ['x'] });
    assert.deepEqual(typed.body, { detail: [{ type: 'string_type', loc: ['body', 'refresh_token', 'token'], msg: 'Input should be a valid string' }] });
  });
});

describe('POST /token/verify', () => {
  test('answers {} for a valid token of any type, even an unknown type', async () => {
    assert.deepEqual(await server.post('/ninja/token/verify', { token: token('refresh') }).then((r) => [r.status, r.body]), [200, {}]);
    assert.deepEqual((await server.post('/ninja/token/verify', { token: token('fake_type') })).body, {});
  });

  test('refuses a missing field (400), no exp, an expired token, garbage and a non-string (401)', async () => {
    assert.deepEqual((await server.post('/ninja/token/verify', {})).body, INVALID({ token: 'token is required' }));
    assert.deepEqual((await server.post('/ninja/token/verify', { token: token('sliding', { exp: undefined }) })).body, { detail: "Token has no 'exp' claim", code: 'token_not_valid' });
    assert.deepEqual((await server.post('/ninja/token/verify', { token: token('sliding', {}, -1) })).body, INVALID_OR_EXPIRED);
    assert.deepEqual((await server.post('/ninja/token/verify', { token: 'wrong_token' })).body, INVALID_OR_EXPIRED);
    const number = await server.post('/ninja/token/verify', { token: 123 });
    assert.equal(number.status, 401);
    assert.deepEqual(number.body, INVALID_OR_EXPIRED);
    const empty = await server.request('/ninja/token/verify', { method: 'POST' });
    assert.deepEqual(empty.body, { detail: [{ type: 'missing', loc: ['body', 'token'], msg: 'Field required' }] });
  });
});

describe('POST /token/blacklist', () => {
  test('blacklists a refresh token: {} then the refresh is refused as blacklisted', async () => {
    const refresh = token('refresh', { test_claim: 'arst' });
    const response = await server.post('/ninja/token/blacklist', { refresh });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {});
    assert.deepEqual((await server.post('/ninja/token/refresh', { refresh })).body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    assert.deepEqual((await server.post('/ninja/token/blacklist', { refresh })).body, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  });

  test('refuses a missing field as "refresh token is required", no exp and an expired token as 401', async () => {
    assert.deepEqual((await server.post('/ninja/token/blacklist', {})).body, INVALID({ refresh: 'refresh token is required' }));
    assert.deepEqual((await server.post('/ninja/token/blacklist', { refresh: token('refresh', { exp: undefined }) })).body, { detail: "Token has no 'exp' claim", code: 'token_not_valid' });
    assert.deepEqual((await server.post('/ninja/token/blacklist', { refresh: token('refresh', {}, -1) })).body, INVALID_OR_EXPIRED);
    assert.deepEqual((await server.post('/ninja/token/blacklist', { refresh: token('access') })).body, { detail: 'Token has wrong type', code: 'token_not_valid' });
  });
});

describe('paths and methods', () => {
  test('has no trailing-slash paths (they are left to the app: 404) and Simple JWT\'s paths are not under /ninja', async () => {
    assert.equal((await server.post('/ninja/token/pair/', { username: 'alice', password: 'alice-password' })).status, 404);
    assert.equal((await server.post('/ninja/token', { username: 'alice', password: 'alice-password' })).status, 404);
  });

  test('answers another method with a JSON 405 and Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'OPTIONS']) {
      const response = await server.request('/ninja/token/pair', { method });
      assert.equal(response.status, 405, method);
      assert.deepEqual(response.body, { detail: 'Method not allowed' });
      assert.equal(response.headers.get('allow'), 'POST');
    }
  });
});
