import type { Algorithm } from '../settings.js';
import type { JwkSet } from '../keys/public-jwk.js';

/** A JWT payload: a JSON object of claims (RFC 7519 §4). */
export type Claims = Record<string, unknown>;

/**
 * Signs and verifies token strings: Simple JWT's `TokenBackend`.
 * Failures are {@link TokenBackendError}s with `reason` `'invalid'` or `'expired'`.
 */
export interface TokenBackend {
  readonly algorithm: Algorithm;
  /** False on a verify-only instance (no signing key): `encode` then throws a SettingsError. */
  readonly canSign: boolean;
  /**
   * The public keys to publish (RFC 7517 §5): every asymmetric key of the set with its `kid`;
   * empty for HMAC-only instances. Never holds a secret or a private parameter.
   */
  readonly jwkSet: JwkSet;
  /** Signs a copy of `payload`, adding `aud`/`iss` when configured. Never mutates `payload`. */
  encode(payload: Claims): string;
  /**
   * Decodes and, unless `verify` is false, verifies signature and registered claims with the
   * PyJWT rules Simple JWT inherits. With `verify: false` nothing is checked.
   */
  decode(token: string, options?: { verify?: boolean }): Promise<Claims>;
}

/** Why the backend refused a token; the Token layer turns it into "Token is invalid" / "Token is expired". */
export class TokenBackendError extends Error {
  readonly reason: 'invalid' | 'expired';
  constructor(reason: 'invalid' | 'expired', detail?: string) {
    super(reason === 'expired' ? 'Token is expired' : 'Token is invalid');
    this.name = 'TokenBackendError';
    this.reason = reason;
    if (detail !== undefined) this.detail = detail;
  }
  /** Internal reason for logs and tests; never sent on the wire. */
  detail?: string;
}
