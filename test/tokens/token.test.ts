import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { UntypedToken } from '../../src/tokens/untyped-token.js';
import { Token } from '../../src/tokens/token.js';
import { ExpiredTokenError, TokenError } from '../../src/errors.js';
import { ManualClock } from '../support/demo.js';
import type { SimpleJwtOptions } from '../../src/settings.js';
import type { TokenContext } from '../../src/tokens/token.js';

const KEY = 'k'.repeat(32);

function contextWith(options: Omit<SimpleJwtOptions, 'signingKey'> = {}, clock = new ManualClock()): TokenContext & { clock: ManualClock } {
  const settings = resolveSettings({ signingKey: KEY, clock, ...options });
  return { settings, backend: createTokenBackend(settings), clock };
}

async function rejection(promise: Promise<unknown>): Promise<TokenError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenError, String(error));
    return error;
  }
  assert.fail('expected a TokenError');
}

test('create makes type, exp, iat and jti in Simple JWT order', () => {
  const context = contextWith();
  const token = AccessToken.create(context);
  const now = Math.floor(context.clock.ms / 1000);
  assert.deepEqual(Object.keys(token.payload), ['token_type', 'exp', 'iat', 'jti']);
  assert.equal(token.payload.token_type, 'access');
  assert.equal(token.payload.exp, now + 300);
  assert.equal(token.payload.iat, now);
  assert.match(String(token.payload.jti), /^[0-9a-f]{32}$/);
});

test('create truncates fractional seconds', () => {
  const context = contextWith({}, new ManualClock(Date.UTC(2026, 0, 1) + 999));
  const token = AccessToken.create(context);
  assert.equal(token.payload.iat, Date.UTC(2026, 0, 1) / 1000);
});

test('a class without type or lifetime cannot create tokens', () => {
  class Nameless extends Token {}
  assert.throws(() => Nameless.create(contextWith()), /Cannot create token with no type or lifetime/);
});

test('decode round-trips a signed token and keeps the claims', async () => {
  const context = contextWith();
  const token = AccessToken.create(context);
  token.set('scope', 'read');
  const decoded = await AccessToken.decode(context, token.sign());
  assert.deepEqual(decoded.payload, token.payload);
  assert.equal(decoded.get('scope'), 'read');
  assert.equal(decoded.get('missing', 'fallback'), 'fallback');
});

test('expiry: exp equal to now is expired; one second before is valid; leeway extends it', async () => {
  const context = contextWith();
  const token = AccessToken.create(context);
  const signed = token.sign();
  context.clock.advance(299);
  await AccessToken.decode(context, signed);
  context.clock.advance(1);
  const error = await rejection(AccessToken.decode(context, signed));
  assert.ok(error instanceof ExpiredTokenError);
  assert.equal(error.message, 'Token is expired');

  const lenient = contextWith({ leeway: 100 }, new ManualClock(context.clock.ms - 300_000));
  const old = AccessToken.create(lenient).sign();
  lenient.clock.advance(300 + 50);
  await AccessToken.decode(lenient, old);
  lenient.clock.advance(100);
  await rejection(AccessToken.decode(lenient, old));
});

test('checkExp: a missing claim and a passed claim have their own messages; leeway applies', () => {
  const context = contextWith();
  const token = AccessToken.create(context);
  assert.throws(() => token.checkExp('refresh_exp'), /Token has no 'refresh_exp' claim/);
  token.set('refresh_exp', Math.floor(context.clock.ms / 1000));
  assert.throws(() => token.checkExp('refresh_exp'), /Token 'refresh_exp' claim has expired/);
  const lenient = contextWith({ leeway: 1 }, context.clock);
  const other = AccessToken.create(lenient);
  other.set('refresh_exp', Math.floor(context.clock.ms / 1000));
  other.checkExp('refresh_exp');
});

test('verify runs Simple JWT checks in order: exp, id, type', async () => {
  const context = contextWith();
  const now = Math.floor(context.clock.ms / 1000);
  const sign = (payload: Record<string, unknown>) => context.backend.encode(payload);
  assert.equal((await rejection(AccessToken.decode(context, sign({ token_type: 'access', jti: 'x' })))).message, "Token has no 'exp' claim");
  assert.equal((await rejection(AccessToken.decode(context, sign({ token_type: 'access', exp: now + 5 })))).message, 'Token has no id');
  assert.equal((await rejection(AccessToken.decode(context, sign({ exp: now + 5, jti: 'x' })))).message, 'Token has no type');
  assert.equal((await rejection(AccessToken.decode(context, sign({ token_type: 'refresh', exp: now + 5, jti: 'x' })))).message, 'Token has wrong type');
  assert.equal((await rejection(AccessToken.decode(context, sign({ token_type: 'refresh', exp: now, jti: 'x' })))).message, 'Token is expired');
  assert.equal((await rejection(AccessToken.decode(context, 'garbage'))).message, 'Token is invalid');
});

test('null type and id claims turn those checks and claims off', async () => {
  const context = contextWith({ tokenTypeClaim: null, jtiClaim: null });
  const token = AccessToken.create(context);
  assert.deepEqual(Object.keys(token.payload), ['exp', 'iat']);
  const decoded = await RefreshToken.decode(context, token.sign());
  assert.equal(decoded.get('exp'), token.get('exp'));
});

test('decode with verify false skips every check', async () => {
  const context = contextWith();
  const signed = context.backend.encode({ token_type: 'other', exp: 1 });
  const token = await AccessToken.decode(context, signed, { verify: false });
  assert.equal(token.payload.exp, 1);
});

test('forUser writes the user id as a string and, with checkRevokeToken, the MD5 of the password hash', () => {
  const context = contextWith({ checkRevokeToken: true, revokeTokenClaim: 'pwd' });
  const token = RefreshToken.forUser(context, { id: 42, username: 'u', isActive: true, password: 'pbkdf2_sha256$1$s$h' });
  assert.equal(token.payload.user_id, '42');
  // hashlib.md5(b'pbkdf2_sha256$1$s$h').hexdigest().upper(), as Simple JWT computes it
  assert.equal(token.payload.pwd, '27D7BD28FC505A2C679C0B8F695CBCA5');
  const byName = RefreshToken.forUser(contextWith({ userIdField: 'username' }), { id: 42, username: 'u', isActive: true });
  assert.equal(byName.payload.user_id, 'u');
});

test('accessToken copies every claim but type, exp, jti and iat, and counts exp from the refresh token\'s time', async () => {
  const context = contextWith();
  const refresh = RefreshToken.forUser(context, { id: 7, username: 'u', isActive: true });
  refresh.set('tenant', 'acme');
  context.clock.advance(86400 * 3);
  const access = refresh.accessToken();
  assert.equal(access.payload.token_type, 'access');
  assert.equal(access.payload.user_id, '7');
  assert.equal(access.payload.tenant, 'acme');
  assert.notEqual(access.payload.jti, refresh.payload.jti);
  assert.equal(access.payload.exp, Math.floor(refresh.currentTime.getTime() / 1000) + 300);
  assert.equal(access.payload.iat, Math.floor(context.clock.ms / 1000), 'iat is the access token\'s own (Simple JWT >= 5.5.1)');
});

test('UntypedToken accepts any type but still needs exp and an id; a fresh one is already expired', async () => {
  const context = contextWith();
  for (const type of ['access', 'refresh', 'sliding', 'fake_type']) {
    const signed = context.backend.encode({ token_type: type, exp: Math.floor(context.clock.ms / 1000) + 10, jti: 'j' });
    await UntypedToken.decode(context, signed);
  }
  const fresh = UntypedToken.create(context);
  assert.equal(fresh.payload.token_type, 'untyped');
  await rejection(UntypedToken.decode(context, fresh.sign()));
});
