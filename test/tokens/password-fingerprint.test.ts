import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordFingerprint } from '../../src/tokens/password-fingerprint.js';
import type { AuthUser } from '../../src/stores/user-store.js';

const user = (password?: string | null): AuthUser => ({ id: 1, username: 'u', isActive: true, password: password as string });

test('passwordFingerprint is the upper-case hex MD5 of the stored hash string, as Simple JWT computes it', () => {
  // hashlib.md5(b'pbkdf2_sha256$1$s$h').hexdigest().upper()
  assert.equal(passwordFingerprint(user('pbkdf2_sha256$1$s$h')), '27D7BD28FC505A2C679C0B8F695CBCA5');
  // hashlib.md5('é'.encode('utf-8')).hexdigest().upper(): UTF-8, not Latin-1
  assert.equal(passwordFingerprint(user('é')), '66DDCD97CFDEABB2F6FB8A999B4BC76F');
});

test('passwordFingerprint of a user without a stored hash is the MD5 of the empty string', () => {
  for (const password of [undefined, null]) {
    assert.equal(passwordFingerprint(user(password)), 'D41D8CD98F00B204E9800998ECF8427E', String(password));
  }
});
