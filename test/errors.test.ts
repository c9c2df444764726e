import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionDeniedError } from '../src/errors.js';

test('PermissionDeniedError renders DRF\'s plain {"detail"} body, with no code key', () => {
  const error = new PermissionDeniedError();
  assert.equal(error.status, 403);
  assert.equal(error.code, 'permission_denied', 'the code stays available to callers');
  assert.deepEqual(error.body, { detail: 'You do not have permission to perform this action.' });
});
