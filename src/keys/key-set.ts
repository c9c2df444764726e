import type { KeyObject } from 'node:crypto';
import type { Algorithm, KeyInput } from '../settings.js';

/**
 * One entry of `signingKeys`: a key (PEM, JWK object, `KeyObject`, or an HMAC secret) with an
 * optional `kid` and `algorithm`. An asymmetric key's `kid` defaults to its RFC 7638 thumbprint;
 * an HMAC secret has no public form to hash, so it needs an explicit `kid`. The `algorithm`
 * defaults to the `algorithm` setting (one per key lets a rotation change the algorithm too).
 *
 * @example
 * const entry: SigningKeyEntry = { key: process.env.OLD_SECRET!, kid: '2025-01', algorithm: 'HS256' };
 */
export interface SigningKeyEntry {
  readonly key: KeyInput | JsonWebKeyInput;
  readonly kid?: string;
  readonly algorithm?: Algorithm;
}

/** A JWK (RFC 7517) given as an object, e.g. the output of `koa-simple-jwt generate-key --format jwk`. */
export interface JsonWebKeyInput {
  readonly kty: string;
  readonly [member: string]: unknown;
}

/** What `signingKeys` takes: a bare key (asymmetric: its thumbprint is the kid) or an entry. */
export type SigningKeyInput = KeyInput | SigningKeyEntry;

/** One key after validation: built once at startup. */
export interface ResolvedKey {
  /** The `kid` it carries (undefined only for the HMAC secret of the single-key `signingKey` setting). */
  readonly kid: string | undefined;
  readonly algorithm: Algorithm;
  /** The secret or the private key; undefined for a verify-only (public) key. */
  readonly signingKey: KeyObject | undefined;
  /** The secret (HS*) or the public key. */
  readonly verifyingKey: KeyObject;
}

/**
 * The keys of one issuer: the port the backend signs and verifies with and the JWK Set route
 * publishes. Plain data, frozen.
 */
export interface KeySet {
  /** The key that signs (the first entry, when it has a secret or private key). */
  readonly signer: ResolvedKey | undefined;
  /** Every key, in the configured order; all of them verify. */
  readonly keys: readonly ResolvedKey[];
  /** The algorithms of `keys`: a token's `alg` must be one of them (RFC 8725 §3.1). */
  readonly algorithms: ReadonlySet<string>;
  /** Keys by `kid`. */
  readonly byKid: ReadonlyMap<string, ResolvedKey>;
  /** Keys by algorithm, for tokens without `kid`. */
  readonly byAlgorithm: ReadonlyMap<string, readonly ResolvedKey[]>;
  /** Whether issued tokens carry the signer's `kid` header. */
  readonly kidHeader: boolean;
  /**
   * Whether a token's `kid` must name one of `keys`. False for the single-key settings
   * (`signingKey`), where Simple JWT ignores `kid`; true for `signingKeys`.
   */
  readonly strictKid: boolean;
}
