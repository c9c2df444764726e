import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideReplay } from '../../src/families/reuse-policy.js';
import type { ConsumedToken } from '../../src/families/family-store.js';

const ROTATED_AT = new Date('2026-12-01T12:00:00.000Z');
/** A token rotated at ROTATED_AT, whose successor is the family's newest token. */
const consumed: ConsumedToken = {
  familyId: 'f1',
  userId: '7',
  familyCreatedAt: new Date('2026-12-01T11:00:00.000Z'),
  revoked: false,
  rotatedAt: ROTATED_AT,
  successorToken: 'successor.jwt',
  successorRotated: false,
};
const after = (ms: number) => new Date(ROTATED_AT.getTime() + ms);

describe('decideReplay', () => {
  test('a replay of the newest token\'s predecessor within the grace window is a retry', () => {
    assert.equal(decideReplay(consumed, after(0), 10), 'retry');
    assert.equal(decideReplay(consumed, after(9_999), 10), 'retry');
  });

  test('the grace window is in seconds and ends at rotation + graceSeconds, exclusive', () => {
    assert.equal(decideReplay(consumed, after(10_000), 10), 'revoke');
    assert.equal(decideReplay(consumed, after(1_500), 1), 'revoke');
    assert.equal(decideReplay(consumed, after(999), 1), 'retry');
  });

  test('with graceSeconds 0 every replay is reuse', () => {
    assert.equal(decideReplay(consumed, after(0), 0), 'revoke');
  });

  test('a replay of an older generation (the successor rotated too) is reuse, even within the window', () => {
    assert.equal(decideReplay({ ...consumed, successorRotated: true }, after(1_000), 10), 'revoke');
  });

  test('without a recorded successor there is nothing to retry with: reuse', () => {
    assert.equal(decideReplay({ ...consumed, successorToken: null }, after(1_000), 10), 'revoke');
  });

  test('a token of a revoked family, or blacklisted without a rotation (a log out), is only refused', () => {
    assert.equal(decideReplay({ ...consumed, revoked: true }, after(1_000), 10), 'refuse');
    assert.equal(decideReplay({ ...consumed, revoked: true }, after(60_000), 10), 'refuse');
    assert.equal(decideReplay({ ...consumed, rotatedAt: null, successorToken: null }, after(1_000), 10), 'refuse');
  });
});
