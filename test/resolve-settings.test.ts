import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../src/resolve-settings.js';
import { SettingsError } from '../src/errors.js';
import { AccessToken } from '../src/tokens/access-token.js';
import { RefreshToken } from '../src/tokens/refresh-token.js';
import type { SimpleJwtOptions } from '../src/settings.js';

const key = 'k'.repeat(32);

function settingOf(options: Record<string, unknown>): string {
  try {
    resolveSettings(options as SimpleJwtOptions);
  } catch (error) {
    assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${String(error)}`);
    assert.match(error.message, new RegExp(`"${error.setting}"`));
    return error.setting;
  }
  assert.fail('expected a SettingsError');
}

test('resolveSettings fills Simple JWT defaults', () => {
  const settings = resolveSettings({ signingKey: key });
  assert.equal(settings.accessTokenLifetime, 300);
  assert.equal(settings.refreshTokenLifetime, 86400);
  assert.equal(settings.rotateRefreshTokens, false);
  assert.equal(settings.blacklistAfterRotation, false);
  assert.equal(settings.updateLastLogin, false);
  assert.equal(settings.algorithm, 'HS256');
  assert.equal(settings.leeway, 0);
  assert.deepEqual(settings.authHeaderTypes, ['Bearer']);
  assert.equal(settings.authHeaderName, 'authorization');
  assert.equal(settings.userIdField, 'id');
  assert.equal(settings.userIdClaim, 'user_id');
  assert.equal(settings.tokenTypeClaim, 'token_type');
  assert.equal(settings.jtiClaim, 'jti');
  assert.equal(settings.slidingTokenRefreshExpClaim, 'refresh_exp');
  assert.equal(settings.slidingTokenLifetime, 300);
  assert.equal(settings.slidingTokenRefreshLifetime, 86400);
  assert.equal(settings.checkRevokeToken, false);
  assert.equal(settings.revokeTokenClaim, 'hash_password');
  assert.equal(settings.checkUserIsActive, true);
  assert.deepEqual(settings.authTokenClasses, { jwt: [AccessToken] });
});

test('resolveSettings freezes the result', () => {
  const settings = resolveSettings({ signingKey: key });
  assert.ok(Object.isFrozen(settings));
  assert.throws(() => {
    (settings as { leeway: number }).leeway = 5;
  }, TypeError);
});

test('resolveSettings names an unknown option, hinting the right name', () => {
  assert.equal(settingOf({ signingKey: key, accessTokenLifeTime: 10 }), 'accessTokenLifeTime');
  assert.throws(() => resolveSettings({ signingKey: key, ACCESS_TOKEN_LIFETIME: 1 } as SimpleJwtOptions), /did you mean "accessTokenLifetime"/);
  assert.throws(() => resolveSettings({ signingKey: key, secretKey: 'x' } as SimpleJwtOptions), /did you mean "signingKey"/);
});

test('resolveSettings names the replacement of each setting Simple JWT removed, in either spelling', () => {
  const removed = { AUTH_HEADER_TYPE: 'authHeaderTypes', authTokenClass: 'authTokenClasses', AUTH_TOKEN_CLASS: 'authTokenClasses', SECRET_KEY: 'signingKey', TOKEN_BACKEND_CLASS: 'algorithm' };
  for (const [name, replacement] of Object.entries(removed)) {
    assert.throws(() => resolveSettings({ signingKey: key, [name]: 'x' } as SimpleJwtOptions), new RegExp(`"${name}".*did you mean "${replacement}"`), name);
  }
});

test('resolveSettings refuses an unknown algorithm', () => {
  assert.equal(settingOf({ signingKey: key, algorithm: 'HS1024' }), 'algorithm');
  assert.throws(() => resolveSettings({ signingKey: key, algorithm: 'none' as 'HS256' }), /Unrecognized algorithm type 'none'/);
});

test('resolveSettings refuses zero, negative and non-numeric lifetimes', () => {
  assert.equal(settingOf({ signingKey: key, accessTokenLifetime: 0 }), 'accessTokenLifetime');
  assert.equal(settingOf({ signingKey: key, refreshTokenLifetime: -1 }), 'refreshTokenLifetime');
  assert.equal(settingOf({ signingKey: key, slidingTokenLifetime: '5m' }), 'slidingTokenLifetime');
  assert.equal(settingOf({ signingKey: key, accessTokenLifetime: Number.NaN }), 'accessTokenLifetime');
});

test('resolveSettings refuses a missing signing key and a bad leeway', () => {
  assert.equal(settingOf({}), 'signingKey');
  assert.equal(settingOf({ signingKey: key, leeway: -1 }), 'leeway');
  assert.equal(settingOf({ signingKey: key, leeway: '10' }), 'leeway');
});

test('resolveSettings checks flags, names, header settings and hooks', () => {
  assert.equal(settingOf({ signingKey: key, rotateRefreshTokens: 'yes' }), 'rotateRefreshTokens');
  assert.equal(settingOf({ signingKey: key, userIdClaim: '' }), 'userIdClaim');
  assert.equal(settingOf({ signingKey: key, authHeaderTypes: [] }), 'authHeaderTypes');
  assert.equal(settingOf({ signingKey: key, authHeaderTypes: ['Bearer token'] }), 'authHeaderTypes');
  assert.equal(settingOf({ signingKey: key, authHeaderName: 'Bad Header' }), 'authHeaderName');
  assert.equal(settingOf({ signingKey: key, onLoginFailed: 'log' }), 'onLoginFailed');
  assert.equal(settingOf({ signingKey: key, userStore: {} }), 'userStore');
  assert.equal(settingOf({ signingKey: key, audience: [] }), 'audience');
});

test('resolveSettings accepts Django-style header names and a single header type', () => {
  const settings = resolveSettings({ signingKey: key, authHeaderName: 'HTTP_X_ACCESS_TOKEN', authHeaderTypes: 'JWT' });
  assert.equal(settings.authHeaderName, 'x-access-token');
  assert.deepEqual(settings.authHeaderTypes, ['JWT']);
});

test('resolveSettings turns type and id claims off with null', () => {
  const settings = resolveSettings({ signingKey: key, tokenTypeClaim: null, jtiClaim: null });
  assert.equal(settings.tokenTypeClaim, null);
  assert.equal(settings.jtiClaim, null);
});

test('resolveSettings refuses refresh tokens and non-classes in authTokenClasses', () => {
  assert.equal(settingOf({ signingKey: key, authTokenClasses: { jwt: [RefreshToken] } }), 'authTokenClasses');
  assert.equal(settingOf({ signingKey: key, authTokenClasses: { jwt: [] } }), 'authTokenClasses');
  assert.equal(settingOf({ signingKey: key, authTokenClasses: { jwt: ['AccessToken'] } }), 'authTokenClasses');
  class CustomRefresh extends RefreshToken {}
  assert.equal(settingOf({ signingKey: key, authTokenClasses: { jwt: [CustomRefresh] } }), 'authTokenClasses');
});

test('resolveSettings default rule requires an active user unless checkUserIsActive is off', () => {
  const user = { id: 1, username: 'a', isActive: false };
  assert.equal(resolveSettings({ signingKey: key }).userAuthenticationRule(user), false);
  assert.equal(resolveSettings({ signingKey: key }).userAuthenticationRule({ ...user, isActive: true }), true);
  assert.equal(resolveSettings({ signingKey: key }).userAuthenticationRule(null), false);
  assert.equal(resolveSettings({ signingKey: key, checkUserIsActive: false }).userAuthenticationRule(user), true);
});

test('resolveSettings turns reuse detection on by default only with rotation, blacklistAfterRotation and a family store', () => {
  const blacklistStore = { outstand: async () => undefined, blacklist: async () => true, rotate: async () => true, isBlacklisted: async () => false } as unknown as NonNullable<SimpleJwtOptions['blacklistStore']>;
  const familyStore = { startFamily() {}, claimRotation() {}, consumedToken() {}, revokeFamily() {}, revokedBefore: () => null } as unknown as NonNullable<SimpleJwtOptions['familyStore']>;
  const recommended = { signingKey: key, rotateRefreshTokens: true, blacklistAfterRotation: true, blacklistStore, familyStore };
  const on = resolveSettings(recommended);
  assert.deepEqual([on.reuseDetection, on.reuseGraceSeconds, on.familyMaxLifetime], [true, 10, undefined]);
  assert.equal(resolveSettings({ ...recommended, reuseDetection: false }).reuseDetection, false);
  assert.equal(resolveSettings({ signingKey: key, rotateRefreshTokens: true, blacklistAfterRotation: true, blacklistStore }).reuseDetection, false);
  assert.equal(resolveSettings({ signingKey: key, blacklistStore, familyStore }).reuseDetection, false);
  assert.equal(resolveSettings({ ...recommended, reuseGraceSeconds: 0 }).reuseGraceSeconds, 0);
  assert.equal(settingOf({ signingKey: key, blacklistStore, familyStore, reuseDetection: true }), 'reuseDetection');
  assert.equal(settingOf({ ...recommended, reuseGraceSeconds: -1 }), 'reuseGraceSeconds');
  assert.equal(settingOf({ ...recommended, familyMaxLifetime: 0 }), 'familyMaxLifetime');
  assert.equal(settingOf({ ...recommended, onReuseDetected: 'alert' }), 'onReuseDetected');
  assert.equal(settingOf({ signingKey: key, familyStore }), 'familyStore');
  assert.equal(settingOf({ ...recommended, familyStore: {} }), 'familyStore');
});
