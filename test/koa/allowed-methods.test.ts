import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { Router } from '@koa/router';
import { createSimpleJwt } from '../../src/index.js';
import { NotAuthenticatedError } from '../../src/errors.js';
import { SECURITY_MARK } from '../../src/koa/allowed-methods.js';
import { serve, type TestServer } from '../support/http.js';

// jwt.allowedMethods(router) on a plain @koa/router router (no database, no tsoa): the route at
// /secured carries a marked authentication middleware, as our tsoa template marks it, that
// refuses a request without `Authorization: ok` and crashes on `Authorization: crash`.

const handled: string[] = [];
let server: TestServer;

const authenticate = Object.assign(
  async (ctx: Koa.Context, next: Koa.Next) => {
    const header = ctx.get('authorization');
    if (header === 'crash') throw new Error('secret driver detail');
    if (header !== 'ok') throw new NotAuthenticatedError();
    await next();
  },
  { [SECURITY_MARK]: [{ jwt: [] }] },
);

before(async () => {
  const jwt = createSimpleJwt({ signingKey: 'k'.repeat(32), authHeaderTypes: ['JWT'] });
  const router = new Router();
  router.get('/open', (ctx) => {
    handled.push('GET /open');
    ctx.body = { open: true };
  });
  router.put('/open', (ctx) => {
    handled.push('PUT /open');
    ctx.body = { open: true };
  });
  router.get('/secured', authenticate, (ctx) => {
    handled.push('GET /secured');
    ctx.body = { secured: true };
  });
  const app = new Koa();
  app.silent = true;
  app.use(jwt.middleware());
  app.use(router.routes());
  app.use(jwt.allowedMethods(router));
  // What answers after the router (its allowedMethods calls next first): the app's own routes.
  app.use((ctx) => {
    if (ctx.path === '/app-405-with-body') {
      ctx.status = 405;
      ctx.body = { app: 'own 405' };
    } else if (ctx.path === '/app-405') {
      ctx.status = 405;
      const allow = ctx.get('x-allow');
      if (allow !== '') ctx.set('Allow', allow);
    }
  });
  server = await serve(app);
});
after(() => server?.close());

describe('jwt.allowedMethods(router)', () => {
  test('a path served for other methods is DRF\'s JSON 405 with Allow (OPTIONS added), and no handler runs', async () => {
    handled.length = 0;
    const response = await server.request('/open', { method: 'DELETE' });
    assert.equal(response.status, 405);
    assert.deepEqual(response.body, { detail: 'Method "DELETE" not allowed.' });
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(response.headers.get('allow'), 'HEAD, GET, PUT, OPTIONS');
    assert.deepEqual(handled, []);
  });

  test('leaves alone what is not a 405: a served route, an unknown path (404), OPTIONS (200 with Allow), an unknown method (501)', async () => {
    assert.deepEqual([(await server.request('/open')).status, (await server.request('/open')).body], [200, { open: true }]);
    const missing = await server.request('/nowhere', { method: 'POST' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('allow'), null);
    const options = await server.request('/open', { method: 'OPTIONS' });
    assert.equal(options.status, 200);
    assert.equal(options.headers.get('allow'), 'HEAD, GET, PUT');
    assert.equal((await server.request('/open', { method: 'PURGE' })).status, 501);
  });

  test('on a path whose route is secured, authenticates first: 401 with the challenge and Allow, then 405 with a valid token', async () => {
    handled.length = 0;
    const refused = await server.request('/secured', { method: 'POST' });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body, { detail: 'Authentication credentials were not provided.' });
    assert.equal(refused.headers.get('www-authenticate'), 'JWT realm="api"');
    assert.equal(refused.headers.get('allow'), 'HEAD, GET, OPTIONS');
    const allowed = await server.request('/secured', { method: 'POST', headers: { authorization: 'ok' } });
    assert.deepEqual([allowed.status, allowed.body, allowed.headers.get('allow')], [405, { detail: 'Method "POST" not allowed.' }, 'HEAD, GET, OPTIONS']);
    assert.deepEqual(handled, [], 'only the authentication ran, never the route\'s handler');
  });

  test('an error of the authentication that is not ours is the generic 500, without its message', async () => {
    const response = await server.request('/secured', { method: 'POST', headers: { authorization: 'crash' } });
    assert.deepEqual([response.status, response.body], [500, { detail: 'A server error occurred.', code: 'server_error' }]);
  });

  test('a 405 the app answered itself with a body is left as it is', async () => {
    const response = await server.request('/app-405-with-body', { method: 'POST' });
    assert.deepEqual([response.status, response.body], [405, { app: 'own 405' }]);
  });

  test('a 405 the app left without a body gets DRF\'s body; its Allow, however spaced, is kept with OPTIONS once', async () => {
    const bare = await server.request('/app-405', { method: 'POST' });
    assert.deepEqual([bare.status, bare.body, bare.headers.get('allow')], [405, { detail: 'Method "POST" not allowed.' }, 'OPTIONS']);
    const listed = await server.request('/app-405', { method: 'POST', headers: { 'x-allow': 'GET,OPTIONS,  PUT' } });
    assert.deepEqual([listed.status, listed.body, listed.headers.get('allow')], [405, { detail: 'Method "POST" not allowed.' }, 'GET, OPTIONS, PUT']);
  });
});
