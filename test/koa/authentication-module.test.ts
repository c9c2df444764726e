import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { Router } from '@koa/router';
import { RegisterRoutes } from '../../examples/demo/generated/routes.js';
import { createSimpleJwt, koaAuthentication } from '../../src/index.js';
import { AuthenticationError, InternalError } from '../../src/errors.js';
import { attachInstance } from '../../src/koa/instance-context.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import type { BlacklistStore } from '../../src/stores/blacklist-store.js';
import type { UserStore } from '../../src/stores/user-store.js';
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

describe('koaAuthentication with two required scopes', () => {
  test('@Security(\'jwt\', [\'read\', \'admin\']) refuses a token granting only one of them: 403', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock });
    const app = new Koa();
    app.silent = true;
    app.use(jwt.middleware());
    app.use(async (ctx) => {
      await koaAuthentication(ctx.request, 'jwt', ['read', 'admin']);
      ctx.body = { ok: true };
    });
    const scoped = await serve(app);
    try {
      const claims = { token_type: 'access', exp: now() + 60, iat: now(), jti: 'f'.repeat(32), user_id: aliceId };
      for (const scope of ['read', 'admin']) {
        const denied = await scoped.request('/', { headers: { authorization: `Bearer ${sign({ ...claims, scope })}` } });
        assert.equal(denied.status, 403, scope);
        assert.deepEqual(denied.body, { detail: 'You do not have permission to perform this action.' });
      }
      const allowed = await scoped.request('/', { headers: { authorization: `Bearer ${sign({ ...claims, scope: 'admin read' })}` } });
      assert.equal(allowed.status, 200);
      assert.deepEqual(allowed.body, { ok: true });
    } finally {
      await scoped.close();
    }
  });
});

describe('koaAuthentication with checkRevokeToken and no fingerprint claim', () => {
  test('a token for a real user without hash_password: 401 password_changed; its refresh: 401 too', async () => {
    const claims = { exp: now() + 60, iat: now(), user_id: aliceId };
    const access = await me(`Bearer ${sign({ ...claims, token_type: 'access', jti: 'g'.repeat(32) })}`);
    assert.equal(access.status, 401);
    assert.deepEqual(access.body, { detail: "The user's password has been changed.", code: 'password_changed' });
    assert.equal(access.headers.get('www-authenticate'), CHALLENGE);
    const refresh = await server.post('/api/token/refresh', { refresh: sign({ ...claims, token_type: 'refresh', jti: 'h'.repeat(32) }) });
    assert.equal(refresh.status, 401);
    assert.deepEqual(refresh.body, { detail: "The user's password has been changed." });
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
      // No middleware of ours to render it: Koa's own handler answers, with its generic text.
      assert.equal(response.text, 'Internal Server Error');
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

describe('koaAuthentication called directly, with no error middleware of ours in front', () => {
  /**
   * A Koa app that puts `instance` on the request (or not) the way jwt.middleware() does, but
   * renders nothing: it records what koaAuthentication rejects with, as the caller sees it.
   */
  async function rejection(instance: ReturnType<typeof createSimpleJwt> | undefined, authorization: string) {
    const app = new Koa();
    app.silent = true;
    const reported: unknown[] = [];
    app.on('error', (error: unknown) => reported.push(error));
    let rejected: unknown;
    app.use(async (ctx) => {
      if (instance) attachInstance(ctx, instance);
      try {
        await koaAuthentication(ctx.request, 'jwt');
      } catch (error) {
        rejected = error;
      }
      ctx.body = {};
    });
    const bare = await serve(app);
    try {
      await bare.request('/', { headers: { authorization } });
    } finally {
      await bare.close();
    }
    return { rejected, reported };
  }

  test('rejects with the coded 500 for an error that is not ours, its message kept only as the cause', async () => {
    const outage = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const failing: UserStore = {
      authenticate: () => Promise.reject(outage),
      findUser: () => Promise.reject(outage),
      updateLastLogin: () => Promise.reject(outage),
    };
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: failing, clock });
    const { rejected } = await rejection(jwt, `Bearer ${sign({ token_type: 'access', exp: now() + 60, iat: now(), jti: 'i'.repeat(32), user_id: aliceId })}`);
    assert.ok(rejected instanceof InternalError, String(rejected));
    assert.equal(rejected.status, 500);
    assert.deepEqual(rejected.body, { detail: 'A server error occurred.', code: 'server_error' });
    assert.equal(rejected.cause, outage);
  });

  test('rejects with our own coded error as it is', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock });
    const { rejected } = await rejection(jwt, 'Bearer');
    assert.ok(rejected instanceof AuthenticationError, String(rejected));
    assert.equal(rejected.code, 'bad_authorization_header');
  });

  test('without an instance on the request: the coded 500, and the fix on the app\'s error event', async () => {
    const { rejected, reported } = await rejection(undefined, 'Bearer x.y.z');
    assert.ok(rejected instanceof InternalError, String(rejected));
    assert.deepEqual(rejected.body, { detail: 'A server error occurred.', code: 'server_error' });
    assert.ok(reported.some((error) => error instanceof Error && /add app\.use\(jwt\.middleware\(\)\)/.test(error.message)), reported.map(String).join('; '));
  });
});

describe('@Security on sliding tokens when a store fails during validation', () => {
  test('a database outage on the blacklist lookup: 503 with the generic body, on jwt_sliding and jwt_any', async () => {
    const broken = await setUpDatabase();
    const { server: brokenServer } = await startDemo(broken, { clock, blacklistStore: new KnexBlacklistStore(broken.knex) });
    const token = sign({ token_type: 'sliding', exp: now() + 60, refresh_exp: now() + 600, iat: now(), jti: 'j'.repeat(32), user_id: aliceId });
    await broken.knex.destroy();
    try {
      for (const path of ['/api/me/sliding', '/api/me/any']) {
        const response = await brokenServer.request(path, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 503, path);
        assert.deepEqual(response.body, { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
        assert.equal(response.headers.get('www-authenticate'), null);
      }
    } finally {
      await brokenServer.close();
      await broken.drop();
    }
  });

  test('a plain error from the blacklist store: 500 with the generic body and nothing of its message', async () => {
    const secret = new Error('relation "token_blacklist" is secret-detail');
    const never = () => Promise.reject(new Error('not used'));
    const blacklistStore: BlacklistStore = {
      outstand: never, blacklist: never, rotate: never, unblacklist: never, blacklistUser: never, listUserTokens: never, flushExpired: never,
      isBlacklisted: () => Promise.reject(secret),
    };
    const { server: failing } = await startDemo(db, { clock, blacklistStore });
    const token = sign({ token_type: 'sliding', exp: now() + 60, refresh_exp: now() + 600, iat: now(), jti: 'k'.repeat(32), user_id: aliceId });
    try {
      for (const path of ['/api/me/sliding', '/api/me/any']) {
        const response = await failing.request(path, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(response.status, 500, path);
        assert.deepEqual(response.body, { detail: 'A server error occurred.', code: 'server_error' });
        assert.doesNotMatch(response.text, /secret-detail|token_blacklist/);
      }
    } finally {
      await failing.close();
    }
  });
});
