import { sign, verify, type KeyObject } from 'node:crypto';
import type { CompactJws } from './parse-compact-jws.js';

/**
 * The protected header of every EdDSA token we issue, in PyJWT's key order (alg, typ), so that
 * EdDSA tokens have the same shape as the HS/RS/ES/PS ones jsonwebtoken produces.
 */
const HEADER_SEGMENT = eddsaHeaderSegment(undefined);

/**
 * The encoded protected header of an EdDSA token, with `kid` after `alg` and `typ` (where
 * jsonwebtoken puts it for the other algorithms). Built once per key, not per token.
 *
 * @example
 * eddsaHeaderSegment('k1'); // base64url of {"alg":"EdDSA","typ":"JWT","kid":"k1"}
 */
export function eddsaHeaderSegment(kid: string | undefined): string {
  return Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', ...(kid === undefined ? {} : { kid }) })).toString('base64url');
}

/**
 * Signs a claims JSON text with Ed25519 or Ed448 (RFC 8037 §3.1: `alg` "EdDSA", the signature is
 * the raw EdDSA signature over the JWS signing input, with no pre-hash). jsonwebtoken has no
 * EdDSA, so node:crypto does it; the key is a `KeyObject` built once at startup.
 *
 * @example
 * const token = signEdDsa('{"exp":946684800}', ed25519PrivateKey);
 * token.split('.')[0]; // 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9'
 */
export function signEdDsa(payloadJson: string, privateKey: KeyObject, headerSegment: string = HEADER_SEGMENT): string {
  const signingInput = `${headerSegment}.${Buffer.from(payloadJson, 'utf8').toString('base64url')}`;
  // For Ed25519/Ed448 node:crypto takes `null` as the digest: the curve defines its own hashing.
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/**
 * Verifies an already parsed token: `alg` must be exactly "EdDSA" (the allow-list of one, as for
 * the other algorithms; RFC 8725 §3.1) and the signature must verify with `publicKey`. Returns a
 * reason string on failure, `undefined` on success; never throws.
 *
 * @example
 * verifyEdDsa(parseCompactJws(token), ed25519PublicKey); // undefined when valid
 */
export function verifyEdDsa(jws: CompactJws, publicKey: KeyObject): string | undefined {
  if (jws.header.alg !== 'EdDSA') return 'invalid algorithm';
  const type = publicKey.asymmetricKeyType;
  if (type !== 'ed25519' && type !== 'ed448') return `key type ${type ?? 'secret'} cannot verify EdDSA`;
  try {
    const ok = verify(null, Buffer.from(jws.signingInput, 'ascii'), publicKey, jws.signature);
    return ok ? undefined : 'invalid signature';
  } catch {
    return 'invalid signature';
  }
}
