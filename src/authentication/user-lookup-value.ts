/**
 * The user-id claim as a user store looks it up, or `undefined` for a value no user can have.
 *
 * Django looks the claim up as the user id field's value: a string or a number (`1`, `1.0`,
 * `"01"` all find user 1 on an integer key). An array, an object or a boolean is no user id:
 * stringified, `["1"]` would read as `"1"` and authenticate user 1 (Django's lookup raises on
 * it, and never authenticates such a token).
 *
 * @example
 * userLookupValue(1)       // '1'
 * userLookupValue('01')    // '01'
 * userLookupValue(['1'])   // undefined
 */
export function userLookupValue(claim: unknown): string | undefined {
  if (typeof claim === 'string') return claim;
  if (typeof claim === 'number' && Number.isFinite(claim)) return String(claim);
  return undefined;
}
