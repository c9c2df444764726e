import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STORABLE_EPOCH_SECONDS, isStorableEpoch, isStorableJti } from '../../src/tokens/storable-claims.js';

test('MAX_STORABLE_EPOCH_SECONDS is Python\'s datetime.max, 9999-12-31T23:59:59Z', () => {
  assert.equal(MAX_STORABLE_EPOCH_SECONDS, Date.UTC(9999, 11, 31, 23, 59, 59) / 1000);
});

test('isStorableJti takes up to 255 characters, and counts code points, not UTF-16 units', () => {
  assert.equal(isStorableJti(''), true);
  assert.equal(isStorableJti('5f0c8a1b'), true);
  assert.equal(isStorableJti('a'.repeat(255)), true);
  assert.equal(isStorableJti('a'.repeat(256)), false);
  // 255 emoji are 510 UTF-16 units but 255 characters of Django's varchar(255).
  assert.equal(isStorableJti('\u{1F600}'.repeat(255)), true);
  assert.equal(isStorableJti('\u{1F600}'.repeat(256)), false);
});

test('isStorableJti refuses a NUL anywhere and a lone surrogate, and keeps a paired one', () => {
  assert.equal(isStorableJti('a\u0000'), false);
  assert.equal(isStorableJti('\u0000a'), false);
  assert.equal(isStorableJti('a\uD800'), false);
  assert.equal(isStorableJti('\uDC00a'), false);
  assert.equal(isStorableJti('a\uD83D\uDE00'), true);
});

test('isStorableEpoch takes instants up to datetime.max and NaN (left to the claim checks), nothing later', () => {
  assert.equal(isStorableEpoch(0), true);
  assert.equal(isStorableEpoch(-1), true);
  assert.equal(isStorableEpoch(MAX_STORABLE_EPOCH_SECONDS), true);
  assert.equal(isStorableEpoch(MAX_STORABLE_EPOCH_SECONDS + 1), false);
  assert.equal(isStorableEpoch(1e308), false);
  assert.equal(isStorableEpoch(Infinity), false);
  assert.equal(isStorableEpoch(NaN), true);
});
