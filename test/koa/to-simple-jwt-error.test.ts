import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidateError } from '@tsoa/runtime';
import { toSimpleJwtError } from '../../src/koa/to-simple-jwt-error.js';
import { AuthenticationError, InternalError, MethodNotAllowedError, ParseError, UnsupportedMediaTypeError, ValidationError } from '../../src/errors.js';

const SERVER_ERROR = { detail: 'A server error occurred.', code: 'server_error' };

describe('toSimpleJwtError', () => {
  test('passes our own errors through untouched', () => {
    const ours = new AuthenticationError('token_not_valid', 'Token is invalid');
    assert.equal(toSimpleJwtError(ours, 'GET'), ours);
  });

  test('turns tsoa\'s ValidateError into DRF field errors, keyed without the body prefix', () => {
    const error = toSimpleJwtError(
      new ValidateError(
        {
          'body.password': { message: "'password' is required" },
          'requestBody.username': { message: 'invalid string value' },
          body: { message: 'not an object' },
          requestBody: { message: 'also not an object' },
          'body.extra': { message: 'first' },
          extra: { message: 'second' },
          // Only a leading body/requestBody is tsoa's prefix; the same letters elsewhere are the name.
          antibody: { message: 'a name that contains "body"' },
        },
        'Validation failed',
      ),
      'POST',
    );
    assert.ok(error instanceof ValidationError);
    assert.equal(error.status, 400);
    assert.deepEqual(error.body, {
      password: ["'password' is required"],
      username: ['invalid string value'],
      non_field_errors: ['not an object', 'also not an object'],
      extra: ['first', 'second'],
      antibody: ['a name that contains "body"'],
    });
  });

  test('a body-parser JSON failure becomes DRF\'s parse error with its reason', () => {
    const error = toSimpleJwtError({ status: 400, type: 'entity.parse.failed', message: 'Unexpected token } in JSON' }, 'POST');
    assert.ok(error instanceof ParseError);
    assert.deepEqual(error.body, { detail: 'JSON parse error - Unexpected token } in JSON' });
  });

  test('a 405 becomes DRF\'s method body for the request method, keeping the router\'s Allow list', () => {
    const upper = toSimpleJwtError({ status: 405, headers: { Allow: 'GET, HEAD' } }, 'PUT');
    assert.ok(upper instanceof MethodNotAllowedError);
    assert.deepEqual(upper.body, { detail: 'Method "PUT" not allowed.' });
    assert.deepEqual(upper.headers, { Allow: 'GET, HEAD' });
    assert.deepEqual(toSimpleJwtError({ status: 405, headers: { allow: 'DELETE,PATCH' } }, 'GET').headers, { Allow: 'DELETE, PATCH' });
    assert.deepEqual(toSimpleJwtError({ status: 405 }, 'GET').headers, { Allow: 'POST, OPTIONS' }, 'the token routes\' methods when the router names none');
  });

  test('a 415 becomes DRF\'s media type body', () => {
    const error = toSimpleJwtError({ status: 415, message: 'text/plain' }, 'POST');
    assert.ok(error instanceof UnsupportedMediaTypeError);
    assert.deepEqual(error.body, { detail: 'Unsupported media type "text/plain" in request.' });
  });

  test('anything else is the generic 500, the original kept as the cause only', () => {
    const plain = new Error('secret driver text');
    for (const thrown of [
      plain,
      { status: 400, type: 'entity.too.large', message: 'secret size' },
      { status: 401, message: 'secret 401' },
      { status: '405', message: 'not a number' },
      { status: 500, type: 'entity.parse.failed', message: 'a parse type on a non-400 status' },
      Object.assign(() => undefined, { status: 415, message: 'a function is not an HTTP error' }),
      'a string',
      null,
      undefined,
    ]) {
      const error = toSimpleJwtError(thrown, 'POST');
      assert.ok(error instanceof InternalError, JSON.stringify(thrown));
      assert.equal(error.status, 500);
      assert.deepEqual(error.body, SERVER_ERROR);
      if (thrown !== undefined) assert.equal(error.cause, thrown);
    }
  });
});
