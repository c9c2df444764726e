import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readNinjaCredentials, readNinjaToken } from '../../../src/profiles/ninja-jwt/read-ninja-fields.js';
import { NINJA_TOKEN_INPUTS, type NinjaInput } from '../../../src/profiles/ninja-jwt/ninja-jwt-profile.js';
import { TokenError } from '../../../src/errors.js';

/** The status and body a read refuses with. */
function refusal(read: () => unknown): { status: number; body: unknown } {
  try {
    read();
  } catch (error) {
    const { status, body } = error as { status: number; body: unknown };
    return { status, body };
  }
  assert.fail('expected a refusal');
}

const invalid = (fields: Record<string, string>) => ({ status: 400, body: { detail: 'Invalid input.', code: 'invalid', ...fields } });
const missing = (...loc: string[]) => ({ type: 'missing', loc: ['body', ...loc], msg: 'Field required' });
const notAString = (...loc: string[]) => ({ type: 'string_type', loc: ['body', ...loc], msg: 'Input should be a valid string' });
const FALSY = [undefined, null, false, 0, '', [], {}];

describe('readNinjaToken', () => {
  test('no body at all is the whole parameter missing: 422', () => {
    assert.deepEqual(refusal(() => readNinjaToken(undefined, NINJA_TOKEN_INPUTS.refresh)), { status: 422, body: { detail: [missing('refresh_token')] } });
  });

  test('a body that is not an object (null, an array, a string, a number) misses every field: 422', () => {
    for (const body of [null, ['x'], 'x', 5]) {
      assert.deepEqual(refusal(() => readNinjaToken(body, NINJA_TOKEN_INPUTS.verify)), { status: 422, body: { detail: [missing('token', 'token')] } }, JSON.stringify(body));
    }
  });

  test('a missing or falsy value in Python\'s sense is the endpoint\'s 400 "is required"', () => {
    for (const value of FALSY) {
      assert.deepEqual(refusal(() => readNinjaToken({ refresh: value }, NINJA_TOKEN_INPUTS.blacklist)), invalid({ refresh: 'refresh token is required' }), JSON.stringify(value));
      assert.deepEqual(refusal(() => readNinjaToken({ token: value }, NINJA_TOKEN_INPUTS.slidingRefresh)), invalid({ token: 'token is required' }), JSON.stringify(value));
    }
  });

  test('a field without its own text gets "<field> is required"; the first falsy field is the one reported', () => {
    const input: NinjaInput = { param: 'pair', fields: ['a', 'b'], required: { b: 'b please' }, typed: true };
    assert.deepEqual(refusal(() => readNinjaToken({ b: 'x' }, input)), invalid({ a: 'a is required' }));
    assert.deepEqual(refusal(() => readNinjaToken({}, input)), invalid({ a: 'a is required' }));
    assert.deepEqual(refusal(() => readNinjaToken({ a: 'x' }, input)), invalid({ b: 'b please' }));
  });

  test('on a typed input a truthy value that is not a string is pydantic\'s 422, one issue per such field', () => {
    for (const value of [1, true, ['x'], { a: 1 }]) {
      assert.deepEqual(refusal(() => readNinjaToken({ refresh: value }, NINJA_TOKEN_INPUTS.refresh)), { status: 422, body: { detail: [notAString('refresh_token', 'refresh')] } }, JSON.stringify(value));
    }
    const input: NinjaInput = { param: 'pair', fields: ['a', 'b', 'c'], required: {}, typed: true };
    assert.deepEqual(refusal(() => readNinjaToken({ a: 1, b: 'x', c: true }, input)), { status: 422, body: { detail: [notAString('pair', 'a'), notAString('pair', 'c')] } });
  });

  test('on an untyped input (verify, blacklist) a truthy value that is not a string is a token error', () => {
    for (const input of [NINJA_TOKEN_INPUTS.verify, NINJA_TOKEN_INPUTS.blacklist]) {
      const field = input.fields[0] as string;
      for (const value of [1, true, ['x'], { a: 1 }]) {
        assert.throws(() => readNinjaToken({ [field]: value }, input), (error: unknown) => {
          assert.ok(error instanceof TokenError);
          assert.equal(error.message, 'Token is invalid');
          return true;
        });
      }
    }
  });

  test('answers the fields as given, untrimmed, and drops unknown keys', () => {
    assert.deepEqual(readNinjaToken({ refresh: ' a.b.c ', other: 1 }, NINJA_TOKEN_INPUTS.refresh), { refresh: ' a.b.c ' });
    assert.deepEqual(readNinjaToken({ token: 'x' }, NINJA_TOKEN_INPUTS.verify), { token: 'x' });
  });
});

describe('readNinjaCredentials', () => {
  test('no body at all is the obtain parameter missing: 422', () => {
    assert.deepEqual(refusal(() => readNinjaCredentials(undefined, 'username')), { status: 422, body: { detail: [missing('user_token')] } });
  });

  test('a body that is not an object misses the password, then the login field: 422', () => {
    for (const body of [null, [], 'x']) {
      assert.deepEqual(refusal(() => readNinjaCredentials(body, 'email')), { status: 422, body: { detail: [missing('user_token', 'password'), missing('user_token', 'email')] } }, JSON.stringify(body));
    }
  });

  test('both keys absent is one 400 naming both; one absent names only that one', () => {
    assert.deepEqual(refusal(() => readNinjaCredentials({ other: 'x' }, 'email')), invalid({ email: 'email is required', password: 'password is required' }));
    assert.deepEqual(refusal(() => readNinjaCredentials({ password: 'p' }, 'email')), invalid({ email: 'email is required' }));
    assert.deepEqual(refusal(() => readNinjaCredentials({ email: 'a@b.c' }, 'email')), invalid({ password: 'password is required' }));
  });

  test('a falsy login name is reported before a falsy password', () => {
    for (const value of FALSY) {
      assert.deepEqual(refusal(() => readNinjaCredentials({ username: value, password: value }, 'username')), invalid({ username: 'username is required' }), JSON.stringify(value));
      assert.deepEqual(refusal(() => readNinjaCredentials({ username: 'alice', password: value }, 'username')), invalid({ password: 'password is required' }), JSON.stringify(value));
    }
  });

  test('truthy values that are not strings are 422, the password\'s issue first', () => {
    assert.deepEqual(refusal(() => readNinjaCredentials({ username: 1, password: ['p'] }, 'username')), {
      status: 422,
      body: { detail: [notAString('user_token', 'password'), notAString('user_token', 'username')] },
    });
    assert.deepEqual(refusal(() => readNinjaCredentials({ username: 'alice', password: true }, 'username')), { status: 422, body: { detail: [notAString('user_token', 'password')] } });
    assert.deepEqual(refusal(() => readNinjaCredentials({ username: { a: 1 }, password: 'p' }, 'username')), { status: 422, body: { detail: [notAString('user_token', 'username')] } });
  });

  test('a login name over 150 characters, counted in code points, is 422 string_too_long', () => {
    assert.deepEqual(refusal(() => readNinjaCredentials({ username: 'a'.repeat(151), password: 'p' }, 'username')), {
      status: 422,
      body: { detail: [{ type: 'string_too_long', loc: ['body', 'user_token', 'username'], msg: 'String should have at most 150 characters', ctx: { max_length: 150 } }] },
    });
    assert.deepEqual(readNinjaCredentials({ username: 'a'.repeat(150), password: 'p' }, 'username'), { username: 'a'.repeat(150), password: 'p' });
    const emoji = '😀'.repeat(150);
    assert.deepEqual(readNinjaCredentials({ username: emoji, password: 'p' }, 'username'), { username: emoji, password: 'p' });
  });

  test('a long login name and a password that is not a string: both issues', () => {
    assert.deepEqual(
      (refusal(() => readNinjaCredentials({ username: 'a'.repeat(151), password: 5 }, 'username')).body as { detail: Array<{ type: string }> }).detail.map((issue) => issue.type),
      ['string_type', 'string_too_long'],
    );
  });

  test('answers the login name and password as given, untrimmed, under the configured login field', () => {
    assert.deepEqual(readNinjaCredentials({ email: ' a@b.c ', password: ' p ', username: 'ignored' }, 'email'), { username: ' a@b.c ', password: ' p ' });
  });
});
