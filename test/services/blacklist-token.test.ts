import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { blacklistToken } from '../../src/services/blacklist-token.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { SettingsError } from '../../src/errors.js';
import { MemoryBlacklistStore, MemoryUserStore, RecordingFamilyStore, serviceContext } from '../support/service-fakes.js';
import { tokenRefusal } from '../support/token-context.js';

const ALICE = { id: 7, username: 'alice', isActive: true };

describe('blacklistToken', () => {
  test('without a blacklist store: a SettingsError naming blacklistStore', async () => {
    const context = serviceContext();
    await assert.rejects(blacklistToken(context, RefreshToken.create(context).sign()), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual([error.setting, error.reason], ['blacklistStore', 'the blacklist endpoint needs a blacklist store']);
      return true;
    });
  });

  test('blacklists the refresh token, recording it with its user, and answers the empty body', async () => {
    const store = new MemoryBlacklistStore();
    const context = serviceContext({ blacklistStore: store });
    const refresh = RefreshToken.forUser(context, ALICE);
    const signed = refresh.sign();
    assert.deepEqual(await blacklistToken(context, signed), {});
    const jti = String(refresh.payload.jti);
    assert.deepEqual(store.writes(), ['blacklist']);
    assert.deepEqual(store.calls[1]?.args, [{
      jti,
      userId: '7',
      token: signed,
      createdAt: context.clock.now(),
      expiresAt: new Date((Number(refresh.payload.exp) + context.settings.leeway) * 1000),
    }]);
    assert.ok(store.blacklisted.has(jti));
  });

  test('refuses a token blacklisted already: "Token is blacklisted", and blacklists nothing more', async () => {
    const store = new MemoryBlacklistStore();
    const context = serviceContext({ blacklistStore: store });
    const signed = RefreshToken.forUser(context, ALICE).sign();
    await blacklistToken(context, signed);
    assert.equal((await tokenRefusal(blacklistToken(context, signed))).message, 'Token is blacklisted');
    assert.deepEqual(store.writes(), ['blacklist']);
  });

  test('of two calls racing with one token, the one the store answers false is "Token is blacklisted"', async () => {
    const store = new MemoryBlacklistStore();
    const families = new RecordingFamilyStore();
    const context = serviceContext({ blacklistStore: store, familyStore: families });
    store.refuseNext = true;
    assert.equal((await tokenRefusal(blacklistToken(context, RefreshToken.forUser(context, ALICE).sign()))).message, 'Token is blacklisted');
    assert.deepEqual(families.calls, [], 'the loser revokes no family');
  });

  test('refuses an access token ("Token has wrong type") and a forged one, before the store is written', async () => {
    const store = new MemoryBlacklistStore();
    const context = serviceContext({ blacklistStore: store });
    assert.equal((await tokenRefusal(blacklistToken(context, AccessToken.create(context).sign()))).message, 'Token has wrong type');
    const forged = `${RefreshToken.create(context).sign()}x`;
    assert.equal((await tokenRefusal(blacklistToken(context, forged))).message, 'Token is invalid');
    assert.deepEqual(store.writes(), []);
  });

  test('with userIdField naming another field, records the user\'s primary key looked up by the claim', async () => {
    const store = new MemoryBlacklistStore();
    const users = new MemoryUserStore([ALICE]);
    const context = serviceContext({ blacklistStore: store, userStore: users, userIdField: 'username' });
    const refresh = RefreshToken.forUser(context, ALICE);
    await blacklistToken(context, refresh.sign());
    assert.equal((store.calls[1]?.args[0] as { userId: string }).userId, '7');
    assert.deepEqual(users.lookups, [{ field: 'username', value: 'alice' }]);
  });

  test('with a family store, a logged-out refresh token ends its session: its family is revoked now', async () => {
    const store = new MemoryBlacklistStore();
    const families = new RecordingFamilyStore();
    const context = serviceContext({ blacklistStore: store, familyStore: families });
    const refresh = RefreshToken.forUser(context, ALICE);
    await blacklistToken(context, refresh.sign());
    assert.deepEqual(families.calls, [{ method: 'revokeFamilyOf', args: [refresh.payload.jti, context.clock.now()] }]);
  });
});
