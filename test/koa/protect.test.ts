import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { AccessToken, createSimpleJwt, SettingsError, SlidingToken } from '../../src/index.js';
import { serve } from '../support/http.js';
import type { AuthUser, UserStore } from '../../src/stores/user-store.js';
import type { ProtectOptions } from '../../src/koa/protect.js';
import type { TestServer } from '../support/http.js';

const SIGNING_KEY = 'test-signing-key-of-at-least-32-bytes!!';
const alice: AuthUser = { id: 1, username: 'alice', isActive: true, password: 'pbkdf2_sha256$1$salt$hash' };
/** A user store in memory: one user; `failWith` makes every lookup throw it. */
function memoryUsers(failWith?: unknown): UserStore {
  return {
    authenticate: async () => alice,
    findUser: async (field, value) => {
      if (failWith !== undefined) throw failWith;
      return field === 'id' && value === '1' ? { ...alice } : null;
    },
    updateLastLogin: async () => undefined,
  };
}

const servers: TestServer[] = [];
after(async () => {
  for (const server of servers) await server.close();
});

/** An app: protect(name, options) in front of a handler that answers what it saw. */
async function protectedApp(options: ProtectOptions = {}, settings: Partial<Parameters<typeof createSimpleJwt>[0]> = {}) {
  const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: memoryUsers(), ...settings });
  const app = new Koa();
  app.silent = true;
  app.use(jwt.protect('jwt', options));
  app.use((ctx) => {
    const token = ctx.state.token as { payload: Record<string, unknown> } | undefined;
    ctx.body = { user: (ctx.state.user as AuthUser | undefined)?.username ?? null, userId: token?.payload.user_id ?? null };
  });
  const server = await serve(app);
  servers.push(server);
  const { access } = await jwt.issueTokenPair(alice);
  return { server, access, jwt };
}

describe('jwt.protect()', () => {
  let open: TestServer;
  let access: string;
  before(async () => {
    ({ server: open, access } = await protectedApp());
  });

  test('puts the user on ctx.state.user and the validated token on ctx.state.token', async () => {
    const response = await open.request('/', { headers: { authorization: `Bearer ${access}` } });
    assert.deepEqual([response.status, response.body], [200, { user: 'alice', userId: '1' }]);
  });

  test('a security name that is not configured fails at startup, naming the known ones', () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: memoryUsers(), authTokenClasses: { jwt: [AccessToken], jwt_any: [AccessToken, SlidingToken] } });
    assert.throws(() => jwt.protect('toString'), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.equal(error.setting, 'authTokenClasses');
      assert.equal(error.reason, 'protect("toString"): the security name is not configured (known: jwt, jwt_any)');
      return true;
    });
  });

  test('reads the configured header and challenges with the first configured type', async () => {
    const { server, access: token } = await protectedApp({}, { authHeaderName: 'X-Auth', authHeaderTypes: ['JWT', 'Bearer'] });
    const refused = await server.request('/', { headers: { authorization: `JWT ${token}` } });
    assert.deepEqual([refused.status, refused.headers.get('www-authenticate')], [401, 'JWT realm="api"']);
    assert.equal((await server.request('/', { headers: { 'x-auth': `JWT ${token}` } })).status, 200);
  });

  test('an error that is not ours (a user store that throws) is the generic 500, without its message', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: memoryUsers(new Error('secret driver detail')) });
    const app = new Koa();
    app.silent = true;
    app.use(jwt.protect('jwt'));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const server = await serve(app);
    servers.push(server);
    const { access: token } = await jwt.issueTokenPair(alice);
    const response = await server.request('/', { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual([response.status, response.body], [500, { detail: 'A server error occurred.', code: 'server_error' }]);
  });
});

describe('jwt.protect() unless', () => {
  const anonymous = { user: null, userId: null };

  test('a single path, string or RegExp, without a list', async () => {
    for (const path of ['/health', /^\/health$/]) {
      const { server } = await protectedApp({ unless: { path } });
      assert.deepEqual((await server.request('/health')).body, anonymous, String(path));
      assert.equal((await server.request('/other')).status, 401, String(path));
    }
  });

  test('a global RegExp matches on every request, not every other one', async () => {
    const { server } = await protectedApp({ unless: { path: /^\/health/g } });
    for (let i = 0; i < 3; i++) assert.equal((await server.request('/health')).status, 200, `request ${i + 1}`);
  });

  test('methods in any case, alone or in a list', async () => {
    for (const method of ['options', ['PUT', 'options']]) {
      const { server } = await protectedApp({ unless: { method } });
      assert.equal((await server.request('/', { method: 'OPTIONS' })).status, 200, JSON.stringify(method));
      assert.equal((await server.request('/')).status, 401, JSON.stringify(method));
    }
  });

  test('a custom rule, and a function in place of the options', async () => {
    const rule = (ctx: Koa.Context) => ctx.get('x-open') === 'yes';
    for (const unless of [{ custom: rule }, rule]) {
      const { server } = await protectedApp({ unless });
      assert.equal((await server.request('/', { headers: { 'x-open': 'yes' } })).status, 200);
      assert.equal((await server.request('/', { headers: { 'x-open': 'no' } })).status, 401);
    }
  });

  test('refuses a path rule that is neither a string nor a RegExp, when the middleware is made', () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: memoryUsers() });
    assert.throws(() => jwt.protect('jwt', { unless: { path: [42 as never] } }), { name: 'TypeError', message: 'protect: unless.path must be strings or RegExps' });
  });
});
