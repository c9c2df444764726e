import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readAuthHeaderName, readAuthHeaderTypes } from '../../src/authentication/auth-header-options.js';

test('readAuthHeaderTypes takes one keyword or a non-empty list of keywords without whitespace', () => {
  assert.deepEqual(readAuthHeaderTypes('Bearer'), ['Bearer']);
  assert.deepEqual(readAuthHeaderTypes(['JWT', 'Bearer']), ['JWT', 'Bearer']);
  for (const value of [undefined, null, 42, [], [''], ['Bearer token'], ['JWT', 'Bearer token'], [' Bearer'], ['Bearer\t'], [7], 'Bearer token', '']) {
    assert.equal(readAuthHeaderTypes(value), undefined, JSON.stringify(value));
  }
});

test('readAuthHeaderName keeps a header name as written and turns Django\'s META key into the header name', () => {
  assert.equal(readAuthHeaderName('X-Access-Token'), 'X-Access-Token');
  assert.equal(readAuthHeaderName('authorization'), 'authorization');
  assert.equal(readAuthHeaderName('HTTP_X_ACCESS_TOKEN'), 'x-access-token');
  assert.equal(readAuthHeaderName('HTTP_AUTHORIZATION'), 'authorization');
  assert.equal(readAuthHeaderName('X_HTTP_TOKEN'), 'X_HTTP_TOKEN', 'only a leading HTTP_ is a META key');
  for (const value of [undefined, 5, '', 'Bad Header', 'x-token\n', 'x:token', ' authorization']) {
    assert.equal(readAuthHeaderName(value), undefined, JSON.stringify(value));
  }
});
