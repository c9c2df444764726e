import type { ResolvedKey } from './key-set.js';

/** One published key (RFC 7517 §4): public parameters only. */
export interface PublicJwk {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly kid: string;
  readonly alg: string;
  readonly use: 'sig';
  readonly [parameter: string]: string;
}

/** A JWK Set document (RFC 7517 §5). */
export interface JwkSet {
  readonly keys: readonly PublicJwk[];
}

/**
 * The public parameters of each key type (RFC 7518 §6.2.1, §6.3.1; RFC 8037 §2). The JWK is built
 * from this allow-list, never by deleting private members, so no private parameter (`d`, `p`,
 * `q`, `dp`, `dq`, `qi`, `oth`) can be published by a key type we did not foresee.
 */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'],
  EC: ['crv', 'x', 'y'],
  OKP: ['crv', 'x'],
};

/**
 * The JWK a verifier needs for `key`: `kty`, `kid`, `alg`, `use: "sig"` and the public
 * parameters; undefined for an HMAC secret or a key without `kid`, which are never published.
 *
 * @example
 * publicJwk({ kid: 'k1', algorithm: 'EdDSA', signingKey: priv, verifyingKey: pub });
 * // { kty: 'OKP', kid: 'k1', alg: 'EdDSA', use: 'sig', crv: 'Ed25519', x: '...' }
 */
export function publicJwk(key: ResolvedKey): PublicJwk | undefined {
  if (key.kid === undefined || key.verifyingKey.type !== 'public') return undefined;
  let exported: Record<string, unknown>;
  try {
    exported = key.verifyingKey.export({ format: 'jwk' }) as Record<string, unknown>;
  } catch {
    return undefined; // node:crypto has no JWK form for RSA-PSS keys: they are not published
  }
  const kty = exported.kty;
  const members = typeof kty === 'string' ? PUBLIC_MEMBERS[kty] : undefined;
  if (members === undefined) return undefined;
  const jwk: Record<string, string> = { kty: kty as string, kid: key.kid, alg: key.algorithm, use: 'sig' };
  for (const name of members) {
    const value = exported[name];
    if (typeof value === 'string') jwk[name] = value;
  }
  return Object.freeze(jwk) as PublicJwk;
}

/**
 * The JWK Set to publish for a set of keys: every asymmetric key with a `kid`, in the configured
 * order (signing key first), so verifiers can fetch a key before it signs and keep it after.
 *
 * @example
 * const document = jwkSet(keySet.keys); // { keys: [{ kty: 'EC', kid: '...', alg: 'ES256', use: 'sig', crv: 'P-256', x, y }] }
 */
export function jwkSet(keys: readonly ResolvedKey[]): JwkSet {
  const published = keys.map(publicJwk).filter((jwk): jwk is PublicJwk => jwk !== undefined);
  return Object.freeze({ keys: Object.freeze(published) });
}
