import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { TokenUser } from '../../src/authentication/token-user.js';

const settings = resolveSettings({ signingKey: 'k'.repeat(32) });
const context = { settings, backend: createTokenBackend(settings) };

function userWithId(value: unknown): TokenUser {
  const token = AccessToken.create(context);
  token.set('user_id', value);
  return new TokenUser(token, 'user_id');
}

test('new TokenUser takes id and pk from the user-id claim, keeping its JSON type', () => {
  const user = userWithId(999999);
  assert.equal(user.id, 999999);
  assert.equal(user.pk, 999999);
  assert.equal(String(user), 'TokenUser 999999');
  assert.equal(userWithId('42').id, '42');
  assert.deepEqual(userWithId(['1']).id, ['1']);
  assert.equal(user.equals(userWithId(999999.0)), true);
  assert.equal(user.equals(userWithId('999999')), false, 'Python: 999999 != "999999"');
});

test('new TokenUser with a null user-id claim has a null id, not the string "null"', () => {
  const user = userWithId(null);
  assert.equal(user.id, null);
  assert.equal(user.pk, null);
  assert.equal(user.equals(userWithId(null)), true, 'Simple JWT compares ids: None == None');
  assert.equal(user.equals(userWithId('null')), false);
});

test('new TokenUser with an empty user-id claim has the id ""', () => {
  assert.equal(userWithId('').id, '');
});

test('new TokenUser with no user-id claim has a null id', () => {
  assert.equal(new TokenUser(AccessToken.create(context), 'user_id').id, null);
});

test('new TokenUser reads username, is_staff and is_superuser from the claims, strictly', () => {
  const token = AccessToken.create(context);
  token.set('user_id', '7');
  token.set('username', 'alice');
  token.set('is_staff', true);
  token.set('is_superuser', true);
  token.set('scope', 'read');
  const user = new TokenUser(token, 'user_id');
  assert.equal(user.username, 'alice');
  assert.equal(user.isStaff, true);
  assert.equal(user.isSuperuser, true);
  assert.equal(user.claim('scope'), 'read');
  assert.equal(user.token, token);
  assert.deepEqual([user.isActive, user.isAuthenticated, user.isAnonymous], [true, true, false]);

  const loose = AccessToken.create(context);
  loose.set('username', 42);
  loose.set('is_staff', 1);
  loose.set('is_superuser', 'true');
  const other = new TokenUser(loose, 'user_id');
  assert.equal(other.username, '', 'a non-string username is no username');
  assert.equal(other.isStaff, false, 'only true is staff');
  assert.equal(other.isSuperuser, false, 'only true is superuser');
});

test('TokenUser.equals compares ids of token users only', () => {
  assert.equal(userWithId('1').equals(userWithId('1')), true);
  assert.equal(userWithId('1').equals(userWithId('2')), false);
  assert.equal(userWithId('1').equals({ id: '1' }), false);
});
