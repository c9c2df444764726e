import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Algorithm } from '../settings.js';
import type { JsonWebKeyInput } from './key-set.js';
import { jwkThumbprint } from './jwk-thumbprint.js';

/** A freshly generated key, in the forms `signingKeys` takes. */
export interface GeneratedSigningKey {
  readonly algorithm: Algorithm;
  /** RFC 7638 thumbprint for asymmetric keys; a random id for an HMAC secret. */
  readonly kid: string;
  /** PKCS#8 PEM of the private key, or the HMAC secret as base64url text. */
  readonly pem: string;
  /** The private JWK (with `kid`, `alg`, `use`), or the `oct` JWK of the secret. */
  readonly jwk: JsonWebKeyInput & { readonly kid: string; readonly alg: Algorithm; readonly use: 'sig' };
}

/** The curve or key type each asymmetric algorithm signs with (RFC 7518 §3.3-§3.5, RFC 8037). */
function generatePair(algorithm: Algorithm): KeyObject {
  if (algorithm.startsWith('RS') || algorithm.startsWith('PS')) {
    // A plain RSA key (not rsa-pss): it serves RS* and PS* and has a JWK form to publish.
    return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }
  if (algorithm === 'ES256') return generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  if (algorithm === 'ES384') return generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;
  if (algorithm === 'ES512') return generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).privateKey;
  return generateKeyPairSync('ed25519').privateKey;
}

/**
 * Generates a signing key for `algorithm`: an Ed25519, P-256/384/521 or 2048-bit RSA private key,
 * or, for HS*, a random secret as long as the hash output (RFC 7518 §3.2) with a random `kid`.
 *
 * @example
 * const key = generateSigningKey('ES256');
 * createSimpleJwt({ algorithm: 'ES256', signingKeys: [key.pem], ... }); // kid: key.kid
 */
export function generateSigningKey(algorithm: Algorithm): GeneratedSigningKey {
  if (algorithm.startsWith('HS')) {
    const secret = randomBytes(Number(algorithm.slice(2)) / 8).toString('base64url');
    const kid = randomBytes(12).toString('base64url');
    // The secret is used as the text it is (its UTF-8 bytes), as a SIGNING_KEY string is.
    const k = Buffer.from(secret, 'utf8').toString('base64url');
    return Object.freeze({ algorithm, kid, pem: secret, jwk: { kty: 'oct', k, kid, alg: algorithm, use: 'sig' as const } });
  }
  const privateKey = generatePair(algorithm);
  const kid = jwkThumbprint(privateKey);
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const exported = privateKey.export({ format: 'jwk' });
  const jwk = { ...exported, kty: String(exported.kty), kid, alg: algorithm, use: 'sig' as const };
  return Object.freeze({ algorithm, kid, pem, jwk });
}

/**
 * The RFC 7638 thumbprint of a key given as PEM (private or public) or JWK text.
 *
 * @example
 * thumbprintOfKeyText(readFileSync('signing-key.pem', 'utf8')); // 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'
 */
export function thumbprintOfKeyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as JsonWebKey;
    if (jwk.kty === 'oct') throw new TypeError('an HMAC secret ("oct" JWK) has no thumbprint; it needs an explicit kid');
    return jwkThumbprint(createPublicKey({ key: jwk, format: 'jwk' }));
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(trimmed);
  } catch {
    key = createPublicKey(trimmed);
  }
  return jwkThumbprint(key);
}
