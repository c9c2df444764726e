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

test('readFields treats an empty body as an empty object', () => {
  assert.deepEqual(fieldErrors(undefined, ['token']), { token: ['This field is required.'] });
  assert.deepEqual(fieldErrors('', ['token']), { token: ['This field is required.'] });
});

test('readFields refuses a body that is not an object with the Python type name', () => {
  assert.deepEqual(fieldErrors(['a'], ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  assert.deepEqual(fieldErrors('abc', ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] });
  assert.deepEqual(fieldErrors(3, ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got int.'] });
  assert.deepEqual(fieldErrors(true, ['token']), { non_field_errors: ['Invalid data. Expected a dictionary, but got bool.'] });
});
