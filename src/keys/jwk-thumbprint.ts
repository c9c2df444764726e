import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** The members RFC 7638 §3.2 hashes for each key type, in lexicographic order. */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
};

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of an asymmetric key: the default `kid` of a
 * key in `signingKeys`. A private key's thumbprint is its public key's, so both ends of a pair
 * agree. HMAC secrets have none: hashing a secret into a public `kid` would leak a check value.
 *
 * @example
 * const { publicKey } = generateKeyPairSync('ed25519');
 * jwkThumbprint(publicKey); // e.g. 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
 */
export function jwkThumbprint(key: KeyObject): string {
  if (key.type === 'secret') throw new TypeError('jwkThumbprint: an HMAC secret has no thumbprint; give it an explicit kid');
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const members = REQUIRED_MEMBERS[String(jwk.kty)];
  if (members === undefined) throw new TypeError(`jwkThumbprint: unsupported key type ${String(jwk.kty)}`);
  // §3.3: the required members only, sorted, no whitespace; every value here is a string.
  const canonical = `{${members.map((name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name])}`).join(',')}}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

