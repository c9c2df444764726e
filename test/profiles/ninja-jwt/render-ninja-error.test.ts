import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidateError } from '@tsoa/runtime';
import { renderNinjaError } from '../../../src/profiles/ninja-jwt/render-ninja-error.js';
import { parseNinjaBearer } from '../../../src/profiles/ninja-jwt/authenticate-ninja-request.js';
import { readNinjaCredentials, readNinjaToken } from '../../../src/profiles/ninja-jwt/read-ninja-fields.js';
import { NINJA_TOKEN_INPUTS } from '../../../src/profiles/ninja-jwt/ninja-jwt-profile.js';
import {
  AccountError,
  AuthenticationError,
  ExpiredTokenError,
  InternalError,
  NotAuthenticatedError,
  ServiceUnavailableError,
  ThrottledError,
  TokenError,
  ValidationError,
} from '../../../src/index.js';
import { MethodNotAllowedError, ParseError } from '../../../src/errors.js';
import { ninjaInvalidInput, ninjaSchemaError } from '../../../src/profiles/ninja-jwt/ninja-jwt-error.js';

const render = (error: unknown) => {
  const rendered = renderNinjaError(error, 'POST');
  return { status: rendered.status, body: rendered.body, challenge: rendered.challenge, headers: rendered.headers };
};

test('renderNinjaError words PyJWT failures as one message and keeps the other token messages', () => {
  assert.deepEqual(render(new ExpiredTokenError()).body, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
  assert.deepEqual(render(new TokenError('Token is invalid')).body, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
  assert.deepEqual(render(new TokenError('Token is blacklisted')), { status: 401, body: { detail: 'Token is blacklisted', code: 'token_not_valid' }, challenge: false, headers: {} });
});

test('renderNinjaError gives credentials and user failures django-ninja-extra\'s authentication_failed', () => {
  assert.deepEqual(render(new AccountError('no_active_account', 'No active account found with the given credentials')).body, {
    detail: 'No active account found with the given credentials',
    code: 'authentication_failed',
  });
  assert.deepEqual(render(new AuthenticationError('user_not_found', 'User not found')).body, { detail: 'User not found', code: 'authentication_failed' });
  assert.deepEqual(render(new AuthenticationError('user_inactive', 'User is inactive')).body, { detail: 'User is inactive', code: 'authentication_failed' });
  assert.deepEqual(render(new AuthenticationError('token_not_valid', 'Given token not valid for any token type', [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is expired' }])).body, {
    detail: 'Given token not valid for any token type',
    code: 'token_not_valid',
    messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid or expired' }],
  });
  assert.deepEqual(render(new NotAuthenticatedError()), { status: 401, body: { detail: 'Unauthorized' }, challenge: false, headers: {} });
});

test('renderNinjaError renders verify\'s blacklist answer, parse errors, 405, and keeps 5xx bodies generic', () => {
  assert.deepEqual(render(new ValidationError({ non_field_errors: ['Token is blacklisted'] })), { status: 400, body: { detail: 'Token is blacklisted', code: 'invalid' }, challenge: false, headers: {} });
  assert.deepEqual(render(new ParseError('Unexpected token')).body, { detail: 'Cannot parse request body' });
  assert.deepEqual(render(new MethodNotAllowedError('GET', ['POST'])), { status: 405, body: { detail: 'Method not allowed' }, challenge: false, headers: { Allow: 'POST' } });
  assert.deepEqual(render(new ServiceUnavailableError(new Error('ECONNREFUSED'))).body, { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' });
  const bug = render(new Error('secret detail'));
  assert.deepEqual([bug.status, bug.body], [500, { detail: 'A server error occurred.', code: 'server_error' }]);
  assert.equal(render(new InternalError()).status, 500);
  assert.equal(render(new ValidateError({}, 'x')).status, 400);
});

test('parseNinjaBearer reads the header as django-ninja\'s HttpBearer does', () => {
  assert.equal(parseNinjaBearer(undefined), null);
  assert.equal(parseNinjaBearer(''), null);
  assert.equal(parseNinjaBearer('Basic abc'), null);
  assert.equal(parseNinjaBearer(' Bearer abc'), null, 'a leading space makes the first part empty');
  assert.equal(parseNinjaBearer('bEaReR abc'), 'abc');
  assert.equal(parseNinjaBearer('Bearer'), '');
  assert.equal(parseNinjaBearer('Bearer a  b'), 'a  b');
});

test('readNinjaCredentials and readNinjaToken follow Ninja JWT\'s order: presence, falsy values, then types', () => {
  assert.throws(() => readNinjaCredentials({ username: null }, 'username'), (error: { body: unknown }) => {
    assert.deepEqual(error.body, { detail: 'Invalid input.', code: 'invalid', username: 'username is required' });
    return true;
  });
  assert.throws(() => readNinjaCredentials({}, 'email'), (error: { body: unknown }) => {
    assert.deepEqual(error.body, { detail: 'Invalid input.', code: 'invalid', email: 'email is required', password: 'password is required' });
    return true;
  });
  assert.deepEqual(readNinjaCredentials({ email: ' a@b.c ', password: ' p ', extra: 1 }, 'email'), { username: ' a@b.c ', password: ' p ' });
  assert.throws(() => readNinjaToken({ refresh: [] }, NINJA_TOKEN_INPUTS.blacklist), (error: { body: unknown; status: number }) => {
    assert.deepEqual([error.status, error.body], [400, { detail: 'Invalid input.', code: 'invalid', refresh: 'refresh token is required' }]);
    return true;
  });
  assert.throws(() => readNinjaToken({ refresh: { a: 1 } }, NINJA_TOKEN_INPUTS.blacklist), (error: unknown) => error instanceof TokenError);
  assert.throws(() => readNinjaToken('x', NINJA_TOKEN_INPUTS.verify), (error: { body: unknown; status: number }) => {
    assert.deepEqual([error.status, error.body], [422, { detail: [{ type: 'missing', loc: ['body', 'token', 'token'], msg: 'Field required' }] }]);
    return true;
  });
  assert.deepEqual(readNinjaToken({ token: 'abc', other: 1 }, NINJA_TOKEN_INPUTS.slidingRefresh), { token: 'abc' });
});

test('renderNinjaError returns an error already in Ninja JWT\'s shape (its input rules\' 400 and 422) as it is', () => {
  const invalidInput = ninjaInvalidInput({ refresh: 'refresh token is required' });
  assert.equal(renderNinjaError(invalidInput, 'POST'), invalidInput);
  const schema = ninjaSchemaError([{ type: 'missing', loc: ['body', 'token'], msg: 'Field required' }]);
  assert.equal(renderNinjaError(schema, 'POST'), schema);
});

test('renderNinjaError words every no_active_account (the refresh one too) as Ninja\'s one text, and keeps a password change\'s own message and code', () => {
  assert.deepEqual(render(new AccountError('no_active_account', 'No active account found for the given token.')).body, {
    detail: 'No active account found with the given credentials',
    code: 'authentication_failed',
  });
  assert.deepEqual(render(new AccountError('password_changed', 'The user\'s password has been changed.')), {
    status: 401,
    body: { detail: 'The user\'s password has been changed.', code: 'password_changed' },
    challenge: false,
    headers: {},
  });
});

test('renderNinjaError gives verify\'s blacklist answer the code "invalid" on the error too', () => {
  const rendered = renderNinjaError(new ValidationError({ non_field_errors: ['Token is blacklisted'] }), 'POST');
  assert.equal(rendered.code, 'invalid');
});

test('renderNinjaError keeps the methods a 405 allows', () => {
  assert.deepEqual(render(new MethodNotAllowedError('DELETE', ['GET', 'OPTIONS'])).headers, { Allow: 'GET, OPTIONS' });
});

test('renderNinjaError keeps the headers and status of what it passes through (429 with Retry-After)', () => {
  assert.deepEqual(render(new ThrottledError(5)), {
    status: 429,
    body: { detail: 'Request was throttled. Expected available in 5 seconds.' },
    challenge: false,
    headers: { 'Retry-After': '5' },
  });
});

test('renderNinjaError keeps the original error as the cause, for the app\'s error event on a 5xx', () => {
  const bug = new Error('secret detail');
  assert.equal(renderNinjaError(bug, 'POST').cause, bug);
  const outage = new Error('ECONNREFUSED');
  assert.equal(renderNinjaError(new ServiceUnavailableError(outage), 'POST').cause, outage);
  const throttled = new ThrottledError(5);
  assert.equal(renderNinjaError(throttled, 'POST').cause, throttled, 'an error without a cause is its own');
});
