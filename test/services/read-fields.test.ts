import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFields } from '../../src/services/read-fields.js';
import { ValidationError } from '../../src/errors.js';

function fieldErrors(body: unknown, fields: string[]): Record<string, unknown> {
  try {
    readFields(body, fields);
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.status, 400);
    return error.body;
  }
  assert.fail('expected a ValidationError');
}

test('readFields reports every missing field together, in field order', () => {
  const body = fieldErrors({}, ['username', 'password']);
  assert.deepEqual(body, { username: ['This field is required.'], password: ['This field is required.'] });
  assert.deepEqual(Object.keys(body), ['username', 'password']);
});

test('readFields uses DRF CharField messages for blank, null and non-string values', () => {
  assert.deepEqual(fieldErrors({ refresh: '' }, ['refresh']), { refresh: ['This field may not be blank.'] });
  assert.deepEqual(fieldErrors({ refresh: '   \t' }, ['refresh']), { refresh: ['This field may not be blank.'] });
  assert.deepEqual(fieldErrors({ refresh: null }, ['refresh']), { refresh: ['This field may not be null.'] });
  assert.deepEqual(fieldErrors({ refresh: {} }, ['refresh']), { refresh: ['Not a valid string.'] });
  assert.deepEqual(fieldErrors({ refresh: ['a'] }, ['refresh']), { refresh: ['Not a valid string.'] });
  assert.deepEqual(fieldErrors({ refresh: true }, ['refresh']), { refresh: ['Not a valid string.'] });
});

test('readFields trims strings, accepts numbers as their string form and drops unknown keys', () => {
  assert.deepEqual(readFields({ username: '  alice ', password: 1234, extra: 'x' }, ['username', 'password']), {
    username: 'alice',
    password: '1234',
  });
});

test('readFields treats an absent body as an empty object', () => {
  assert.deepEqual(fieldErrors(undefined, ['token']), { token: ['This field is required.'] });
});

test('readFields refuses a JSON "" body as a str and a JSON null body with "No data provided"', () => {
  assert.deepEqual(fieldErrors('', ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] });
  assert.deepEqual(fieldErrors(null, ['token']), { non_field_errors: ['No data provided'] });
  assert.deepEqual(fieldErrors(1.5, ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got float.'] });
});

test('readFields strips Python\'s str.strip() whitespace, not JavaScript\'s trim() set', () => {
  const python = '\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000';
  assert.deepEqual(readFields({ token: `${python}abc${python}` }, ['token']), { token: 'abc' });
  assert.deepEqual(readFields({ token: '\ufeffabc\ufeff', password: ' \x85pw\x1f ' }, ['token', 'password']), {
    token: '\ufeffabc\ufeff',
    password: 'pw',
  });
  assert.deepEqual(fieldErrors({ token: '\x1c\x85\u3000' }, ['token']), { token: ['This field may not be blank.'] });
  assert.deepEqual(readFields({ token: '\ufeff' }, ['token']), { token: '\ufeff' });
});

test('readFields refuses NUL characters after trimming, with DRF\'s message', () => {
  assert.deepEqual(fieldErrors({ username: 'al\0ice', password: ' \0 ' }, ['username', 'password']), {
    username: ['Null characters are not allowed.'],
    password: ['Null characters are not allowed.'],
  });
});

test('readFields refuses an unpaired surrogate with its code point and accepts a pair', () => {
  assert.deepEqual(fieldErrors({ refresh: 'a\ud800b' }, ['refresh']), { refresh: ['Surrogate characters are not allowed: U+D800.'] });
  assert.deepEqual(fieldErrors({ refresh: '\ud83d\ude00\udfff\ud800' }, ['refresh']), {
    refresh: ['Surrogate characters are not allowed: U+DFFF.'],
  });
  assert.deepEqual(fieldErrors({ refresh: 'x\ud83d' }, ['refresh']), { refresh: ['Surrogate characters are not allowed: U+D83D.'] });
  assert.deepEqual(readFields({ refresh: '\ud83d\ude00' }, ['refresh']), { refresh: '\ud83d\ude00' });
});

test('readFields reports a NUL and a surrogate in one field together, as DRF runs every validator', () => {
  assert.deepEqual(fieldErrors({ token: '\0\udc00' }, ['token']), {
    token: ['Null characters are not allowed.', 'Surrogate characters are not allowed: U+DC00.'],
  });
});

test('readFields refuses a body that is not an object with the Python type name', () => {
  assert.deepEqual(fieldErrors(['a'], ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  assert.deepEqual(fieldErrors('abc', ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] });
  assert.deepEqual(fieldErrors(3, ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got int.'] });
  assert.deepEqual(fieldErrors(true, ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got bool.'] });
});

test('readFields treats a key holding undefined, or a value only inherited, as missing', () => {
  assert.deepEqual(fieldErrors({ token: undefined }, ['token']), { token: ['This field is required.'] });
  assert.deepEqual(fieldErrors(Object.create({ token: 'inherited' }), ['token']), { token: ['This field is required.'] });
});

test('readFields refuses a number without a finite value (NaN, Infinity) as not a valid string', () => {
  for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    assert.deepEqual(fieldErrors({ token: value }, ['token']), { token: ['Not a valid string.'] }, String(value));
  }
  assert.deepEqual(readFields({ token: -1.5 }, ['token']), { token: '-1.5' });
});

test('readFields pairs only a high surrogate (D800-DBFF) with a low one (DC00-DFFF), bounds included', () => {
  for (const pair of ['\ud800\udc00', '\udbff\udfff', '\udbff\udc00', '\ud800\udfff']) {
    assert.deepEqual(readFields({ token: `a${pair}b` }, ['token']), { token: `a${pair}b` }, escape(pair));
  }
  // Two low surrogates, a high one before a character past DFFF, and a low one before a high one are no pairs.
  assert.deepEqual(fieldErrors({ token: '\udc00\udc01' }, ['token']), { token: ['Surrogate characters are not allowed: U+DC00.'] });
  assert.deepEqual(fieldErrors({ token: '\ud800\ue000' }, ['token']), { token: ['Surrogate characters are not allowed: U+D800.'] });
  assert.deepEqual(fieldErrors({ token: '\udfff\ud800' }, ['token']), { token: ['Surrogate characters are not allowed: U+DFFF.'] });
});

test('readFields names a body JSON cannot carry (a bigint, a function) NoneType, the fallback of its type names', () => {
  assert.deepEqual(fieldErrors(5n, ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got NoneType.'] });
  assert.deepEqual(fieldErrors(() => undefined, ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got NoneType.'] });
});
