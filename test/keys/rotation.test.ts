import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Koa from 'koa';
import { createSimpleJwt, ExpiredTokenError, jwksRoute, TokenError, type SimpleJwt, type SimpleJwtOptions, type UserStore } from '../../src/index.js';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import { ManualClock } from '../support/demo.js';
import { serve, type TestServer } from '../support/http.js';

const JWKS_PATH = '/.well-known/jwks.json';
const alice = { id: 1, username: 'alice', isActive: true };
const users: UserStore = {
  authenticate: async () => null,
  findUser: async (_field, value) => (value === '1' ? alice : null),
  updateLastLogin: async () => undefined,
};

function kidOf(token: string): unknown {
  return (JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
}

async function refusedAs(promise: Promise<unknown>, kind: typeof TokenError, message: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof kind, String(error));
    assert.equal((error as TokenError).message, message);
    return true;
  });
}

// The issuer is restarted with new settings at each step; its JWK Set is served over real HTTP,
// and a second instance (a resource server) verifies through it with jwkUrl.
const clock = new ManualClock();
const oldKey = generateSigningKey('ES256');
const newKey = generateSigningKey('ES256');
const common: SimpleJwtOptions = {
  algorithm: 'ES256',
  clock,
  userStore: users,
  accessTokenLifetime: 300,
  refreshTokenLifetime: 86_400,
  jwksMaxAge: 300,
};
let issuer: SimpleJwt = createSimpleJwt({ ...common, signingKeys: [oldKey.pem] });
let jwksFetches = 0;
let server: TestServer;
let verifier: SimpleJwt;

before(async () => {
  const app = new Koa();
  app.use((ctx, next) => {
    if (ctx.path === JWKS_PATH) jwksFetches += 1;
    return jwksRoute({ path: JWKS_PATH, jwt: issuer })(ctx, next);
  });
  server = await serve(app);
  verifier = createSimpleJwt({ algorithm: 'ES256', jwkUrl: `${server.url}${JWKS_PATH}`, jwkCacheSeconds: 300, clock });
});
after(() => server?.close());

test('a key rotation in three restarts logs no one out: publish, then sign, then retire', async () => {
  // 0. One key.
  const before = await issuer.issueTokenPair(alice);
  assert.equal(kidOf(before.access), oldKey.kid);
  await verifier.verifyToken(before.access);
  assert.equal(jwksFetches, 1);

  // 1. The new key joins as verify-only (second) and is published; the old one still signs.
  issuer = createSimpleJwt({ ...common, signingKeys: [oldKey.pem, newKey.pem] });
  assert.deepEqual(issuer.jwkSet.keys.map((key) => key.kid), [oldKey.kid, newKey.kid]);
  assert.equal(kidOf((await issuer.issueTokenPair(alice)).access), oldKey.kid);
  await issuer.verifyToken(before.refresh);

  // 2. After the verifiers' cache time (jwksMaxAge), the new key signs; the old one still verifies.
  clock.advance(300);
  await verifier.verifyToken((await issuer.issueTokenPair(alice)).access); // the verifier's set is stale: refetched
  assert.equal(jwksFetches, 2);
  issuer = createSimpleJwt({ ...common, signingKeys: [newKey.pem, oldKey.pem] });
  const during = await issuer.issueTokenPair(alice);
  assert.equal(kidOf(during.access), newKey.kid);
  await verifier.verifyToken(during.access); // known since the refetch: no fetch needed
  assert.equal(jwksFetches, 2);
  // A refresh token the old key signed keeps working until it expires, and yields new-key tokens.
  const refreshed = await issuer.refreshAccessToken(before.refresh);
  assert.equal(kidOf(refreshed.access), newKey.kid);
  await refusedAs(issuer.verifyToken(before.access), ExpiredTokenError, 'Token is expired');

  // 3. After the longest life of an old-key token (refresh lifetime + leeway 0 + jwksMaxAge), the old key goes.
  clock.advance(86_400 + 0 + 300);
  await refusedAs(issuer.verifyToken(before.refresh), ExpiredTokenError, 'Token is expired');
  issuer = createSimpleJwt({ ...common, signingKeys: [newKey.pem] });
  assert.deepEqual(issuer.jwkSet.keys.map((key) => key.kid), [newKey.kid]);
  // Now an old-key token is refused as invalid (its key is gone), whatever its exp says.
  const oldSigner = createSimpleJwt({ ...common, signingKeys: [oldKey.pem] });
  const lateOld = await oldSigner.issueTokenPair(alice);
  await refusedAs(issuer.verifyToken(lateOld.access), TokenError, 'Token is invalid');
  const after = await issuer.issueTokenPair(alice);
  await verifier.verifyToken(after.access); // its set was stale: refetched, now without the old key
  assert.equal(jwksFetches, 3);
  await refusedAs(verifier.verifyToken(lateOld.access), TokenError, 'Token is invalid');
  assert.equal(jwksFetches, 3, 'an unknown kid within the cooldown causes no fetch');
});
