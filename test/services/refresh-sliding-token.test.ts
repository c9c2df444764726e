import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshSlidingToken } from '../../src/services/refresh-sliding-token.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { SlidingToken } from '../../src/tokens/sliding-token.js';
import { AccountError } from '../../src/errors.js';
import { claimsOf, MemoryBlacklistStore, MemoryUserStore, serviceContext } from '../support/service-fakes.js';
import { tokenRefusal } from '../support/token-context.js';

const ALICE = { id: 7, username: 'alice', isActive: true, password: 'pbkdf2_sha256$1$salt$old' };
const LIFETIMES = { slidingTokenLifetime: 600, slidingTokenRefreshLifetime: 3600 };

describe('refreshSlidingToken', () => {
  test('gives the same token back with exp = now + slidingTokenLifetime and a new iat: same jti, same refresh window', async () => {
    const context = serviceContext(LIFETIMES);
    const token = SlidingToken.create(context);
    token.set('scope', 'read');
    context.clock.advance(500);
    const { token: renewed } = await refreshSlidingToken(context, token.sign());
    const now = context.clock.seconds();
    assert.deepEqual(claimsOf(renewed), { ...token.payload, exp: now + 600, iat: now });
    assert.equal((await SlidingToken.decode(context, renewed)).payload.jti, token.payload.jti);
  });

  test('refuses a token whose refresh window has closed, with the claim\'s name in the message', async () => {
    const context = serviceContext(LIFETIMES);
    let token = SlidingToken.create(context);
    for (let step = 0; step < 6; step++) {
      context.clock.advance(590);
      token = await SlidingToken.decode(context, (await refreshSlidingToken(context, token.sign())).token);
    }
    // 3540 s in: the window (3600 s) closes before the renewed exp (3540 + 600).
    context.clock.advance(590);
    assert.equal((await tokenRefusal(refreshSlidingToken(context, token.sign()))).message, "Token 'refresh_exp' claim has expired");
  });

  test('reads the refresh window from slidingTokenRefreshExpClaim, and applies leeway to it', async () => {
    const context = serviceContext({ ...LIFETIMES, slidingTokenLifetime: 7200, slidingTokenRefreshExpClaim: 'renew_until', leeway: 30 });
    const token = SlidingToken.create(context);
    assert.equal('refresh_exp' in token.payload, false);
    context.clock.advance(3600 + 29);
    await refreshSlidingToken(context, token.sign());
    context.clock.advance(1);
    assert.equal((await tokenRefusal(refreshSlidingToken(context, token.sign()))).message, "Token 'renew_until' claim has expired");
  });

  test('refuses a token past its exp (it is verified fully), and a refresh token ("Token has wrong type")', async () => {
    const context = serviceContext(LIFETIMES);
    const token = SlidingToken.create(context).sign();
    assert.equal((await tokenRefusal(refreshSlidingToken(context, RefreshToken.create(context).sign()))).message, 'Token has wrong type');
    context.clock.advance(600);
    assert.equal((await tokenRefusal(refreshSlidingToken(context, token))).message, 'Token is expired');
  });

  test('checks the token\'s user: one that no longer exists is no_active_account', async () => {
    const users = new MemoryUserStore([ALICE]);
    const context = serviceContext({ ...LIFETIMES, userStore: users });
    const signed = SlidingToken.forUser(context, ALICE).sign();
    await refreshSlidingToken(context, signed);
    users.users.length = 0;
    await assert.rejects(refreshSlidingToken(context, signed), { code: 'no_active_account' });
    assert.equal(users.lookups.length, 2);
  });

  test('with checkUser: false looks no user up (Ninja JWT\'s refresh)', async () => {
    const users = new MemoryUserStore([]);
    const context = serviceContext({ ...LIFETIMES, userStore: users });
    const { token } = await refreshSlidingToken(context, SlidingToken.forUser(context, ALICE).sign(), { checkUser: false });
    assert.equal(claimsOf(token).user_id, '7');
    assert.deepEqual(users.lookups, []);
  });

  describe('with checkRevokeToken, after the password changed', () => {
    test('blacklists the token, then answers password_changed', async () => {
      const users = new MemoryUserStore([{ ...ALICE }]);
      const store = new MemoryBlacklistStore();
      const context = serviceContext({ ...LIFETIMES, userStore: users, blacklistStore: store, checkRevokeToken: true });
      const token = SlidingToken.forUser(context, ALICE);
      const signed = token.sign();
      users.users[0]!.password = 'pbkdf2_sha256$1$salt$new';
      await assert.rejects(refreshSlidingToken(context, signed), (error: unknown) => {
        assert.ok(error instanceof AccountError);
        assert.equal(error.code, 'password_changed');
        return true;
      });
      assert.deepEqual(store.writes(), ['blacklist']);
      assert.equal((store.calls[1]?.args[0] as { token: string }).token, signed);
      assert.ok(store.blacklisted.has(String(token.payload.jti)));
    });

    test('without a blacklist store, only answers password_changed', async () => {
      const users = new MemoryUserStore([{ ...ALICE }]);
      const context = serviceContext({ ...LIFETIMES, userStore: users, checkRevokeToken: true });
      const signed = SlidingToken.forUser(context, ALICE).sign();
      users.users[0]!.password = 'pbkdf2_sha256$1$salt$new';
      await assert.rejects(refreshSlidingToken(context, signed), { code: 'password_changed' });
    });
  });
});
