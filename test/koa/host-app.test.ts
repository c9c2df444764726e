import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { Router } from '@koa/router';
import bodyParser from 'koa-bodyparser';
import { createSimpleJwt } from '../../src/index.js';
import { ITERATIONS, ManualClock, SIGNING_KEY, setUpDatabase, startDemo } from '../support/demo.js';
import { serve } from '../support/http.js';
import { KnexUserStore } from '../../src/stores/knex-user-store.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';

// The library as a guest in someone else's Koa app: it renders only what it owns.

const clock = new ManualClock();
let db: TestDatabase;
let users: KnexUserStore;
let demo: TestServer;

before(async () => {
  db = await setUpDatabase();
  ({ server: demo, users } = await startDemo(db, { clock }));
  await users.createUser({ username: 'alice', password: 'alice-password' });
});

after(async () => {
  await demo?.close();
  await db?.drop();
});

async function login(server: TestServer, prefix = '/api'): Promise<string> {
  const response = await server.post(`${prefix}/token`, { username: 'alice', password: 'alice-password' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return (response.body as { access: string }).access;
}

/** An app with the given middleware order; its own routes throw what the test asks for. */
function hostApp(order: 'handler-first' | 'jwt-first' | 'no-handler') {
  const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock });
  const app = new Koa();
  app.silent = true;
  const seen: number[] = [];
  const handler: Koa.Middleware = async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      seen.push(status);
      ctx.status = status;
      ctx.body = { app: 'handled', status, message: (error as Error).message };
    }
  };
  if (order === 'handler-first') app.use(handler);
  app.use(jwt.middleware());
  if (order === 'jwt-first') app.use(handler);
  app.use(jwt.routes({ prefix: '/api' }));
  const router = new Router();
  router.get('/missing', (ctx) => ctx.throw(404));
  router.get('/forbidden', (ctx) => ctx.throw(403, 'no'));
  router.get('/teapot', (ctx) => ctx.throw(418));
  router.get('/crash', () => {
    throw new Error('the app broke');
  });
  app.use(router.routes());
  return { app, seen };
}

describe('jwt.middleware() in a host app', () => {
  for (const order of ['handler-first', 'jwt-first'] as const) {
    test(`passes the app's own ctx.throw statuses to the app's error handler (${order})`, async () => {
      const { app, seen } = hostApp(order);
      const server = await serve(app);
      try {
        const missing = await server.request('/missing');
        assert.equal(missing.status, 404);
        assert.deepEqual(missing.body, { app: 'handled', status: 404, message: 'Not Found' });
        const forbidden = await server.request('/forbidden');
        assert.equal(forbidden.status, 403);
        assert.deepEqual(forbidden.body, { app: 'handled', status: 403, message: 'no' });
        const teapot = await server.request('/teapot');
        assert.equal(teapot.status, 418);
        const crash = await server.request('/crash');
        assert.equal(crash.status, 500);
        assert.deepEqual(crash.body, { app: 'handled', status: 500, message: 'the app broke' });
        assert.deepEqual(seen, [404, 403, 418, 500]);
      } finally {
        await server.close();
      }
    });
  }

  test("without an app handler, Koa's own rendering answers the app's errors (not a 500)", async () => {
    const { app } = hostApp('no-handler');
    const reported: unknown[] = [];
    app.on('error', (error) => reported.push(error));
    const server = await serve(app);
    try {
      const missing = await server.request('/missing');
      assert.equal(missing.status, 404);
      assert.equal(missing.text, 'Not Found');
      const forbidden = await server.request('/forbidden');
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.text, 'no');
      const crash = await server.request('/crash');
      assert.equal(crash.status, 500);
      assert.equal(crash.text, 'Internal Server Error');
      assert.ok(reported.some((error) => (error as Error).message === 'the app broke'), 'Koa reports the app\'s 500 on its error event');
    } finally {
      await server.close();
    }
  });

  test('the token routes keep their DRF bodies when an app-wide body parser is mounted before them', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock });
    const app = new Koa();
    app.silent = true;
    app.use(jwt.middleware());
    app.use(bodyParser());
    app.use(jwt.routes({ prefix: '/api' }));
    const server = await serve(app);
    try {
      const malformed = await server.request('/api/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": ' });
      assert.equal(malformed.status, 400);
      assert.match(String((malformed.body as { detail?: unknown }).detail), /^JSON parse error - /);
      assert.equal(malformed.headers.get('content-type')?.split(';')[0], 'application/json');
      // Every body answers as it does without the app's parser (the demo has none before our routes).
      for (const [type, body] of [['application/json', 'null'], ['application/json', '"x"'], ['application/json', '[]'], ['text/plain', 'x'], ['application/x-www-form-urlencoded', 'username=alice']]) {
        const init = { method: 'POST', headers: { 'content-type': type as string }, body };
        const withParser = await server.request('/api/token/', init);
        const without = await demo.request('/api/token/', init);
        assert.deepEqual([withParser.status, withParser.body], [without.status, without.body], `${type} ${body}`);
      }
      assert.equal((await login(server)).split('.').length, 3);
    } finally {
      await server.close();
    }
  });
});

describe("the demo's own tsoa routes (the README's recipe)", () => {
  test('a @Post with @Body() reads a JSON body through the app\'s body parser', async () => {
    const access = await login(demo);
    const posted = await demo.post('/api/me/notes', { text: 'hello' }, { authorization: `Bearer ${access}` });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.deepEqual(posted.body, { author: 'alice', text: 'hello' });
  });

  test("the app's validation errors stay tsoa's, not reshaped into DRF field errors", async () => {
    const access = await login(demo);
    const invalid = await demo.post('/api/me/notes', { text: '' }, { authorization: `Bearer ${access}` });
    assert.equal(invalid.status, 400);
    // tsoa's own rendering (its ValidateError's message, `{"fields": ...}`), as Koa sends it.
    assert.equal(invalid.headers.get('content-type')?.split(';')[0], 'text/plain');
    assert.ok(Object.hasOwn(invalid.body as object, 'fields'), invalid.text);
    assert.doesNotMatch(invalid.text, /"text":\s*\[/);
  });

  test('a wrong method without a token is 401 (DRF authenticates before the method check)', async () => {
    const response = await demo.post('/api/me', {});
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' });
    assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  test("a wrong method with a valid token is DRF's JSON 405 with Allow", async () => {
    const access = await login(demo);
    const response = await demo.request('/api/me', { method: 'DELETE', headers: { authorization: `Bearer ${access}` } });
    assert.equal(response.status, 405);
    assert.deepEqual(response.body, { detail: 'Method "DELETE" not allowed.' });
    assert.equal(response.headers.get('content-type')?.split(';')[0], 'application/json');
    assert.deepEqual(response.headers.get('allow')?.split(/,\s*/).sort(), ['GET', 'HEAD', 'OPTIONS']);
  });

  test('the user on ctx.state never serializes its password hash', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock, checkRevokeToken: true });
    const app = new Koa();
    app.silent = true;
    app.use(jwt.middleware());
    app.use(jwt.routes({ prefix: '/api' }));
    app.use(jwt.protect('jwt'));
    app.use((ctx) => {
      ctx.body = { user: ctx.state.user, hash: typeof (ctx.state.user as { password?: unknown }).password };
    });
    const server = await serve(app);
    try {
      const access = await login(server);
      const response = await server.request('/whoami', { headers: { authorization: `Bearer ${access}` } });
      assert.equal(response.status, 200);
      assert.doesNotMatch(response.text, /pbkdf2_sha256/);
      assert.equal((response.body as { user: { username: string } }).user.username, 'alice');
      assert.equal((response.body as { hash: string }).hash, 'string', 'code can still read the hash');
    } finally {
      await server.close();
    }
  });
});

describe('jwt.protect()', () => {
  async function protectedApp(options: Parameters<ReturnType<typeof createSimpleJwt>['protect']>[1]) {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock });
    const app = new Koa();
    app.silent = true;
    app.use(jwt.routes({ prefix: '/api' }));
    app.use(jwt.protect('jwt', options));
    const router = new Router();
    router.get('/me', (ctx) => {
      ctx.body = { username: ctx.state.user?.username ?? null };
    });
    router.get('/health', (ctx) => {
      ctx.body = { ok: true, user: ctx.state.user ?? null };
    });
    router.get('/public/page', (ctx) => {
      ctx.body = { page: true };
    });
    router.get('/missing', (ctx) => ctx.throw(404));
    app.use(router.routes());
    return serve(app);
  }

  test('answers 401 with the @Security body and challenge, then lets a valid token through with the user on ctx.state', async () => {
    const server = await protectedApp({});
    try {
      const refused = await server.request('/me');
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.body, { detail: 'Authentication credentials were not provided.' });
      assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="api"');
      const bad = await server.request('/me', { headers: { authorization: 'Bearer not.a.token' } });
      assert.equal(bad.status, 401);
      assert.equal((bad.body as { code: string }).code, 'token_not_valid');
      const access = await login(server);
      const ok = await server.request('/me', { headers: { authorization: `Bearer ${access}` } });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body, { username: 'alice' });
      const missing = await server.request('/missing', { headers: { authorization: `Bearer ${access}` } });
      assert.equal(missing.status, 404, 'errors downstream of protect() pass untouched');
    } finally {
      await server.close();
    }
  });

  test('unless leaves exact paths, patterns and methods open, and nothing else', async () => {
    const server = await protectedApp({ unless: { path: ['/health', /^\/public\//], method: 'OPTIONS' } });
    try {
      assert.deepEqual((await server.request('/health')).body, { ok: true, user: null });
      assert.equal((await server.request('/public/page')).status, 200);
      assert.equal((await server.request('/me', { method: 'OPTIONS' })).status !== 401, true);
      assert.equal((await server.request('/me')).status, 401);
      assert.equal((await server.request('/health/x')).status, 401, 'a string path is exact');
    } finally {
      await server.close();
    }
  });

  test('requires every listed scope: 403 with a token granting only some', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock, tokenClaims: () => ({ scope: 'read' }) });
    const app = new Koa();
    app.silent = true;
    app.use(jwt.routes({ prefix: '/api' }));
    app.use(jwt.protect('jwt', { scopes: ['read', 'admin'] }));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const server = await serve(app);
    try {
      const access = await login(server);
      const denied = await server.request('/x', { headers: { authorization: `Bearer ${access}` } });
      assert.equal(denied.status, 403);
      assert.deepEqual(denied.body, { detail: 'You do not have permission to perform this action.' });
    } finally {
      await server.close();
    }
  });

  test('a security name that is not configured fails when the middleware is made', () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, clock });
    assert.throws(() => jwt.protect('jtw'), { name: 'SettingsError', setting: 'authTokenClasses' });
  });

  test('a database outage is a generic 503, never a 401 with the driver message', async () => {
    const broken = await setUpDatabase();
    const brokenUsers = new KnexUserStore(broken.knex, { iterations: ITERATIONS });
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: brokenUsers, clock });
    const app = new Koa();
    app.silent = true;
    app.use(jwt.protect());
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const server = await serve(app);
    try {
      await brokenUsers.createUser({ username: 'alice', password: 'alice-password' });
      const { access } = await jwt.issueTokenPair((await brokenUsers.findUser('username', 'alice'))!);
      await broken.knex.destroy();
      const response = await server.request('/', { headers: { authorization: `Bearer ${access}` } });
      assert.equal(response.status, 503);
      assert.deepEqual(response.body, { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
    } finally {
      await server.close();
      await broken.drop();
    }
  });
});

describe('createSimpleJwt at startup', () => {
  test('warns once through the logger when rotateRefreshTokens has no blacklist store', () => {
    const lines: string[] = [];
    createSimpleJwt({ signingKey: SIGNING_KEY, rotateRefreshTokens: true, logger: { warn: (line) => lines.push(line) } });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /rotateRefreshTokens .*without a blacklistStore/);
    createSimpleJwt({ signingKey: SIGNING_KEY, logger: { warn: (line) => lines.push(line) } });
    assert.equal(lines.length, 1, 'no warning without rotation');
  });

  test('refuses a logger without warn()', () => {
    assert.throws(() => createSimpleJwt({ signingKey: SIGNING_KEY, logger: {} as never }), { name: 'SettingsError', setting: 'logger' });
  });
});
