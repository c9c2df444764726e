import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { resolveKeySet, type KeySetSettings } from '../../src/keys/resolve-key-set.js';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';
import { jwkSet, publicJwk } from '../../src/keys/public-jwk.js';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import { createSimpleJwt, SettingsError, type SigningKeyInput } from '../../src/index.js';
import { generatedPair, HMAC_SECRET_64, SIMPLEJWT_ES256_PRIVATE_KEY, SIMPLEJWT_RSA_PRIVATE_KEY, SIMPLEJWT_RSA_PUBLIC_KEY, SIMPLEJWT_RSA_PUBLIC_KEY_2 } from '../support/keys.js';

const base: KeySetSettings = { algorithm: 'ES256', signingKey: undefined, verifyingKey: undefined, jwkUrl: undefined };
const keySet = (signingKeys: SigningKeyInput[], overrides: Partial<KeySetSettings> = {}) => resolveKeySet({ ...base, ...overrides, signingKeys });

function refusal(run: () => unknown, setting: string, reason: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SettingsError, String(error));
    assert.equal(error.setting, setting);
    assert.match(error.reason, reason);
    return true;
  });
}

test('jwkThumbprint gives the RFC 7638 §3.1 example its published thumbprint', () => {
  const key = createPublicKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      e: 'AQAB',
      n:
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    },
  });
  assert.equal(jwkThumbprint(key), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
});

test('jwkThumbprint of a private key is its public key\'s, and refuses an HMAC secret', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  assert.equal(jwkThumbprint(privateKey), jwkThumbprint(publicKey));
  assert.throws(() => jwkThumbprint(createSecretKey(Buffer.from(HMAC_SECRET_64))), /explicit kid/);
});

test('resolveKeySet: the first key signs, every key verifies, and kids default to thumbprints', () => {
  const next = generateSigningKey('ES256');
  const set = keySet([next.pem, SIMPLEJWT_ES256_PRIVATE_KEY]);
  assert.equal(set.signer?.kid, next.kid);
  assert.deepEqual(set.keys.map((key) => key.kid), [next.kid, jwkThumbprint(createPrivateKey(SIMPLEJWT_ES256_PRIVATE_KEY))]);
  assert.equal(set.kidHeader, true);
  assert.equal(set.strictKid, true);
});

test('resolveKeySet takes PEM, JWK objects, KeyObjects and entries with kid and algorithm', () => {
  const ed = generateSigningKey('EdDSA');
  const set = keySet([
    { key: ed.jwk, algorithm: 'EdDSA' },
    createPrivateKey(SIMPLEJWT_ES256_PRIVATE_KEY),
    { key: HMAC_SECRET_64, kid: 'old-hmac', algorithm: 'HS256' },
    { key: SIMPLEJWT_RSA_PUBLIC_KEY, kid: 'partner', algorithm: 'RS256' },
  ]);
  assert.equal(set.signer?.kid, ed.kid);
  assert.deepEqual([...set.algorithms].sort(), ['ES256', 'EdDSA', 'HS256', 'RS256']);
  assert.equal(set.byKid.get('partner')?.signingKey, undefined, 'a public key only verifies');
});

test('resolveKeySet: a public key first makes a verify-only set', () => {
  const set = keySet([{ key: SIMPLEJWT_RSA_PUBLIC_KEY, algorithm: 'RS256' }]);
  assert.equal(set.signer, undefined);
});

test('resolveKeySet refuses at startup, naming the entry: an HMAC key without kid, a short secret, a wrong curve, a weak RSA key, a duplicate kid, garbage', () => {
  refusal(() => keySet([{ key: HMAC_SECRET_64, algorithm: 'HS256' }]), 'signingKeys[0]', /explicit kid/);
  refusal(() => keySet([SIMPLEJWT_ES256_PRIVATE_KEY, { key: 'short', kid: 'k', algorithm: 'HS256' }]), 'signingKeys[1]', /at least 32 bytes/);
  refusal(() => keySet([SIMPLEJWT_ES256_PRIVATE_KEY, generatedPair('p384').privateKey]), 'signingKeys[1]', /curve/);
  refusal(() => keySet([{ key: generatedPair('rsa1024').privateKey, algorithm: 'RS256' }]), 'signingKeys[0]', /2048/);
  refusal(() => keySet([{ key: SIMPLEJWT_RSA_PRIVATE_KEY, algorithm: 'ES256' }]), 'signingKeys[0]', /EC key/);
  refusal(() => keySet([{ key: SIMPLEJWT_ES256_PRIVATE_KEY, kid: 'a' }, { key: generateSigningKey('ES256').pem, kid: 'a' }]), 'signingKeys[1]', /earlier key/);
  refusal(() => keySet([{ key: 'not a key at all', kid: 'x' }]), 'signingKeys[0]', /key/);
  refusal(() => keySet([{ key: { kty: 'EC', crv: 'P-256', x: 'bad' } }]), 'signingKeys[0]', /not a usable key/);
  refusal(() => keySet([{ key: SIMPLEJWT_ES256_PRIVATE_KEY, algorithm: 'XS256' as never }]), 'signingKeys[0]', /Unrecognized algorithm/);
  refusal(() => keySet([]), 'signingKeys', /non-empty/);
});

test('createSimpleJwt refuses signingKeys together with signingKey, and kidHeader on a kid-less HMAC signingKey', () => {
  refusal(() => createSimpleJwt({ signingKey: HMAC_SECRET_64, signingKeys: [{ key: HMAC_SECRET_64, kid: 'a' }] }), 'signingKeys', /not both/);
  refusal(() => createSimpleJwt({ signingKey: HMAC_SECRET_64, kidHeader: true }), 'kidHeader', /no kid/);
  refusal(() => createSimpleJwt({ algorithm: 'ES256', signingKeys: [SIMPLEJWT_ES256_PRIVATE_KEY], jwksMaxAge: -1 }), 'jwksMaxAge', />= 0/);
});

test('the published JWK Set holds public parameters only: no HMAC secret and no private parameter, ever', () => {
  const keys: SigningKeyInput[] = [
    generateSigningKey('EdDSA').pem,
    { key: generateSigningKey('ES256').jwk, algorithm: 'ES256' },
    { key: generateSigningKey('ES512').pem, algorithm: 'ES512' },
    { key: SIMPLEJWT_RSA_PRIVATE_KEY, algorithm: 'RS256' },
    { key: SIMPLEJWT_RSA_PRIVATE_KEY, algorithm: 'PS256', kid: 'rsa-pss-use' },
    { key: HMAC_SECRET_64, kid: 'hmac', algorithm: 'HS512' },
  ];
  const set = keySet(keys, { algorithm: 'EdDSA' });
  const published = jwkSet(set.keys);
  assert.equal(published.keys.length, 5, 'every asymmetric key, never the HMAC one');
  const text = JSON.stringify(published);
  assert.ok(!text.includes(Buffer.from(HMAC_SECRET_64).toString('base64url')));
  assert.ok(!text.includes('"hmac"'));
  const allowed = new Set(['kty', 'kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y']);
  for (const jwk of published.keys) {
    assert.deepEqual(Object.keys(jwk).filter((name) => !allowed.has(name)), [], `${jwk.kid} has only public members`);
    assert.equal(jwk.use, 'sig');
    // Each published key verifies what its private key signed, and is the public half.
    assert.equal(createPublicKey({ key: jwk as never, format: 'jwk' }).type, 'public');
  }
  assert.deepEqual(published.keys.map((jwk) => jwk.alg), ['EdDSA', 'ES256', 'ES512', 'RS256', 'PS256']);
});

test('jwkThumbprint gives RFC 8037 §A.3\'s Ed25519 example its published thumbprint, and hashes only the EC members RFC 7638 §3.2 lists', () => {
  const ed = createPublicKey({ format: 'jwk', key: { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' } });
  assert.equal(jwkThumbprint(ed), 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  const ec = createPublicKey(SIMPLEJWT_ES256_PRIVATE_KEY).export({ format: 'jwk' }) as Record<string, string>;
  const canonical = `{"crv":"${ec.crv}","kty":"EC","x":"${ec.x}","y":"${ec.y}"}`;
  assert.equal(jwkThumbprint(createPublicKey(SIMPLEJWT_ES256_PRIVATE_KEY)), createHash('sha256').update(canonical).digest('base64url'));
});

test('publicJwk publishes no key without a kid, and omits a key node:crypto cannot export (RSA-PSS)', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  assert.equal(publicJwk({ kid: undefined, algorithm: 'ES256', signingKey: undefined, verifyingKey: publicKey }), undefined);
  assert.equal(publicJwk({ kid: 'k', algorithm: 'ES256', signingKey: undefined, verifyingKey: publicKey })?.kid, 'k');
  const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  const set = keySet([{ key: pss.privateKey, kid: 'pss', algorithm: 'PS256' }, generateSigningKey('ES256').pem]);
  assert.deepEqual(jwkSet(set.keys).keys.map((jwk) => jwk.alg), ['ES256']);
});

test('resolveKeySet takes an "oct" JWK as the secret it holds, and a public KeyObject as verify-only', () => {
  const oct = keySet([{ key: { kty: 'oct', k: Buffer.from(HMAC_SECRET_64).toString('base64url') }, kid: 'hs', algorithm: 'HS256' }]);
  assert.deepEqual(oct.signer?.signingKey?.export(), Buffer.from(HMAC_SECRET_64));
  refusal(() => keySet([{ key: { kty: 'oct' }, kid: 'hs', algorithm: 'HS256' }]), 'signingKeys[0]', /^not a usable key: an "oct" JWK needs "k"$/);
  const verifyOnly = keySet([{ key: createPublicKey(SIMPLEJWT_ES256_PRIVATE_KEY), algorithm: 'ES256' }]);
  assert.equal(verifyOnly.signer, undefined);
  assert.equal(verifyOnly.keys[0]?.verifyingKey.type, 'public');
});

test('resolveKeySet refuses a kid that is empty or not a string, a null entry, an RSA-PSS key without kid; exact reasons', () => {
  for (const kid of ['', 5]) refusal(() => keySet([{ key: SIMPLEJWT_ES256_PRIVATE_KEY, kid: kid as never }]), 'signingKeys[0]', /^kid must be a non-empty string$/);
  refusal(() => keySet([{ key: HMAC_SECRET_64, algorithm: 'HS256' }]), 'signingKeys[0]', /^an HS256 secret needs an explicit kid \(only asymmetric keys default to their RFC 7638 thumbprint\)$/);
  refusal(() => keySet([null as never]), 'signingKeys[0]', /./);
  const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 });
  refusal(() => keySet([{ key: pss.privateKey, algorithm: 'PS256' }]), 'signingKeys[0]', /^this rsa-pss key has no JWK form to take a thumbprint of: give it an explicit kid$/);
});

test('resolveKeySet({ enforceKeyLength: false }) accepts a short secret in signingKeys', () => {
  const set = resolveKeySet({ ...base, signingKeys: [{ key: 'short', kid: 'k', algorithm: 'HS256' }] }, { enforceKeyLength: false });
  assert.equal(set.signer?.kid, 'k');
});

test('resolveKeySet with signingKey alone: one key, its thumbprint as kid when asymmetric, kid headers off by default', () => {
  const es = resolveKeySet({ ...base, signingKey: SIMPLEJWT_ES256_PRIVATE_KEY });
  assert.deepEqual([es.keys.length, es.signer?.kid, es.keys[0]?.verifyingKey.type, es.kidHeader, es.strictKid], [1, jwkThumbprint(createPrivateKey(SIMPLEJWT_ES256_PRIVATE_KEY)), 'public', false, false]);
  assert.deepEqual(es.byAlgorithm.get('ES256'), [es.keys[0]]);
  assert.equal(resolveKeySet({ ...base, signingKey: SIMPLEJWT_ES256_PRIVATE_KEY, kidHeader: true }).kidHeader, true);
  const hs = resolveKeySet({ ...base, algorithm: 'HS256', signingKey: HMAC_SECRET_64 });
  assert.deepEqual([hs.keys[0]?.kid, hs.keys[0]?.verifyingKey.type, hs.byKid.size], [undefined, 'secret', 0]);
});

test('resolveKeySet with verifyingKey alone verifies and signs nothing', () => {
  const set = resolveKeySet({ ...base, algorithm: 'RS256', verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY });
  assert.deepEqual([set.signer, set.keys.length, set.keys[0]?.verifyingKey.type], [undefined, 1, 'public']);
});

test('resolveKeySet checks that signingKey and verifyingKey are a pair, except with a JWK Set, which needs no local key', () => {
  refusal(() => resolveKeySet({ ...base, algorithm: 'RS256', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY, verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY_2 }), 'verifyingKey', /does not match signingKey/);
  const jwks = { ...base, algorithm: 'RS256' as const, jwkUrl: 'https://issuer.example/.well-known/jwks.json' };
  assert.equal(resolveKeySet({ ...jwks, signingKey: SIMPLEJWT_RSA_PRIVATE_KEY, verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY_2 }).signer?.algorithm, 'RS256');
  const remote = resolveKeySet(jwks);
  assert.deepEqual([remote.keys, remote.signer, remote.kidHeader, remote.strictKid], [[], undefined, false, false]);
  refusal(() => resolveKeySet({ ...base, algorithm: 'RS256' }), 'signingKey', /./);
});

test('resolveKeySet with a keyResolver and no keys of its own: an empty set that wants kids', () => {
  const set = resolveKeySet({ ...base, keyResolver: () => undefined });
  assert.deepEqual([set.keys, set.signer, set.kidHeader, set.strictKid], [[], undefined, true, true]);
  assert.equal(resolveKeySet({ ...base, keyResolver: () => undefined, kidHeader: false }).kidHeader, false);
});
