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
