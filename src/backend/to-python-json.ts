/**
 * Every code unit outside ASCII. Python's `json.dumps` (which PyJWT uses with `ensure_ascii` left at
 * its default, `True`) writes each of them as a `\u` escape (`é` as `\u00e9`); `JSON.stringify` writes them raw.
 */
const NON_ASCII = /[\u0080-\uffff]/g;

/**
 * Serialises a claims object exactly as PyJWT does before signing: compact separators and every
 * non-ASCII UTF-16 code unit escaped as a lowercase `\u` escape (`\u00e9`) (astral characters become a surrogate
 * pair of escapes, as in Python). This is what keeps a token for a claim such as `"Zoë"` byte for
 * byte equal to the one Simple JWT issues; the JSON value is the same either way (RFC 8259 §7).
 *
 * Throws what `JSON.stringify` throws (a cycle, a BigInt): a programming error, not a token error.
 *
 * @example
 * toPythonJson({ exp: 946684800, name: 'Zoë' }); // '{"exp":946684800,"name":"Zo\\u00eb"}'
 */
export function toPythonJson(value: Record<string, unknown>): string {
  const json = JSON.stringify(value);
  return json.replace(NON_ASCII, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
