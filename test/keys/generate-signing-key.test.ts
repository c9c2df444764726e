import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { generateSigningKey, thumbprintOfKeyText } from '../../src/keys/generate-signing-key.js';
import { jwkThumbprint } from '../../src/keys/jwk-thumbprint.js';
import type { Algorithm } from '../../src/settings.js';
import { SIMPLEJWT_RSA_PRIVATE_KEY, SIMPLEJWT_RSA_PUBLIC_KEY } from '../support/keys.js';

/** What node:crypto says the generated private key is. */
function keyOf(algorithm: Algorithm): { type: string | undefined; details: Record<string, unknown> } {
  const key = createPrivateKey(generateSigningKey(algorithm).pem);
  return { type: key.asymmetricKeyType, details: { ...key.asymmetricKeyDetails } };
}

describe('generateSigningKey', () => {
  test('RS* and PS* get a plain 2048-bit RSA key (not rsa-pss, which has no JWK form)', () => {
    for (const algorithm of ['RS256', 'PS384'] as const) {
      const { type, details } = keyOf(algorithm);
      assert.equal(type, 'rsa', algorithm);
      assert.equal(details.modulusLength, 2048, algorithm);
    }
  });

  test('ES256, ES384 and ES512 get a key on their own curve (RFC 7518 §3.4)', () => {
    assert.deepEqual(
      (['ES256', 'ES384', 'ES512'] as const).map((algorithm) => keyOf(algorithm)),
      [
        { type: 'ec', details: { namedCurve: 'prime256v1' } },
        { type: 'ec', details: { namedCurve: 'secp384r1' } },
        { type: 'ec', details: { namedCurve: 'secp521r1' } },
      ],
    );
  });

  test('EdDSA gets an Ed25519 key', () => {
    assert.equal(keyOf('EdDSA').type, 'ed25519');
  });

  test('an asymmetric key comes as PKCS#8 PEM and as its private JWK, with its thumbprint as kid, its alg and use "sig"', () => {
    const key = generateSigningKey('ES384');
    assert.match(key.pem, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    const privateKey = createPrivateKey(key.pem);
    assert.equal(key.algorithm, 'ES384');
    assert.equal(key.kid, jwkThumbprint(createPublicKey(privateKey)));
    assert.deepEqual(key.jwk, { ...privateKey.export({ format: 'jwk' }), kid: key.kid, alg: 'ES384', use: 'sig' });
    assert.ok(Object.isFrozen(key));
  });

  test('HS256, HS384 and HS512 get a random secret as long as the hash output (RFC 7518 §3.2)', () => {
    for (const [algorithm, bytes] of [['HS256', 32], ['HS384', 48], ['HS512', 64]] as const) {
      const key = generateSigningKey(algorithm);
      assert.equal(Buffer.from(key.pem, 'base64url').length, bytes, algorithm);
      assert.match(key.pem, /^[A-Za-z0-9_-]+$/, 'base64url text');
    }
    assert.notEqual(generateSigningKey('HS256').pem, generateSigningKey('HS256').pem);
  });

  test('an HMAC secret gets a random 16-character kid and an "oct" JWK whose k is the secret\'s text', () => {
    const key = generateSigningKey('HS384');
    assert.equal(key.algorithm, 'HS384');
    assert.match(key.kid, /^[A-Za-z0-9_-]{16}$/);
    assert.notEqual(generateSigningKey('HS384').kid, key.kid);
    assert.deepEqual(key.jwk, { kty: 'oct', k: Buffer.from(key.pem, 'utf8').toString('base64url'), kid: key.kid, alg: 'HS384', use: 'sig' });
    assert.ok(Object.isFrozen(key));
  });
});

describe('thumbprintOfKeyText', () => {
  const rsaThumbprint = jwkThumbprint(createPublicKey(SIMPLEJWT_RSA_PUBLIC_KEY));

  test('gives a private PEM and its public PEM the same thumbprint: the kid generateSigningKey gives', () => {
    assert.equal(thumbprintOfKeyText(SIMPLEJWT_RSA_PRIVATE_KEY), rsaThumbprint);
    assert.equal(thumbprintOfKeyText(SIMPLEJWT_RSA_PUBLIC_KEY), rsaThumbprint);
    const generated = generateSigningKey('EdDSA');
    assert.equal(thumbprintOfKeyText(generated.pem), generated.kid);
  });

  test('reads JWK text, private or public, with whitespace around it', () => {
    const generated = generateSigningKey('ES256');
    assert.equal(thumbprintOfKeyText(`\n  ${JSON.stringify(generated.jwk)}\n`), generated.kid);
    const publicJwk = createPublicKey(SIMPLEJWT_RSA_PUBLIC_KEY).export({ format: 'jwk' });
    assert.equal(thumbprintOfKeyText(` ${JSON.stringify(publicJwk)} `), rsaThumbprint);
  });

  test('refuses an "oct" JWK: an HMAC secret has no thumbprint', () => {
    const secret = generateSigningKey('HS256');
    assert.throws(() => thumbprintOfKeyText(JSON.stringify(secret.jwk)), {
      name: 'TypeError',
      message: 'an HMAC secret ("oct" JWK) has no thumbprint; it needs an explicit kid',
    });
  });

  test('refuses text that is no key: node:crypto\'s own error', () => {
    assert.throws(() => thumbprintOfKeyText('not a key'), (error: unknown) => error instanceof Error && 'code' in error);
  });
});
