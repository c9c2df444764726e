import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { SIGNING_KEY_REQUIRED, asymmetricKeyMismatch, isEmpty, mayOmitSigningKey, resolveKeys } from '../../src/backend/resolve-keys.js';
import { SettingsError } from '../../src/errors.js';
import type { Algorithm, KeyInput } from '../../src/settings.js';
import { HMAC_SECRET_64, SIMPLEJWT_ES256_PRIVATE_KEY, SIMPLEJWT_RSA_PRIVATE_KEY, SIMPLEJWT_RSA_PUBLIC_KEY, generatedPair } from '../support/keys.js';

/** The setting and reason resolveKeys refuses with. */
function refusal(algorithm: Algorithm, signing: KeyInput | undefined, verifying?: KeyInput, options = {}): string {
  try {
    resolveKeys(algorithm, signing, verifying, options);
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    return `${error.setting}: ${error.reason}`;
  }
  assert.fail('expected a SettingsError');
}

describe('isEmpty and mayOmitSigningKey', () => {
  it('isEmpty: nothing, an empty string or empty bytes; never a KeyObject', () => {
    for (const input of [undefined, null, '', Buffer.alloc(0), new Uint8Array(0)]) assert.equal(isEmpty(input), true);
    for (const input of ['k', Buffer.alloc(1), createSecretKey(Buffer.alloc(1))]) assert.equal(isEmpty(input), false);
  });

  it('mayOmitSigningKey: only an asymmetric algorithm with a public key or a JWK Set', () => {
    assert.equal(mayOmitSigningKey('RS256', SIMPLEJWT_RSA_PUBLIC_KEY, false), true);
    assert.equal(mayOmitSigningKey('RS256', undefined, true), true);
    assert.equal(mayOmitSigningKey('RS256', '', false), false);
    assert.equal(mayOmitSigningKey('HS256', 'secret', true), false);
  });
});

describe('resolveKeys', () => {
  it('without a signing key: a verify-only instance with the public key, or none with a JWK Set; else the key is required', () => {
    const verifyOnly = resolveKeys('RS256', undefined, SIMPLEJWT_RSA_PUBLIC_KEY);
    assert.equal(verifyOnly.signingKey, undefined);
    assert.equal(verifyOnly.verifyingKey?.type, 'public');
    assert.deepEqual(resolveKeys('RS256', '', undefined, { jwks: true }), { signingKey: undefined, verifyingKey: undefined });
    assert.equal(refusal('RS256', undefined, undefined), `signingKey: ${SIGNING_KEY_REQUIRED}`);
    assert.match(SIGNING_KEY_REQUIRED, /^a signing key is required \(the HMAC secret, or the PEM private key/);
    assert.equal(refusal('HS256', undefined, 'secret', { jwks: true }), `signingKey: ${SIGNING_KEY_REQUIRED}`);
  });

  it('HMAC: the secret signs and verifies; its message names the algorithm and sizes', () => {
    const keys = resolveKeys('HS256', HMAC_SECRET_64, undefined);
    assert.equal(keys.signingKey, keys.verifyingKey);
    assert.equal(keys.signingKey?.type, 'secret');
    assert.equal(refusal('HS384', 'k'.repeat(47), undefined), 'signingKey: HS384 needs a key of at least 48 bytes (RFC 7518 §3.2); got 47');
    assert.equal(resolveKeys('HS512', 'k', undefined, { enforceKeyLength: false }).signingKey?.symmetricKeySize, 1);
  });

  it('HMAC: refuses what looks like a PEM or SSH key, after leading whitespace, and a non-secret KeyObject', () => {
    const pem = 'signingKey: HS256 needs a secret; the value looks like a PEM or SSH key';
    assert.equal(refusal('HS256', `  \n${SIMPLEJWT_RSA_PUBLIC_KEY.trim()}`, undefined), pem);
    for (const prefix of ['ssh-rsa ', 'ssh-ed25519 ', 'ecdsa-sha2-nistp256 ']) {
      assert.equal(refusal('HS256', `${prefix}${'A'.repeat(64)}`, undefined), pem, prefix);
    }
    assert.equal(refusal('HS256', Buffer.from(`-----BEGIN ${'x'.repeat(64)}`), undefined), pem);
    // Only the start counts: a long secret that merely contains the words is a secret.
    resolveKeys('HS256', `${'k'.repeat(40)}-----BEGIN ssh-rsa`, undefined);
    assert.equal(refusal('HS256', createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY), undefined), 'signingKey: HS256 needs a secret, not a private key');
  });

  it('asymmetric: a private key as PEM string, bytes or KeyObject; the public key derived when not given', () => {
    for (const input of [SIMPLEJWT_RSA_PRIVATE_KEY, Buffer.from(SIMPLEJWT_RSA_PRIVATE_KEY), createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY)]) {
      const keys = resolveKeys('RS256', input, undefined);
      assert.equal(keys.signingKey?.type, 'private');
      assert.equal(keys.verifyingKey?.type, 'public');
    }
    const withBytes = resolveKeys('RS256', SIMPLEJWT_RSA_PRIVATE_KEY, Buffer.from(SIMPLEJWT_RSA_PUBLIC_KEY));
    assert.equal(withBytes.verifyingKey?.type, 'public');
  });

  it('asymmetric: names what is wrong with each key', () => {
    assert.equal(refusal('RS256', 'not a pem', undefined), 'signingKey: RS256 needs a private key in PEM form');
    assert.equal(refusal('RS256', createPublicKey(SIMPLEJWT_RSA_PUBLIC_KEY), undefined), 'signingKey: RS256 needs a private key, got a public key');
    assert.equal(refusal('RS256', SIMPLEJWT_RSA_PRIVATE_KEY, 'nope'), 'verifyingKey: RS256 needs a public key (PEM, or a KeyObject)');
    assert.equal(refusal('RS256', SIMPLEJWT_RSA_PRIVATE_KEY, createSecretKey(Buffer.alloc(32))), 'verifyingKey: RS256 needs a public key (PEM, or a KeyObject)');
    assert.equal(refusal('ES256', SIMPLEJWT_RSA_PRIVATE_KEY, undefined), 'signingKey: not a valid key for ES256: expected an EC key, got rsa');
    assert.equal(refusal('RS256', SIMPLEJWT_ES256_PRIVATE_KEY, undefined), 'signingKey: not a valid key for RS256: expected an RSA key, got ec');
    assert.equal(refusal('RS256', SIMPLEJWT_RSA_PRIVATE_KEY, generatedPair('p384').publicKey), 'verifyingKey: not a valid key for RS256: expected an RSA key, got ec');
  });

  it('asymmetric: refuses a mismatched pair unless checkPair is false; an Ed25519 pair is checked without a digest', () => {
    const ed = generatedPair('ed25519');
    resolveKeys('EdDSA', ed.privateKey, ed.publicKey);
    const other = generateKeyPairSync('ed25519').publicKey;
    assert.equal(refusal('EdDSA', ed.privateKey, other), 'verifyingKey: does not match signingKey: tokens signed here would not verify');
    assert.equal(resolveKeys('EdDSA', ed.privateKey, other, { checkPair: false }).verifyingKey, other);
    const es = generatedPair('p384');
    resolveKeys('ES384', es.privateKey, es.publicKey);
  });
});

/** RSA-PSS public keys (2048 bits) with restrictions, generated once: generating one takes about a second. */
const PSS_SHA256_MGF1_SHA384_SALT32 = `
-----BEGIN PUBLIC KEY-----
MIIBVjBBBgkqhkiG9w0BAQowNKAPMA0GCWCGSAFlAwQCAQUAoRwwGgYJKoZIhvcN
AQEIMA0GCWCGSAFlAwQCAgUAogMCASADggEPADCCAQoCggEBAMr2Ea1l5NVwQU9e
kB3LA6D3tZQNg6MJ5KphWDOaVc0m7ZnmDormDZNR4ppo25Lw/EqXA9z7QZIb7YOY
iPkX2vE9oR/6TM2EQFSOoSVFnGoKvI6bBWCsIgaymsxnHnFNCM+hElOhncP6l+3g
DE1Vh9S2gkJ1uHcljYVedDFAmp/gTNa8mJdZsIFjVf/vgQqHfyp+EZOvwABklq7C
iZqnbEWs4lTG0AMnLlAvDHvVXzcoD50PhCsDsHH0HyQTQ+FnT1gr2/2TtqIiROu1
d61RjaDqc1jH/iuGfrOczu6JodrlGttU5I67DYF0zr74O7FNJY/KCJE1RhcQ3dZu
XedtcPcCAwEAAQ==
-----END PUBLIC KEY-----`;
const PSS_UNRESTRICTED = `
-----BEGIN PUBLIC KEY-----
MIIBIDALBgkqhkiG9w0BAQoDggEPADCCAQoCggEBALpJV3+TEWqbGsD0NIRxZB7G
PpcNlDsW5C7DlWOJ76EeMh1cFVzu2iMffsRchz68sYGKMj9fNtk7CT1aDyuovqXe
jOFq4Hhx2KlUl5qM+qG4z9sD2NjUIPUqD2ANc3jrvgXXaG8c474kpPeZDo5dlrKJ
etcZDodEgtdSyaDjyEdmvG4ajkTrCMs1WjybSM6X5MAUm0ehrQRXLx6TZ5OcjYnK
bjQWHaLu5jZGDwOAvqIb1CCqT1vDkXaeSAeXwPKCJzpTMrZNJSN1DY8do60q8Y/f
3EdY0ubymMyh6P0Fhrjf3WqBUhcjRo/sl+RwDLCC46ZlsImDG4n3iBe03j6ifZsC
AwEAAQ==
-----END PUBLIC KEY-----`;
const PSS_SHA384_MGF1_SHA256 = `
-----BEGIN PUBLIC KEY-----
MIIBVjBBBgkqhkiG9w0BAQowNKAPMA0GCWCGSAFlAwQCAgUAoRwwGgYJKoZIhvcN
AQEIMA0GCWCGSAFlAwQCAQUAogMCASADggEPADCCAQoCggEBAJsaU1bPWTLCkhMn
0iX1CM1CMx+HQd3/o8MwXgE/dAACgaiAvZRA8mRwTEUzL1JRUtbRsrDVFfSqhcTM
0AyBPxWU05hQpRJc6eQP5lCG+QGtgDRvD7mizWckvlNm4HD5oMTieR9rIajlvFMF
0TaMds+JmLnnHwJDqM0n41rtf4uuXyrT9ua05hFny1WgzbiKNqO808njCPCMWZwS
bT25AgNJgLeBja8UouZ8QR3KCDCHTWzaUj0thfgb6GkqnOv1DYHM8QRAZt/ssOi0
Vh1VIzv9CYgPm9zYRT3M8An8vKg48bqseuYkDJkBr8rWQ4kQKxnfsotrbtRUwf3x
n4KUpiUCAwEAAQ==
-----END PUBLIC KEY-----`;
const PSS_SHA256_SALT33 = `
-----BEGIN PUBLIC KEY-----
MIIBVjBBBgkqhkiG9w0BAQowNKAPMA0GCWCGSAFlAwQCAQUAoRwwGgYJKoZIhvcN
AQEIMA0GCWCGSAFlAwQCAQUAogMCASEDggEPADCCAQoCggEBANbj2wieHFEdDqcC
1sZfjhqtXEFERV2jK2rn/88lqJ3dUZNqYEeZwtFNp6f4IBwr2Mvs04Rsae9MkQ0r
xYK/eMOtBI7r/CRk64GyWb5f6qfrvaXu14xmwf6Yx5C7BUzc5wiqHdr/DiT8u+xm
C0FNkMh17CTyszdvcAzi+ZlGtth7OYxfY6rrUxxheOFP8gaqosWa644iHD1eizVI
s5ORdUfcstTScElraabL4WjplkGJ1L6Y6qFpZx1J7uWKYEiFGYXln0IYq8zpvw0Z
7zazgEUHr3NScrA82DMCC0XMPbC4ZeyWqZSWkju1YjkAyySQdkIJMmV8ruuGBJtf
7JvRZCcCAwEAAQ==
-----END PUBLIC KEY-----`;

describe('asymmetricKeyMismatch', () => {

  it('RS takes rsa keys only; PS takes rsa and rsa-pss; both need 2048 bits', () => {
    const rsa = createPublicKey(SIMPLEJWT_RSA_PUBLIC_KEY);
    assert.equal(asymmetricKeyMismatch('RS256', rsa), undefined);
    assert.equal(asymmetricKeyMismatch('PS512', rsa), undefined);
    assert.equal(asymmetricKeyMismatch('RS256', createPublicKey(generatedPair('rsaPss256').publicKey)), 'expected an RSA key, got rsa-pss');
    assert.equal(asymmetricKeyMismatch('RS256', createPublicKey(generatedPair('rsa1024').publicKey)), 'RSA keys must be at least 2048 bits, got 1024');
  });

  it('PS: an RSA-PSS key restricted to another hash, another MGF1 hash, or a longer salt does not fit', () => {
    const sha256 = createPublicKey(generatedPair('rsaPss256').publicKey);
    assert.equal(asymmetricKeyMismatch('PS256', sha256), undefined);
    assert.equal(asymmetricKeyMismatch('PS384', createPublicKey(PSS_UNRESTRICTED)), undefined, 'an RSA-PSS key without restrictions fits every PS algorithm');
    assert.equal(asymmetricKeyMismatch('PS256', createPublicKey(PSS_SHA384_MGF1_SHA256)), 'the RSA-PSS key is restricted to sha384');
    assert.equal(asymmetricKeyMismatch('PS384', sha256), 'the RSA-PSS key is restricted to sha256');
    assert.equal(asymmetricKeyMismatch('PS256', createPublicKey(PSS_SHA256_MGF1_SHA384_SALT32)), 'the RSA-PSS key is restricted to sha256');
    assert.equal(asymmetricKeyMismatch('PS256', createPublicKey(PSS_SHA256_SALT33)), 'the RSA-PSS key demands a longer salt');
  });

  it('ES: an EC key on the algorithm\'s curve; EdDSA: Ed25519 or Ed448; an HMAC algorithm asks nothing of the key', () => {
    const p256 = createPublicKey(createPrivateKey(SIMPLEJWT_ES256_PRIVATE_KEY));
    assert.equal(asymmetricKeyMismatch('ES256', p256), undefined);
    assert.equal(asymmetricKeyMismatch('ES512', p256), 'expected curve secp521r1, got prime256v1');
    assert.equal(asymmetricKeyMismatch('ES256', createPublicKey(generatedPair('ed25519').publicKey)), 'expected an EC key, got ed25519');
    assert.equal(asymmetricKeyMismatch('EdDSA', createPublicKey(generatedPair('ed448').publicKey)), undefined);
    assert.equal(asymmetricKeyMismatch('EdDSA', p256), 'expected an Ed25519 or Ed448 key, got ec');
    assert.equal(asymmetricKeyMismatch('PS256', createSecretKey(Buffer.alloc(32))), 'expected an RSA key, got none');
    assert.equal(asymmetricKeyMismatch('ES256', createSecretKey(Buffer.alloc(32))), 'expected an EC key, got none');
    assert.equal(asymmetricKeyMismatch('EdDSA', createSecretKey(Buffer.alloc(32))), 'expected an Ed25519 or Ed448 key, got none');
    assert.equal(asymmetricKeyMismatch('HS256', p256), undefined);
  });
});
