import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBackendError } from '../../src/backend/token-backend.js';

describe('TokenBackendError', () => {
  it('carries its reason, Simple JWT\'s message for it, and the detail when given', () => {
    const expired = new TokenBackendError('expired', 'signature has expired');
    assert.equal(expired.reason, 'expired');
    assert.equal(expired.message, 'Token is expired');
    assert.equal(expired.detail, 'signature has expired');
    const invalid = new TokenBackendError('invalid');
    assert.equal(invalid.reason, 'invalid');
    assert.equal(invalid.message, 'Token is invalid');
    assert.equal(invalid.detail, undefined);
    assert.ok(invalid instanceof Error);
  });

  it('is named TokenBackendError, as logs and stack traces show it', () => {
    const error = new TokenBackendError('invalid', 'x');
    assert.equal(error.name, 'TokenBackendError');
    assert.equal(String(error), 'TokenBackendError: Token is invalid');
  });
});
