// Token.verify with the stores: the blacklist (refresh and sliding tokens) and the family store's
// "log out everywhere" time (every token). Fake stores record what they are asked.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessToken } from '../../src/tokens/access-token.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { SlidingToken } from '../../src/tokens/sliding-token.js';
import { BlacklistedTokenError } from '../../src/tokens/token.js';
import type { BlacklistStore } from '../../src/stores/blacklist-store.js';
import type { FamilyStore } from '../../src/families/family-store.js';
import { tokenContext, tokenRefusal } from '../support/token-context.js';

/** A blacklist holding `blacklisted`, recording every jti it is asked about. */
function fakeBlacklist(blacklisted: string[] = []): BlacklistStore & { asked: string[] } {
  const asked: string[] = [];
  const unused = () => Promise.reject(new Error('not used here'));
  return {
    asked,
    isBlacklisted: (jti: string) => {
      asked.push(jti);
      return Promise.resolve(blacklisted.includes(jti));
    },
    outstand: unused,
    blacklist: unused,
    rotate: unused,
    unblacklist: unused,
    blacklistUser: unused,
    listUserTokens: unused,
    flushExpired: unused,
  };
}

/** A family store whose only answer is `revokedBefore`, recording the user ids it is asked about. */
function fakeFamilies(answer: (userId: string) => number | null | Promise<number | null>): FamilyStore & { asked: string[] } {
  const asked: string[] = [];
  const unused = () => Promise.reject(new Error('not used here'));
  return {
    asked,
    revokedBefore: (userId: string) => {
      asked.push(userId);
      return answer(userId);
    },
    startFamily: unused,
    claimRotation: unused,
    consumedToken: unused,
    revokeFamily: unused,
    revokeFamilyOf: unused,
    revokeOtherFamilies: unused,
    listFamilies: unused,
    familiesOf: unused,
    revokeUserBefore: unused,
    flushExpired: unused,
  };
}

describe('verify with a blacklist store', () => {
  test('refuses a blacklisted refresh or sliding token with BlacklistedTokenError, carrying the decoded token', async () => {
    for (const cls of [RefreshToken, SlidingToken]) {
      const store = fakeBlacklist(['gone']);
      const context = tokenContext({ blacklistStore: store });
      const token = cls.create(context);
      token.set('jti', 'gone');
      const error = await tokenRefusal(cls.decode(context, token.sign()));
      assert.ok(error instanceof BlacklistedTokenError, cls.name);
      assert.equal(error.message, 'Token is blacklisted');
      assert.equal(error.status, 401);
      assert.equal(error.token.payload.jti, 'gone');
      assert.ok(error.token instanceof cls);
      assert.deepEqual(store.asked, ['gone']);
    }
  });

  test('accepts a refresh token that is not blacklisted, after asking the store once', async () => {
    const store = fakeBlacklist(['other']);
    const context = tokenContext({ blacklistStore: store });
    const token = RefreshToken.create(context);
    const decoded = await RefreshToken.decode(context, token.sign());
    assert.equal(decoded.payload.jti, token.payload.jti);
    assert.deepEqual(store.asked, [token.payload.jti]);
  });

  test('never asks about an access token, even one whose jti is blacklisted', async () => {
    const store = fakeBlacklist(['gone']);
    const context = tokenContext({ blacklistStore: store });
    const token = AccessToken.create(context);
    token.set('jti', 'gone');
    await AccessToken.decode(context, token.sign());
    assert.deepEqual(store.asked, []);
  });

  test('asks the blacklist before the expiry check: an expired blacklisted token reads "Token is blacklisted"', async () => {
    const store = fakeBlacklist(['gone']);
    const context = tokenContext({ blacklistStore: store });
    const signed = context.backend.encode({ token_type: 'refresh', exp: context.clock.seconds() - 10, jti: 'gone' });
    const error = await tokenRefusal(RefreshToken.decode(context, signed, { verify: false }).then((token) => token.verify()));
    assert.equal(error.message, 'Token is blacklisted');
  });

  test('a missing, empty or non-string jti is "Token has no id", and the store is not asked', async () => {
    for (const jti of [undefined, '', 7, ['a']]) {
      const store = fakeBlacklist();
      const context = tokenContext({ blacklistStore: store });
      const token = RefreshToken.create(context);
      if (jti === undefined) token.delete('jti');
      else token.set('jti', jti);
      const decoded = await RefreshToken.decode(context, token.sign(), { verify: false });
      const error = await tokenRefusal(decoded.verify());
      assert.equal(error.message, 'Token has no id', JSON.stringify(jti));
      assert.deepEqual(store.asked, [], JSON.stringify(jti));
    }
  });

  test('the jti is read from the jtiClaim setting', async () => {
    const store = fakeBlacklist(['gone']);
    const context = tokenContext({ blacklistStore: store, jtiClaim: 'id' });
    const token = RefreshToken.create(context);
    assert.equal('jti' in token.payload, false);
    token.set('id', 'gone');
    const error = await tokenRefusal(RefreshToken.decode(context, token.sign()));
    assert.equal(error.message, 'Token is blacklisted');
    assert.deepEqual(store.asked, ['gone']);
  });

  test('a jti or an exp the blacklist tables cannot hold is "Token is invalid" before any query', async () => {
    const cases: [string, (token: RefreshToken) => void][] = [
      ['256 characters', (token) => token.set('jti', 'a'.repeat(256))],
      ['a NUL', (token) => token.set('jti', 'a\u0000b')],
      ['exp after datetime.max', (token) => token.set('exp', 1e308)],
    ];
    for (const [name, change] of cases) {
      const store = fakeBlacklist();
      const context = tokenContext({ blacklistStore: store });
      const token = RefreshToken.create(context);
      change(token);
      const error = await tokenRefusal(RefreshToken.decode(context, token.sign()));
      assert.equal(error.message, 'Token is invalid', name);
      assert.deepEqual(store.asked, [], name);
    }
  });

  test('a sliding token whose refresh window ends after datetime.max is "Token is invalid" before any query', async () => {
    const store = fakeBlacklist();
    const context = tokenContext({ blacklistStore: store });
    const token = SlidingToken.create(context);
    token.set('refresh_exp', 253_402_300_799);
    const error = await tokenRefusal(SlidingToken.decode(context, token.sign()));
    assert.equal(error.message, 'Token is invalid');
    assert.deepEqual(store.asked, []);
  });
});

describe('verify with a family store (revoked_before)', () => {
  function familyContext(answer: (userId: string) => number | null | Promise<number | null>) {
    const families = fakeFamilies(answer);
    const context = tokenContext({ blacklistStore: fakeBlacklist(), familyStore: families });
    return { context, families };
  }

  test('refuses every kind of token issued at or before the user\'s revoked_before: "Token is blacklisted"', async () => {
    for (const cls of [AccessToken, RefreshToken, SlidingToken]) {
      const { context, families } = familyContext(() => context.clock.ms);
      const token = cls.create(context);
      token.set('user_id', '42');
      const error = await tokenRefusal(cls.decode(context, token.sign()));
      assert.equal(error.message, 'Token is blacklisted', cls.name);
      assert.deepEqual(families.asked, ['42']);
    }
  });

  test('refuses a token issued in the revocation\'s second (iat has one-second resolution)', async () => {
    const { context } = familyContext(() => context.clock.seconds() * 1000 + 999);
    const token = AccessToken.create(context);
    token.set('user_id', '42');
    await tokenRefusal(AccessToken.decode(context, token.sign()));
  });

  test('accepts a token issued after revoked_before, and any token of a user without one', async () => {
    const { context } = familyContext((userId) => (userId === '42' ? context.clock.seconds() * 1000 - 1 : null));
    for (const userId of ['42', '43']) {
      const token = AccessToken.create(context);
      token.set('user_id', userId);
      await AccessToken.decode(context, token.sign());
    }
  });

  test('accepts a token without iat when the user has no revoked_before', async () => {
    const { context } = familyContext(() => null);
    const token = AccessToken.create(context);
    token.set('user_id', '42');
    token.delete('iat');
    await AccessToken.decode(context, token.sign());
  });

  test('awaits an answer the store gives as a promise', async () => {
    const { context } = familyContext(() => Promise.resolve(context.clock.ms));
    const token = AccessToken.create(context);
    token.set('user_id', '42');
    assert.equal((await tokenRefusal(AccessToken.decode(context, token.sign()))).message, 'Token is blacklisted');
    const { context: other } = familyContext(() => Promise.resolve(null));
    const fine = AccessToken.create(other);
    fine.set('user_id', '42');
    await AccessToken.decode(other, fine.sign());
  });

  test('a token without a numeric iat cannot prove it is newer: refused when the user has a revoked_before', async () => {
    for (const iat of [undefined, String(Math.floor(Date.now() / 1000) + 10_000_000)]) {
      const { context } = familyContext(() => 0);
      const token = AccessToken.create(context);
      token.set('user_id', '42');
      if (iat === undefined) token.delete('iat');
      else token.set('iat', iat);
      // The backend refuses a string iat itself; Token.verify is the last line behind it.
      const decoded = await AccessToken.decode(context, token.sign(), { verify: false });
      assert.equal((await tokenRefusal(decoded.verify())).message, 'Token is blacklisted', String(iat));
    }
  });

  test('asks with the user id as a string, from the userIdClaim setting, and not at all for a token with no usable user id', async () => {
    const families = fakeFamilies(() => null);
    const context = tokenContext({ blacklistStore: fakeBlacklist(), familyStore: families, userIdClaim: 'uid' });
    const numeric = AccessToken.create(context);
    numeric.set('uid', 42);
    await AccessToken.decode(context, numeric.sign());
    assert.deepEqual(families.asked, ['42']);
    for (const value of [undefined, ['42'], { id: 42 }, true, null]) {
      const token = AccessToken.create(context);
      if (value !== undefined) token.set('uid', value);
      token.set('user_id', '42');
      await AccessToken.decode(context, token.sign());
    }
    assert.deepEqual(families.asked, ['42'], 'only the numeric uid was looked up');
  });
});
