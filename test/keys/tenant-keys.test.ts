import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { createSimpleJwt, jwksRoute, koaAuthentication, SettingsError, type SimpleJwt, type UserStore } from '../../src/index.js';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import type { TenantKeys } from '../../src/keys/tenant-instances.js';
import { serve, claimsOf, type TestServer } from '../support/http.js';

const alice = { id: 1, username: 'alice', isActive: true };
const users: UserStore = {
  authenticate: async ({ username, password }) => (username === 'alice' && password === 'pw' ? alice : null),
  findUser: async (_field, value) => (value === '1' ? alice : null),
  updateLastLogin: async () => undefined,
};

const shared = generateSigningKey('ES256');
const TENANTS: Record<string, TenantKeys> = {
  acme: { tenant: 'acme', signingKeys: [generateSigningKey('ES256').pem], issuer: 'https://acme.example.com' },
  globex: { tenant: 'globex', signingKeys: [generateSigningKey('EdDSA').pem], issuer: 'https://globex.example.com', algorithm: 'EdDSA' },
  // Same key as initech, another issuer: the issuer alone keeps them apart.
  hooli: { tenant: 'hooli', signingKeys: [shared.pem], issuer: 'https://hooli.example.com' },
  initech: { tenant: 'initech', signingKeys: [shared.pem], issuer: 'https://initech.example.com' },
};
let resolverCalls = 0;
let jwt: SimpleJwt;
let server: TestServer;

before(async () => {
  jwt = createSimpleJwt({
    algorithm: 'ES256',
    userStore: users,
    keyResolver: (ctx) => {
      resolverCalls += 1;
      const tenant = TENANTS[(ctx as Koa.Context).get('x-tenant')];
      if (tenant === undefined) (ctx as Koa.Context).throw(404, 'no such tenant');
      return tenant as TenantKeys;
    },
  });
  const app = new Koa();
  app.silent = true;
  app.use(jwt.middleware());
  app.use(jwt.routes({ prefix: '/api' }));
  app.use(jwksRoute({ path: '/.well-known/jwks.json', jwt }));
  const protect = jwt.protect('jwt');
  app.use(async (ctx, next) => {
    if (ctx.path !== '/api/protected') return next();
    await protect(ctx, async () => {
      ctx.body = { id: (ctx.state.user as { id: unknown }).id };
    });
  });
  app.use(async (ctx) => {
    if (ctx.path !== '/api/me') return;
    const user = (await koaAuthentication(ctx.request, 'jwt')) as { id: unknown };
    ctx.body = { id: user.id };
  });
  server = await serve(app);
});
after(() => server?.close());

const as = (tenant: string, token?: string) => ({ 'x-tenant': tenant, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) });

async function obtain(tenant: string): Promise<{ access: string; refresh: string }> {
  const response = await server.post('/api/token', { username: 'alice', password: 'pw' }, as(tenant));
  assert.equal(response.status, 200, response.text);
  return response.body as { access: string; refresh: string };
}

test('each tenant issues tokens with its own key and iss, and accepts them', async () => {
  for (const name of Object.keys(TENANTS)) {
    const { access } = await obtain(name);
    assert.equal(claimsOf(access).iss, TENANTS[name]?.issuer);
    const me = await server.request('/api/me', { headers: as(name, access) });
    assert.equal(me.status, 200, `${name}: ${me.text}`);
    const protectedRoute = await server.request('/api/protected', { headers: as(name, access) });
    assert.equal(protectedRoute.status, 200, `${name}: ${protectedRoute.text}`);
  }
});

test('a token issued for one tenant is refused by another, with other keys or only another issuer', async () => {
  const acme = await obtain('acme');
  const hooli = await obtain('hooli');
  for (const [token, tenant] of [[acme.access, 'globex'], [acme.access, 'hooli'], [hooli.access, 'initech'], [hooli.access, 'acme']] as const) {
    for (const path of ['/api/me', '/api/protected']) {
      const me = await server.request(path, { headers: as(tenant, token) });
      assert.equal(me.status, 401, `${tenant} ${path}`);
      assert.equal((me.body as { code: string }).code, 'token_not_valid');
    }
  }
  const refreshed = await server.post('/api/token/refresh', { refresh: hooli.refresh }, as('initech'));
  assert.equal(refreshed.status, 401);
  const verified = await server.post('/api/token/verify', { token: acme.access }, as('globex'));
  assert.equal(verified.status, 401);
});

test('each tenant publishes its own JWK Set', async () => {
  const acme = (await server.request('/.well-known/jwks.json', { headers: as('acme') })).body as { keys: Array<{ alg: string }> };
  const globex = (await server.request('/.well-known/jwks.json', { headers: as('globex') })).body as { keys: Array<{ alg: string }> };
  assert.deepEqual([acme.keys.map((key) => key.alg), globex.keys.map((key) => key.alg)], [['ES256'], ['EdDSA']]);
});

test('resolution is cached: a tenant\'s instance is built once while its keys and issuer are unchanged', async () => {
  const request = { get: (name: string) => (name === 'x-tenant' ? 'acme' : '') } as unknown as Koa.Context;
  const first = await jwt.forRequest(request);
  assert.equal(await jwt.forRequest(request), first);
  const before = resolverCalls;
  await jwt.forRequest(request);
  assert.equal(resolverCalls, before + 1, 'the resolver runs per request; the keys are not rebuilt');
  TENANTS.acme = { ...(TENANTS.acme as TenantKeys), signingKeys: [...(TENANTS.acme as TenantKeys).signingKeys] };
  assert.equal(await jwt.forRequest(request), first, 'a fresh array of the same keys: still cached');
  TENANTS.acme = { ...(TENANTS.acme as TenantKeys), signingKeys: [generateSigningKey('ES256').pem] };
  assert.notEqual(await jwt.forRequest(request), first, 'new keys: rebuilt');
});

test('an unknown tenant gets the resolver\'s own error; a tenant with a bad key names the tenant', async () => {
  const response = await server.post('/api/token', { username: 'alice', password: 'pw' }, as('nobody'));
  assert.equal(response.status, 404);
  const broken = createSimpleJwt({ algorithm: 'ES256', keyResolver: () => ({ tenant: 'broken', signingKeys: ['not a key'] }) });
  await assert.rejects(broken.forRequest({}), (error: unknown) => {
    assert.ok(error instanceof SettingsError);
    assert.match(error.setting, /tenant "broken".*signingKeys\[0\]/);
    return true;
  });
});

test('keyResolver is refused with jwkUrl, at startup', () => {
  assert.throws(
    () => createSimpleJwt({ algorithm: 'ES256', jwkUrl: 'https://issuer.example.com/jwks.json', keyResolver: () => TENANTS.acme as TenantKeys }),
    (error: unknown) => error instanceof SettingsError && error.setting === 'keyResolver',
  );
});

test('without a resolver, forRequest is the instance itself', async () => {
  const plain = createSimpleJwt({ algorithm: 'ES256', signingKeys: [shared.pem] });
  assert.equal(await plain.forRequest({}), plain);
});
