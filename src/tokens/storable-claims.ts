/**
 * What the blacklist tables can hold of a token, checked before any query so that a correctly
 * signed token with an odd value is a 401, not a database error (Simple JWT answers 500 there).
 * The columns are Django's: `jti varchar(255)`, `expires_at timestamptz` written by Python.
 */

/** Characters of Django's `jti` column (`CharField(max_length=255)`: code points, not UTF-16 units). */
const JTI_MAX_LENGTH = 255;

/**
 * The last second Django can write to, and read back from, a `DateTimeField`: Python's
 * `datetime.max` (9999-12-31T23:59:59Z). PostgreSQL would take later instants, but a row a
 * Django service sharing the table cannot read would break it.
 */
export const MAX_STORABLE_EPOCH_SECONDS = 253_402_300_799;

/**
 * Whether `jti` fits Django's column: at most 255 characters, no NUL (PostgreSQL text cannot hold
 * it) and no lone surrogate (UTF-8 cannot encode it; two different ids would be stored alike).
 *
 * @example
 * isStorableJti('5f0c...') // true
 * isStorableJti('a\u0000') // false
 */
export function isStorableJti(jti: string): boolean {
  if (jti.includes('\u0000') || /\p{Cs}/u.test(jti)) return false;
  let length = 0;
  for (const _ of jti) if (++length > JTI_MAX_LENGTH) return false;
  return true;
}

/**
 * Whether an instant in epoch seconds can be written as `expires_at`. NaN passes: a missing or
 * non-numeric claim is reported by the claim checks, with their own message.
 */
export function isStorableEpoch(seconds: number): boolean {
  return Number.isNaN(seconds) || seconds <= MAX_STORABLE_EPOCH_SECONDS;
}
