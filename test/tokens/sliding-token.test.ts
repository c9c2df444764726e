import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { SlidingToken } from '../../src/tokens/sliding-token.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { ManualClock } from '../support/demo.js';

function context(options: { slidingTokenRefreshExpClaim?: string; leeway?: number } = {}) {
  const clock = new ManualClock();
  const settings = resolveSettings({ signingKey: 'k'.repeat(32), clock, slidingTokenLifetime: 600, slidingTokenRefreshLifetime: 7200, ...options });
  return { settings, backend: createTokenBackend(settings), clock };
}

test('a new sliding token has type sliding, exp from its lifetime and refresh_exp from its refresh lifetime', () => {
  const ctx = context();
  const token = SlidingToken.create(ctx);
  const now = Math.floor(ctx.clock.ms / 1000);
  assert.deepEqual(Object.keys(token.payload), ['token_type', 'exp', 'iat', 'jti', 'refresh_exp']);
  assert.equal(token.payload.token_type, 'sliding');
  assert.equal(token.payload.exp, now + 600);
  assert.equal(token.payload.refresh_exp, now + 7200);
});

test('the refresh claim name follows the setting', () => {
  const ctx = context({ slidingTokenRefreshExpClaim: 'renew_until' });
  const token = SlidingToken.create(ctx);
  assert.equal(token.payload.renew_until, Math.floor(ctx.clock.ms / 1000) + 7200);
  assert.equal('refresh_exp' in token.payload, false);
});

test('a decoded sliding token keeps its refresh window and refuses other types', async () => {
  const ctx = context();
  const token = SlidingToken.create(ctx);
  const decoded = await SlidingToken.decode(ctx, token.sign());
  assert.equal(decoded.payload.refresh_exp, token.payload.refresh_exp);
  await assert.rejects(SlidingToken.decode(ctx, AccessToken.create(ctx).sign()), { message: 'Token has wrong type' });
});

test('its outstanding row lives until no renewal of it can be accepted: window end + leeway + lifetime + leeway', () => {
  const ctx = context({ leeway: 30 });
  const token = SlidingToken.create(ctx);
  const now = Math.floor(ctx.clock.ms / 1000);
  // The last renewal may come at refresh_exp + leeway and sets exp 600 s later, accepted 30 s more.
  assert.equal(token.flushAfter(), now + 7200 + 30 + 600 + 30);
  assert.equal(token.outstandingRecord('signed').expiresAt.getTime(), (now + 7200 + 30 + 600 + 30) * 1000);
});

test('an access or refresh token\'s row lives until exp + leeway, while the token is still accepted', () => {
  const ctx = context({ leeway: 30 });
  const token = AccessToken.create(ctx);
  assert.equal(token.flushAfter(), Number(token.payload.exp) + 30);
});

test('SlidingToken is blacklist-aware, and its lifetime is slidingTokenLifetime', () => {
  assert.equal(SlidingToken.blacklistAware, true);
  assert.equal(SlidingToken.lifetime(context().settings), 600);
});

test('flushAfter falls back to exp + leeway without a usable refresh window, and never goes below it', () => {
  const ctx = context({ leeway: 30 });
  const token = SlidingToken.create(ctx);
  const exp = Number(token.payload.exp);
  token.delete('refresh_exp');
  assert.equal(token.flushAfter(), exp + 30);
  token.set('refresh_exp', 'soon');
  assert.equal(token.flushAfter(), exp + 30);
  // A window that ended long before exp: exp + leeway is later than its last renewal.
  token.set('refresh_exp', exp - 10_000);
  assert.equal(token.flushAfter(), exp + 30);
});
