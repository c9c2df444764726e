import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { SlidingToken } from '../../src/tokens/sliding-token.js';
import { refreshAccessToken } from '../../src/services/refresh-access-token.js';
import { refreshSlidingToken } from '../../src/services/refresh-sliding-token.js';
import { AccountError, SettingsError } from '../../src/errors.js';
import { checkTokenUser, NO_ACTIVE_ACCOUNT_FOR_TOKEN, PASSWORD_CHANGED } from '../../src/services/check-token-user.js';
import { passwordFingerprint } from '../../src/tokens/password-fingerprint.js';
import { MemoryUserStore, serviceContext } from '../support/service-fakes.js';
import type { ServiceContext } from '../../src/services/service-context.js';
import type { AuthUser, UserStore } from '../../src/stores/user-store.js';
import type { TokenClass } from '../../src/tokens/token.js';

const ALICE: AuthUser = { id: 1, username: 'alice', isActive: true };

function contextWithStore(): ServiceContext & { lookups: string[] } {
  const lookups: string[] = [];
  const userStore: UserStore = {
    authenticate: () => Promise.resolve(null),
    findUser: (field, value) => {
      lookups.push(value);
      return Promise.resolve(field === 'id' && value === '1' ? ALICE : null);
    },
    updateLastLogin: () => Promise.resolve(),
  };
  const settings = resolveSettings({ signingKey: 'k'.repeat(32) });
  return { settings, backend: createTokenBackend(settings), userStore, lookups };
}

function signed(context: ServiceContext, cls: TokenClass, userId: unknown): string {
  const token = cls === SlidingToken ? SlidingToken.create(context) : RefreshToken.create(context);
  if (userId !== undefined) token.set('user_id', userId);
  return token.sign();
}

/** Values Python treats as false: Simple JWT's `if user_id and ...` skips the user check for each. */
const FALSY_IN_PYTHON: unknown[] = [undefined, null, '', 0, false, [], {}];

const services = [
  { name: 'refreshAccessToken', cls: RefreshToken as TokenClass, run: refreshAccessToken },
  { name: 'refreshSlidingToken', cls: SlidingToken as TokenClass, run: refreshSlidingToken },
];

for (const { name, cls, run } of services) {
  describe(`${name} user check`, () => {
    test('skips the user check for an absent or Python-falsy user-id claim', async () => {
      for (const value of FALSY_IN_PYTHON) {
        const context = contextWithStore();
        await run(context, signed(context, cls, value));
        assert.deepEqual(context.lookups, [], JSON.stringify(value));
      }
    });

    test('rejects a truthy user-id claim naming no user: no_active_account, plain {"detail"}', async () => {
      for (const value of ['999999', '0', 7]) {
        const context = contextWithStore();
        await assert.rejects(run(context, signed(context, cls, value)), (error: unknown) => {
          assert.ok(error instanceof AccountError);
          assert.equal(error.code, 'no_active_account');
          assert.deepEqual(error.body, { detail: 'No active account found for the given token.' });
          return true;
        }, JSON.stringify(value));
        assert.deepEqual(context.lookups, [String(value)]);
      }
    });

    test('accepts a user-id claim naming an active user', async () => {
      const context = contextWithStore();
      await run(context, signed(context, cls, '1'));
      assert.deepEqual(context.lookups, ['1']);
    });
  });
}

describe('checkTokenUser', () => {
  const BOB: AuthUser = { id: 2, username: 'bob', isActive: true, password: 'pbkdf2_sha256$1$salt$old' };
  const tokenFor = (context: ServiceContext, claims: Record<string, unknown>) => {
    const token = RefreshToken.create(context);
    for (const [claim, value] of Object.entries(claims)) token.set(claim, value);
    return token;
  };

  test('answers the user the claim names, and null for a token that names none', async () => {
    const context = serviceContext({ userStore: new MemoryUserStore([BOB]) });
    assert.equal(await checkTokenUser(context, tokenFor(context, { user_id: '2' })), BOB);
    assert.equal(await checkTokenUser(context, tokenFor(context, { user_id: 2 })), BOB);
    assert.equal(await checkTokenUser(context, tokenFor(context, {})), null);
  });

  test('a token naming a user, without a user store: a SettingsError naming userStore', async () => {
    const context = serviceContext();
    await assert.rejects(checkTokenUser(context, tokenFor(context, { user_id: '2' })), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual([error.setting, error.reason], ['userStore', 'refreshing a token that names a user needs a user store']);
      return true;
    });
  });

  test('a truthy claim no user can have (a non-empty list or object, true) names no account, and is not looked up', async () => {
    const users = new MemoryUserStore([BOB]);
    const context = serviceContext({ userStore: users });
    for (const value of [['2'], { id: 2 }, true]) {
      await assert.rejects(checkTokenUser(context, tokenFor(context, { user_id: value })), { code: 'no_active_account' }, JSON.stringify(value));
    }
    assert.deepEqual(users.lookups, []);
  });

  test('a user the authentication rule refuses (inactive) is no_active_account with Simple JWT\'s refresh wording', async () => {
    const context = serviceContext({ userStore: new MemoryUserStore([{ ...BOB, isActive: false }]) });
    await assert.rejects(checkTokenUser(context, tokenFor(context, { user_id: '2' })), (error: unknown) => {
      assert.ok(error instanceof AccountError);
      assert.deepEqual([error.code, error.body], ['no_active_account', { detail: NO_ACTIVE_ACCOUNT_FOR_TOKEN }]);
      return true;
    });
    assert.equal(NO_ACTIVE_ACCOUNT_FOR_TOKEN, 'No active account found for the given token.');
  });

  test('looks the user up by userIdField', async () => {
    const users = new MemoryUserStore([BOB]);
    const context = serviceContext({ userStore: users, userIdField: 'username' });
    assert.equal(await checkTokenUser(context, tokenFor(context, { user_id: 'bob' })), BOB);
    assert.deepEqual(users.lookups, [{ field: 'username', value: 'bob' }]);
  });

  describe('with checkRevokeToken', () => {
    test('accepts the fingerprint of the current password, under revokeTokenClaim', async () => {
      const context = serviceContext({ userStore: new MemoryUserStore([BOB]), checkRevokeToken: true, revokeTokenClaim: 'pwd' });
      assert.equal(await checkTokenUser(context, tokenFor(context, { user_id: '2', pwd: passwordFingerprint(BOB) })), BOB);
    });

    test('a changed password runs onPasswordChanged, then answers password_changed', async () => {
      const context = serviceContext({ userStore: new MemoryUserStore([BOB]), checkRevokeToken: true });
      const stale = tokenFor(context, { user_id: '2', hash_password: passwordFingerprint({ ...BOB, password: 'before' }) });
      const events: string[] = [];
      await assert.rejects(checkTokenUser(context, stale, async () => void events.push('blacklisted')), (error: unknown) => {
        events.push('thrown');
        assert.ok(error instanceof AccountError);
        assert.deepEqual([error.code, error.body], ['password_changed', { detail: PASSWORD_CHANGED }]);
        return true;
      });
      assert.deepEqual(events, ['blacklisted', 'thrown']);
      assert.equal(PASSWORD_CHANGED, "The user's password has been changed.");
      await assert.rejects(checkTokenUser(context, stale), { code: 'password_changed' });
    });

    test('uses the user store\'s own passwordFingerprint, called on the store', async () => {
      class FingerprintingStore extends MemoryUserStore {
        readonly prefix = 'fp:';
        passwordFingerprint(user: AuthUser): string {
          return `${this.prefix}${String(user.password)}`;
        }
      }
      const context = serviceContext({ userStore: new FingerprintingStore([BOB]), checkRevokeToken: true });
      assert.equal(await checkTokenUser(context, tokenFor(context, { user_id: '2', hash_password: `fp:${BOB.password}` })), BOB);
      await assert.rejects(checkTokenUser(context, tokenFor(context, { user_id: '2', hash_password: passwordFingerprint(BOB) })), { code: 'password_changed' });
    });
  });
});
