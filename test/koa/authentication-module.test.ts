import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { Router } from '@koa/router';
import { RegisterRoutes } from '../../examples/demo/generated/routes.js';
import { createSimpleJwt, koaAuthentication } from '../../src/index.js';
import { ManualClock, SIGNING_KEY, demoSigner, setUpDatabase, startDemo } from '../support/demo.js';
import { serve } from '../support/http.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';
import type { KnexUserStore } from '../../src/stores/knex-user-store.js';

const CHALLENGE = 'Bearer realm="api"';
const clock = new ManualClock();
const sign = demoSigner(clock);
const now = () => clock.seconds();

let db: TestDatabase;
let server: TestServer;
let users: KnexUserStore;
let aliceId: string;

before(async () => {
  db = await setUpDatabase();
  ({ server, users } = await startDemo(db, { clock, checkRevokeToken: true }));
  aliceId = String((await users.createUser({ username: 'alice', password: 'alice-password' })).id);
});

after(async () => {
  await server?.close();
  await db?.drop();
});

async function me(authorization?: string) {
  return server.request('/api/me', authorization === undefined ? {} : { headers: { authorization } });
}

async function login(username = 'alice', password = 'alice-password') {
  const response = await server.post('/api/token', { username, password });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as { refresh: string; access: string };
}

describe('koaAuthentication through a user\'s @Security(\'jwt\') route', () => {
  test('obtain → protected call → refresh → protected call again', async () => {
    const { access, refresh } = await login();
    const first = await me(`Bearer ${access}`);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { id: aliceId, username: 'alice' });
    clock.advance(301);
    const expired = await me(`Bearer ${access}`);
    assert.equal(expired.status, 401);
    const refreshed = await server.post('/api/token/refresh', { refresh });
    assert.equal(refreshed.status, 200);
    const again = await me(`Bearer ${(refreshed.body as { access: string }).access}`);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { id: aliceId, username: 'alice' });
  });

  test('a missing header or another keyword: credentials were not provided', async () => {
    const { access } = await login();
    for (const header of [undefined, `Wrong ${access}`, `bearer ${access}`, '']) {
      const response = await me(header);
      assert.equal(response.status, 401, String(header));
      assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' });
      assert.equal(response.headers.get('www-authenticate'), CHALLENGE);
    }
  });

  test('the keyword with other than two parts: bad_authorization_header', async () => {
    for (const header of ['Bearer', 'Bearer a b']) {
      const response = await me(header);
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, { detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' });
      assert.equal(response.headers.get('www-authenticate'), CHALLENGE);
    }
  });

  test('a refused token lists each token class and why it failed', async () => {
    const { refresh, access } = await login();
    const cases: [string, string][] = [
      [refresh, 'Token has wrong type'],
      ['abc.def.ghi', 'Token is invalid'],
      [sign({ token_type: 'access', iat: now(), jti: 'a'.repeat(32), user_id: aliceId }), "Token has no 'exp' claim"],
      [sign({ token_type: 'access', exp: now() + 60, user_id: aliceId }), 'Token has no id'],
      [sign({ exp: now() + 60, jti: 'a'.repeat(32), user_id: aliceId }), 'Token has no type'],
    ];
    for (const [token, message] of cases) {
      const response = await me(`Bearer ${token}`);
      assert.equal(response.status, 401, message);
      assert.deepEqual(response.body, {
        detail: 'Given token not valid for any token type',
        code: 'token_not_valid',
        messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
      });
      assert.equal(response.headers.get('www-authenticate'), CHALLENGE);
    }
    clock.advance(300);
    const expired = await me(`Bearer ${access}`);
    clock.advance(-300);
    assert.deepEqual((expired.body as { messages: unknown[] }).messages, [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is expired' }]);
  });

  test('the user checks: no claim, not found, inactive, password changed', async () => {
    const noClaim = await me(`Bearer ${sign({ token_type: 'access', exp: now() + 60, iat: now(), jti: 'b'.repeat(32) })}`);
    assert.equal(noClaim.status, 401);
    assert.deepEqual(noClaim.body, { detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });

    const unknown = await me(`Bearer ${sign({ token_type: 'access', exp: now() + 60, iat: now(), jti: 'c'.repeat(32), user_id: '999999' })}`);
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, { detail: 'User not found', code: 'user_not_found' });

    for (const [i, userId] of [null, ''].entries()) {
      const present = await me(`Bearer ${sign({ token_type: 'access', exp: now() + 60, iat: now(), jti: String(i).repeat(32), user_id: userId })}`);
      assert.equal(present.status, 401, `user_id ${JSON.stringify(userId)} is present, so it is looked up, not "no recognizable user identification"`);
      assert.deepEqual(present.body, { detail: 'User not found', code: 'user_not_found' });
      assert.equal(present.headers.get('www-authenticate'), CHALLENGE);
    }

    const nonNumeric = await me(`Bearer ${sign({ token_type: 'access', exp: now() + 60, iat: now(), jti: 'd'.repeat(32), user_id: 'abc' })}`);
    assert.equal(nonNumeric.status, 401, 'Simple JWT answers 500 here; we answer user_not_found');
    assert.deepEqual(nonNumeric.body, { detail: 'User not found', code: 'user_not_found' });

    await users.createUser({ username: 'bob', password: 'bob-password' });
    const bob = await login('bob', 'bob-password');
    await users.setActive('bob', false);
    const inactive = await me(`Bearer ${bob.access}`);
    assert.equal(inactive.status, 401);
    assert.deepEqual(inactive.body, { detail: 'User is inactive', code: 'user_inactive' });

    await users.createUser({ username: 'carol', password: 'carol-password' });
    const carol = await login('carol', 'carol-password');
    await db.knex('auth_user').where({ username: 'carol' }).update({ password: 'pbkdf2_sha256$1000$othersalt$AAAA' });
    const changed = await me(`Bearer ${carol.access}`);
    assert.equal(changed.status, 401);
    assert.deepEqual(changed.body, { detail: "The user's password has been changed.", code: 'password_changed' });
    const refresh = await server.post('/api/token/refresh', { refresh: carol.refresh });
    assert.equal(refresh.status, 401);
    assert.deepEqual(refresh.body, { detail: "The user's password has been changed." });
  });
});

describe('koaAuthentication with required scopes', () => {
  test('a token lacking a scope: 403 with DRF\'s plain {"detail"} body, no code key', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock });
    const app = new Koa();
    app.silent = true;
    app.use(jwt.middleware());
    app.use(async (ctx) => {
      await koaAuthentication(ctx.request, 'jwt', ['admin']);
      ctx.body = { ok: true };
    });
    const scoped = await serve(app);
    try {
      const claims = { token_type: 'access', exp: now() + 60, iat: now(), jti: 'e'.repeat(32), user_id: aliceId };
      const denied = await scoped.request('/', { headers: { authorization: `Bearer ${sign({ ...claims, scope: 'read' })}` } });
      assert.equal(denied.status, 403);
      assert.deepEqual(denied.body, { detail: 'You do not have permission to perform this action.' });
      assert.equal(denied.headers.get('www-authenticate'), null);
      const allowed = await scoped.request('/', { headers: { authorization: `Bearer ${sign({ ...claims, scope: 'read admin' })}` } });
      assert.equal(allowed.status, 200);
    } finally {
      await scoped.close();
    }
  });
});

describe('koaAuthentication without jwt.middleware()', () => {
  test('answers a generic 500 and reports the fix on the app\'s error event, where Koa logs it', async () => {
    const app = new Koa();
    app.silent = true;
    const reported: Error[] = [];
    app.on('error', (error: Error) => reported.push(error));
    const router = new Router({ prefix: '/api' });
    RegisterRoutes(router);
    app.use(router.routes());
    const bare = await serve(app);
    try {
      const response = await bare.request('/api/me', { headers: { authorization: 'Bearer x.y.z' } });
      assert.equal(response.status, 500);
      assert.doesNotMatch(response.text, /middleware/);
      assert.ok(reported.some((error) => /add app\.use\(jwt\.middleware\(\)\)/.test(error.message)), reported.map(String).join('; '));
    } finally {
      await bare.close();
    }
  });
});

describe('koaAuthentication when the database fails', () => {
  test('answers a generic 503, never a 401 with the driver message', async () => {
    const { access } = await login();
    const broken = await setUpDatabase();
    const { server: brokenServer } = await startDemo(broken, { clock, checkRevokeToken: true });
    await broken.knex.destroy();
    try {
      const response = await brokenServer.request('/api/me', { headers: { authorization: `Bearer ${access}` } });
      assert.equal(response.status, 503);
      assert.deepEqual(response.body, { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
      const obtain = await brokenServer.post('/api/token', { username: 'alice', password: 'alice-password' });
      assert.equal(obtain.status, 503);
      assert.doesNotMatch(obtain.text, /knex|pool|ECONN|Error/);
    } finally {
      await brokenServer.close();
      await broken.drop();
    }
  });
});
