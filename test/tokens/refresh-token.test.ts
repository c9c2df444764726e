import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { ManualClock } from '../support/demo.js';
import type { SimpleJwtOptions } from '../../src/settings.js';

function contextWith(options: Omit<SimpleJwtOptions, 'signingKey' | 'clock'> = {}) {
  const clock = new ManualClock();
  const settings = resolveSettings({ signingKey: 'k'.repeat(32), clock, ...options });
  return { settings, backend: createTokenBackend(settings), clock };
}

test('RefreshToken: type refresh, refreshTokenLifetime, blacklist-aware; AccessToken: type access, accessTokenLifetime, not', () => {
  const context = contextWith({ accessTokenLifetime: 60, refreshTokenLifetime: 3600 });
  const refresh = RefreshToken.create(context);
  assert.equal(refresh.payload.token_type, 'refresh');
  assert.equal(refresh.payload.exp, context.clock.seconds() + 3600);
  assert.equal(RefreshToken.blacklistAware, true);
  const access = AccessToken.create(context);
  assert.equal(access.payload.token_type, 'access');
  assert.equal(access.payload.exp, context.clock.seconds() + 60);
  assert.equal(AccessToken.blacklistAware, false);
});

test('noCopyClaims follows the type and id claim names, and leaves out the null ones', () => {
  assert.deepEqual([...RefreshToken.create(contextWith()).noCopyClaims()].sort(), ['exp', 'iat', 'jti', 'token_type']);
  const renamed = RefreshToken.create(contextWith({ tokenTypeClaim: 'typ', jtiClaim: 'id' }));
  assert.deepEqual([...renamed.noCopyClaims()].sort(), ['exp', 'iat', 'id', 'jti', 'typ']);
  const none = RefreshToken.create(contextWith({ tokenTypeClaim: null, jtiClaim: null }));
  assert.deepEqual([...none.noCopyClaims()].sort(), ['exp', 'iat', 'jti']);
});

test('accessToken with renamed claims: the access token has its own type and id under those names, and no copied jti', () => {
  const context = contextWith({ tokenTypeClaim: 'typ', jtiClaim: 'id' });
  const refresh = RefreshToken.forUser(context, { id: 3, username: 'u', isActive: true });
  refresh.set('jti', 'not an id here, a custom claim');
  const access = refresh.accessToken();
  assert.equal(access.payload.typ, 'access');
  assert.match(String(access.payload.id), /^[0-9a-f]{32}$/);
  assert.notEqual(access.payload.id, refresh.payload.id);
  assert.equal('jti' in access.payload, false, 'jti is never copied');
  assert.equal(access.payload.user_id, '3');
});

test('accessToken makes the class named by accessTokenClass', () => {
  class ShortAccess extends AccessToken {
    static override lifetime(): number {
      return 5;
    }
  }
  class CustomRefresh extends RefreshToken {
    static override accessTokenClass = ShortAccess;
  }
  const context = contextWith();
  const access = CustomRefresh.create(context).accessToken();
  assert.ok(access instanceof ShortAccess);
  assert.equal(access.payload.exp, context.clock.seconds() + 5);
});
