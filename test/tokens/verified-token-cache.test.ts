import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VerifiedTokenCache } from '../../src/tokens/verified-token-cache.js';
import { createSimpleJwt, AccessToken, RefreshToken } from '../../src/index.js';
import { ManualClock } from '../support/demo.js';
import type { TokenBackend } from '../../src/backend/token-backend.js';

const KEY = 'k'.repeat(32);

test('VerifiedTokenCache serves a held token until its exp, honouring leeway', () => {
  const cache = new VerifiedTokenCache();
  cache.set('t', { exp: 100, sub: 'x' });
  assert.deepEqual(cache.get('t', 99_000, 0), { exp: 100, sub: 'x' });
  assert.equal(cache.get('t', 100_000, 5_000)?.exp, 100, 'leeway keeps it');
  assert.equal(cache.get('t', 100_000, 0), undefined, 'exp == now is expired');
  assert.equal(cache.size, 0, 'an expired entry is dropped');
});

test('VerifiedTokenCache never holds tokens without a numeric exp', () => {
  const cache = new VerifiedTokenCache();
  cache.set('a', { jti: 'x' });
  cache.set('b', { exp: '100' });
  assert.equal(cache.size, 0);
});

test('VerifiedTokenCache is bounded and drops the least recently used token', () => {
  const cache = new VerifiedTokenCache({ maxEntries: 2 });
  cache.set('a', { exp: 10 });
  cache.set('b', { exp: 10 });
  cache.get('a', 0, 0);
  cache.set('c', { exp: 10 });
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b', 0, 0), undefined);
  assert.ok(cache.get('a', 0, 0));
  assert.ok(cache.get('c', 0, 0));
});

test('VerifiedTokenCache hands out copies, so a caller cannot change the held claims', () => {
  const cache = new VerifiedTokenCache();
  cache.set('a', { exp: 10, jti: 'one' });
  const first = cache.get('a', 0, 0)!;
  first.jti = 'changed';
  assert.equal(cache.get('a', 0, 0)?.jti, 'one');
});

/** Wraps the instance's backend to count the decodes that really verify a signature. */
function countingJwt(options: { verifiedTokenCache?: false }) {
  const clock = new ManualClock();
  const jwt = createSimpleJwt({ signingKey: KEY, clock, ...options });
  let decodes = 0;
  const backend: TokenBackend = {
    algorithm: jwt.context.backend.algorithm,
    canSign: true,
    jwkSet: jwt.context.backend.jwkSet,
    encode: (payload) => jwt.context.backend.encode(payload),
    decode: (token, opts) => {
      decodes += 1;
      return jwt.context.backend.decode(token, opts);
    },
  };
  const context = { ...jwt.context, backend };
  return { context, clock, decodes: () => decodes };
}

test('a token verified once skips the signature check the next time, but never its expiry', async () => {
  const { context, clock, decodes } = countingJwt({});
  const signed = AccessToken.create(context).sign();
  await AccessToken.decode(context, signed);
  await AccessToken.decode(context, signed);
  assert.equal(decodes(), 1);
  clock.advance(300);
  await assert.rejects(AccessToken.decode(context, signed), { message: 'Token is expired' });
  assert.equal(decodes(), 2, 'an expired hit falls through to the full check and its exact message');
});

test('a cache hit still runs the class checks: type and id', async () => {
  const { context } = countingJwt({});
  const signed = AccessToken.create(context).sign();
  await AccessToken.decode(context, signed);
  await assert.rejects(RefreshToken.decode(context, signed), { message: 'Token has wrong type' });
});

test('invalid tokens are never cached: a tampered token is verified and refused every time', async () => {
  const { context, decodes } = countingJwt({});
  const signed = AccessToken.create(context).sign();
  const tampered = signed.slice(0, -2) + (signed.endsWith('AA') ? 'BB' : 'AA');
  for (let i = 0; i < 3; i += 1) await assert.rejects(AccessToken.decode(context, tampered), { message: 'Token is invalid' });
  assert.equal(decodes(), 3);
});

test('verifiedTokenCache: false verifies every time', async () => {
  const { context, decodes } = countingJwt({ verifiedTokenCache: false });
  const signed = AccessToken.create(context).sign();
  await AccessToken.decode(context, signed);
  await AccessToken.decode(context, signed);
  assert.equal(decodes(), 2);
});

test('VerifiedTokenCache matches the whole token: another token with the same ending is a miss and leaves the held one alone', () => {
  const cache = new VerifiedTokenCache();
  const ending = 'S'.repeat(40);
  cache.set(`aaa.bbb.${ending}`, { exp: 10, jti: 'one' });
  assert.equal(cache.get(`aaa.bbc.${ending}`, 0, 0), undefined, 'a payload changed in one byte');
  assert.equal(cache.get(`aaa.bbb.${ending}`, 0, 0)?.jti, 'one');
  cache.set(`xxx.yyy.${ending}`, { exp: 10, jti: 'two' });
  assert.equal(cache.get(`xxx.yyy.${ending}`, 0, 0)?.jti, 'two');
  assert.notEqual(cache.get(`aaa.bbb.${ending}`, 0, 0)?.jti, 'two', 'never the other token\'s claims');
});

test('an unverified decode never fills the cache: a forged token decoded with verify: false is still refused when verified', async () => {
  const { context, decodes } = countingJwt({});
  const forger = createSimpleJwt({ signingKey: 'f'.repeat(32), clock: new ManualClock() });
  const forged = AccessToken.create(forger.context).sign();
  const unverified = await AccessToken.decode(context, forged, { verify: false });
  assert.equal(unverified.payload.token_type, 'access', 'verify: false reads the forged claims as they are');
  await assert.rejects(AccessToken.decode(context, forged), { message: 'Token is invalid' });
  assert.equal(decodes(), 2, 'the verified decode checked the signature instead of serving the unverified claims');
});

test('an unverified decode is never served from the cache either: it reads the token itself', async () => {
  const { context, decodes } = countingJwt({});
  const signed = AccessToken.create(context).sign();
  await AccessToken.decode(context, signed);
  await AccessToken.decode(context, signed, { verify: false });
  assert.equal(decodes(), 2);
});

test('VerifiedTokenCache holds 10,000 tokens by default and refuses a maxEntries that is not a positive integer', () => {
  assert.equal(new VerifiedTokenCache().maxEntries, 10_000);
  assert.equal(new VerifiedTokenCache({ maxEntries: 1 }).maxEntries, 1);
  for (const maxEntries of [0, -1, 1.5, NaN, Infinity, '10' as unknown as number]) {
    assert.throws(() => new VerifiedTokenCache({ maxEntries }), { name: 'TypeError', message: 'VerifiedTokenCache: maxEntries must be a positive integer' }, String(maxEntries));
  }
});

test('VerifiedTokenCache with maxEntries 1 holds one token', () => {
  const cache = new VerifiedTokenCache({ maxEntries: 1 });
  cache.set('a', { exp: 10 });
  cache.set('b', { exp: 10 });
  assert.equal(cache.size, 1);
  assert.equal(cache.get('a', 0, 0), undefined);
  assert.ok(cache.get('b', 0, 0));
});

test('VerifiedTokenCache.clear forgets every token', () => {
  const cache = new VerifiedTokenCache();
  cache.set('a', { exp: 10 });
  cache.set('b', { exp: 10 });
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.get('a', 0, 0), undefined);
});

test('VerifiedTokenCache holds its own copy: changing the claims object after set changes nothing held', () => {
  const cache = new VerifiedTokenCache();
  const claims: Record<string, unknown> = { exp: 10, jti: 'one' };
  cache.set('a', claims);
  claims.jti = 'changed';
  claims.exp = 1_000_000;
  assert.deepEqual(cache.get('a', 0, 0), { exp: 10, jti: 'one' });
  assert.equal(cache.get('a', 10_000, 0), undefined, 'still expires at the exp it was given');
});

test('VerifiedTokenCache never holds a token whose exp is not finite', () => {
  const cache = new VerifiedTokenCache();
  cache.set('a', { exp: Infinity });
  cache.set('b', { exp: NaN });
  assert.equal(cache.size, 0);
});

test('VerifiedTokenCache: two tokens with the same last 16 characters take turns in one entry; shorter tokens are their own index', () => {
  const cache = new VerifiedTokenCache();
  // The same 20-character start too, then one character apart: only the last 16 are the index.
  const start = 'eyJhbGciOiJIUzI1NiIs';
  const ending = 'S'.repeat(16);
  cache.set(`${start}.one.${ending}`, { exp: 10, jti: 'one' });
  cache.set(`${start}.two.${ending}`, { exp: 10, jti: 'two' });
  assert.equal(cache.size, 1);
  assert.equal(cache.get(`${start}.one.${ending}`, 0, 0), undefined);
  assert.equal(cache.get(`${start}.two.${ending}`, 0, 0)?.jti, 'two');
  cache.set(`x${'S'.repeat(15)}`, { exp: 10, jti: 'short' });
  cache.set(`y${'S'.repeat(15)}`, { exp: 10, jti: 'other' });
  assert.equal(cache.size, 3, 'tokens of 16 characters differ in their index');
});
