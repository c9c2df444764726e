import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAuthorizationHeader } from '../../src/authentication/parse-authorization-header.js';
import { AuthenticationError } from '../../src/errors.js';

test('parseAuthorizationHeader returns the token of a well-formed header', () => {
  assert.equal(parseAuthorizationHeader('Bearer abc.def.ghi', ['Bearer']), 'abc.def.ghi');
  assert.equal(parseAuthorizationHeader('  Bearer \t abc  ', ['Bearer']), 'abc');
});

test('parseAuthorizationHeader ignores a missing or empty header and other keywords', () => {
  assert.equal(parseAuthorizationHeader(undefined, ['Bearer']), null);
  assert.equal(parseAuthorizationHeader('', ['Bearer']), null);
  assert.equal(parseAuthorizationHeader('Basic dXNlcjpwYXNz', ['Bearer']), null);
  assert.equal(parseAuthorizationHeader('bearer abc', ['Bearer']), null, 'keywords are case-sensitive');
  assert.equal(parseAuthorizationHeader('Bearer abc', ['JWT']), null);
});

test('parseAuthorizationHeader accepts any configured keyword', () => {
  assert.equal(parseAuthorizationHeader('Bearer abc', ['JWT', 'Bearer']), 'abc');
  assert.equal(parseAuthorizationHeader('JWT abc', ['JWT', 'Bearer']), 'abc');
});

test('parseAuthorizationHeader splits on ASCII whitespace only, as Simple JWT splits the header bytes', () => {
  // Python: b'Bearer abc\xa0def'.split() == [b'Bearer', b'abc\xa0def']; the token then fails to decode.
  assert.equal(parseAuthorizationHeader('Bearer abc\u00a0def', ['Bearer']), 'abc\u00a0def');
  assert.equal(parseAuthorizationHeader('Bearer\u00a0abc', ['Bearer']), null);
  assert.equal(parseAuthorizationHeader('Bearer\x0babc', ['Bearer']), 'abc');
});

test('parseAuthorizationHeader refuses a keyword with other than two parts', () => {
  for (const header of ['Bearer', 'Bearer one two']) {
    assert.throws(
      () => parseAuthorizationHeader(header, ['Bearer']),
      (error: unknown) =>
        error instanceof AuthenticationError &&
        error.code === 'bad_authorization_header' &&
        JSON.stringify(error.body) ===
          JSON.stringify({ detail: 'Authorization header must contain two space-delimited values', code: 'bad_authorization_header' }),
    );
  }
});

test('parseAuthorizationHeader answers the one-space shortcut exactly as splitting on whitespace would', () => {
  // The reference: Simple JWT's `header.split()` on bytes (ASCII whitespace), then the two-part rule.
  const bySplitting = (header: string): string | null | 'error' => {
    const parts = header.split(/[ \t\n\v\f\r]+/).filter((part) => part !== '');
    if (parts.length === 0 || parts[0] !== 'Bearer') return null;
    return parts.length === 2 ? (parts[1] as string) : 'error';
  };
  const headers = [
    'Bearer abc', 'Bearer  abc', 'Bearer abc ', ' Bearer abc', 'Bearer abc def', 'Bearer abc\tdef', 'Bearer \tabc',
    'Bearer abc\u00a0def', 'Bearer\u00a0abc', 'Bearer abc\ndef', 'Bearer abc\vdef', 'Bearer\fabc', 'Bearer ', 'Bearer', 'Bearerabc', 'Bearerx', 'BearerX abc', 'X Bearer abc',
  ];
  for (const header of headers) {
    let actual: string | null | 'error';
    try {
      actual = parseAuthorizationHeader(header, ['Bearer']);
    } catch (error) {
      assert.ok(error instanceof AuthenticationError);
      actual = 'error';
    }
    assert.equal(actual, bySplitting(header), JSON.stringify(header));
  }
});
