import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import Koa from 'koa';
import { createSimpleJwt, jwksRoute, openApiDocument, type UserStore } from '../../src/index.js';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import { serve, type TestServer } from '../support/http.js';
import { HMAC_SECRET_64 } from '../support/keys.js';

const JWKS_PATH = '/.well-known/jwks.json';
const signing = generateSigningKey('EdDSA');
const next = generateSigningKey('EdDSA');
const alice = { id: 7, username: 'alice', isActive: true };
const users: UserStore = {
  authenticate: async ({ username, password }) => (username === 'alice' && password === 'pw' ? alice : null),
  findUser: async (_field, value) => (value === '7' ? alice : null),
  updateLastLogin: async () => undefined,
};

let issuerServer: TestServer;
let resourceServer: TestServer;

before(async () => {
  // App 1 issues tokens and publishes its keys (an HMAC key of an old rotation stays unpublished).
  const issuer = createSimpleJwt({
    algorithm: 'EdDSA',
    signingKeys: [signing.pem, next.pem, { key: HMAC_SECRET_64, kid: 'legacy-hmac', algorithm: 'HS256' }],
    userStore: users,
    jwksMaxAge: 600,
  });
  const issuerApp = new Koa();
  issuerApp.use(issuer.middleware());
  issuerApp.use(issuer.routes({ prefix: '/api' }));
  issuerApp.use(jwksRoute({ path: JWKS_PATH, jwt: issuer }));
  issuerApp.use((ctx) => {
    ctx.body = 'next';
  });
  issuerServer = await serve(issuerApp);

  // App 2, a resource server elsewhere: no key of its own, only the issuer's JWK Set URL.
  const resource = createSimpleJwt({ algorithm: 'EdDSA', jwkUrl: `${issuerServer.url}${JWKS_PATH}`, statelessSecurityNames: ['jwt'] });
  const resourceApp = new Koa();
  resourceApp.use(resource.middleware());
  resourceApp.use(async (ctx) => {
    const { user } = await resource.authenticate(ctx.get('authorization') || undefined, 'jwt');
    ctx.body = { user_id: user.id };
  });
  resourceServer = await serve(resourceApp);
});
after(async () => {
  await resourceServer?.close();
  await issuerServer?.close();
});

test('jwksRoute answers the public keys as application/jwk-set+json with Cache-Control max-age=jwksMaxAge', async () => {
  const response = await issuerServer.request(JWKS_PATH);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/jwk-set+json');
  assert.equal(response.headers.get('cache-control'), 'public, max-age=600');
  const body = response.body as { keys: Array<Record<string, string>> };
  assert.deepEqual(body.keys.map((key) => key.kid), [signing.kid, next.kid]);
  for (const key of body.keys) {
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    assert.equal(key.use, 'sig');
    assert.equal(key.alg, 'EdDSA');
  }
  assert.ok(!response.text.includes('"d"'), 'no private parameter');
  assert.ok(!response.text.includes(Buffer.from(HMAC_SECRET_64).toString('base64url')), 'no HMAC secret');
});

test('jwksRoute answers HEAD, 304 to its ETag, and passes other paths and methods on', async () => {
  const head = await issuerServer.request(JWKS_PATH, { method: 'HEAD' });
  assert.equal(head.status, 200);
  const etag = head.headers.get('etag');
  assert.ok(etag);
  const status = await new Promise<number | undefined>((resolve, reject) => {
    const req = httpRequest(`${issuerServer.url}${JWKS_PATH}`, { headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 304);
  assert.equal((await issuerServer.request(`${JWKS_PATH}/x`)).text, 'next');
  assert.equal((await issuerServer.post(JWKS_PATH, {})).text, 'next');
});

test('a second app with jwkUrl pointing at the JWK Set verifies the first app\'s tokens, and refuses others', async () => {
  const obtained = await issuerServer.post('/api/token', { username: 'alice', password: 'pw' });
  assert.equal(obtained.status, 200);
  const { access } = obtained.body as { access: string };
  const ok = await resourceServer.request('/', { headers: { authorization: `Bearer ${access}` } });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, { user_id: '7' });

  const foreign = createSimpleJwt({ algorithm: 'EdDSA', signingKeys: [generateSigningKey('EdDSA').pem] });
  const forged = (await foreign.issueTokenPair(alice)).access;
  const refused = await resourceServer.request('/', { headers: { authorization: `Bearer ${forged}` } });
  assert.equal(refused.status, 401);
  assert.equal((refused.body as { code: string }).code, 'token_not_valid');
});

test('jwksRoute refuses a bad path or something that is not an instance, at startup', () => {
  assert.throws(() => jwksRoute({ path: '/', jwt: createSimpleJwt({ signingKey: HMAC_SECRET_64 }) }), /root/);
  assert.throws(() => jwksRoute({ path: JWKS_PATH, jwt: {} as never }), /createSimpleJwt/);
});

test('an HMAC-only instance publishes an empty set', () => {
  assert.deepEqual(createSimpleJwt({ signingKey: HMAC_SECRET_64 }).jwkSet, { keys: [] });
});

test('openApiDocument({ jwksPath }) describes the JWK Set route at the root, outside the prefix', () => {
  const document = openApiDocument({ prefix: '/api', jwksPath: JWKS_PATH });
  const item = document.paths[JWKS_PATH] as { servers: Array<{ url: string }>; get: { responses: Record<string, { content?: Record<string, unknown> }> } };
  assert.deepEqual(item.servers.map((server) => server.url), ['/']);
  assert.ok(item.get.responses['200']?.content?.['application/jwk-set+json']);
  assert.ok(document.components?.schemas?.JwkSet);
  assert.equal(openApiDocument({ prefix: '/api' }).paths[JWKS_PATH], undefined);
});
