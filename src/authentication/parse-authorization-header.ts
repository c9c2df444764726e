import { AuthenticationError } from '../errors.js';

// Simple JWT splits the header as bytes (`header.encode('iso-8859-1').split()`), so only ASCII
// whitespace separates: space, \t, \n, \v, \f, \r. JavaScript's `\s` would also split on the
// no-break space (\xa0), which a latin-1 header value can hold.
const WHITESPACE = /[ \t\n\v\f\r]/;
const WHITESPACE_RUN = /[ \t\n\v\f\r]+/;

/**
 * Simple JWT's `get_raw_token`: split the header on runs of ASCII whitespace; an empty header or a
 * first part that is not exactly (case-sensitively) one of `headerTypes` means "not ours" (null,
 * which ends as "credentials were not provided"); a recognised keyword with other than exactly two
 * parts is a 401 `bad_authorization_header`.
 *
 * @example
 * parseAuthorizationHeader('Bearer abc.def.ghi', ['Bearer']) // → 'abc.def.ghi'
 */
export function parseAuthorizationHeader(header: string | undefined, headerTypes: readonly string[]): string | null {
  if (header === undefined) return null;
  // The usual shape, `<type> <token>` with one space and no other whitespace, without splitting.
  const space = header.indexOf(' ');
  if (space > 0 && headerTypes.includes(header.slice(0, space))) {
    const rest = header.slice(space + 1);
    if (rest !== '' && !WHITESPACE.test(rest)) return rest;
  }
  const parts = header.split(WHITESPACE_RUN).filter((part) => part !== '');
  if (parts.length === 0) return null;
  if (!headerTypes.includes(parts[0] as string)) return null;
  if (parts.length !== 2) {
    throw new AuthenticationError('bad_authorization_header', 'Authorization header must contain two space-delimited values');
  }
  return parts[1] as string;
}
