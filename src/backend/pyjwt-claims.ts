import { TokenBackendError, type Claims } from './token-backend.js';

/** What the registered-claim checks compare against. */
export interface ClaimRules {
  /** Seconds since the epoch, fractions kept (PyJWT compares with a float timestamp). */
  readonly now: number;
  /** Seconds of clock skew tolerated on `iat`, `nbf` and `exp` (RFC 7519 §4.1.4-§4.1.5 "small leeway"). */
  readonly leeway: number;
  /** Accepted audiences; when undefined an `aud` in the token is not looked at. */
  readonly audience: readonly string[] | undefined;
  /** Required issuer; when undefined `iss` is not looked at. */
  readonly issuer: string | undefined;
}

function invalid(detail: string): TokenBackendError {
  return new TokenBackendError('invalid', detail);
}

/**
 * A JSON number, finite. PyJWT runs `int()` on time claims; in JSON that admits numbers (and, by
 * accident of Python, numeric strings and booleans, which then break its comparisons). We accept
 * JSON numbers only: RFC 7519 §2 defines NumericDate as a JSON numeric value.
 */
function numericDate(payload: Claims, name: string): number {
  const value = payload[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(`${name} claim is not a NumericDate`);
  }
  return value;
}

/**
 * Applies the registered-claim rules Simple JWT inherits from PyJWT (>= 2.10), in PyJWT's order:
 * `iat`, `nbf`, `exp`, `iss`, `aud`, `sub`, `jti`. The order matters only for which error wins:
 * a token both not yet valid and expired is invalid; an expired token with a wrong issuer is expired.
 * A token without `exp` passes here (the Token layer reports "Token has no 'exp' claim").
 *
 * Throws `TokenBackendError('expired')` or `TokenBackendError('invalid')` with the reason in `detail`.
 *
 * @example
 * checkPyJwtClaims({ exp: 1000 }, { now: 1000, leeway: 0, audience: undefined, issuer: undefined });
 * // throws TokenBackendError('expired'): exp <= now - leeway
 */
export function checkPyJwtClaims(payload: Claims, rules: ClaimRules): void {
  const { now, leeway } = rules;

  // RFC 7519 §4.1.6. PyJWT >= 2.6 also refuses an iat in the future (beyond leeway).
  if (Object.hasOwn(payload, 'iat')) {
    const iat = numericDate(payload, 'iat');
    if (iat > now + leeway) throw invalid('the token is not yet valid (iat)');
  }

  // RFC 7519 §4.1.5: MUST NOT be accepted before nbf. PyJWT truncates to an integer first.
  if (Object.hasOwn(payload, 'nbf')) {
    const nbf = Math.trunc(numericDate(payload, 'nbf'));
    if (nbf > now + leeway) throw invalid('the token is not yet valid (nbf)');
  }

  // RFC 7519 §4.1.4: MUST NOT be accepted on or after exp; hence `<=`, not `<`.
  if (Object.hasOwn(payload, 'exp')) {
    const exp = Math.trunc(numericDate(payload, 'exp'));
    if (exp <= now - leeway) throw new TokenBackendError('expired', 'signature has expired');
  }

  // RFC 7519 §4.1.1: iss is a case-sensitive string, compared exactly.
  if (rules.issuer !== undefined) {
    if (!Object.hasOwn(payload, 'iss')) throw invalid('token has no iss claim');
    if (typeof payload.iss !== 'string') throw invalid('iss claim is not a string');
    if (payload.iss !== rules.issuer) throw invalid('invalid issuer');
  }

  // RFC 7519 §4.1.3: the recipient must identify itself with a value in aud, else reject.
  if (rules.audience !== undefined) {
    const aud = payload.aud;
    // PyJWT treats an empty string or empty list like a missing claim.
    if (aud === undefined || aud === null || aud === '' || (Array.isArray(aud) && aud.length === 0)) {
      throw invalid('token has no aud claim');
    }
    const claimed: unknown[] = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (claimed.length === 0 || claimed.some((value) => typeof value !== 'string')) {
      throw invalid('aud claim is not a string or a list of strings');
    }
    if (!rules.audience.some((wanted) => claimed.includes(wanted))) throw invalid('audience does not match');
  }

  // RFC 7519 §4.1.2 and §4.1.7: sub and jti are strings; PyJWT >= 2.10 enforces it.
  if (Object.hasOwn(payload, 'sub') && typeof payload.sub !== 'string') throw invalid('sub claim is not a string');
  if (Object.hasOwn(payload, 'jti') && typeof payload.jti !== 'string') throw invalid('jti claim is not a string');
}
