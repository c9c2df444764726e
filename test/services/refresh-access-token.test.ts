import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshAccessToken } from '../../src/services/refresh-access-token.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { AccountError, ExpiredTokenError } from '../../src/errors.js';
import { claimsOf, MemoryBlacklistStore, MemoryUserStore, RecordingFamilyStore, serviceContext } from '../support/service-fakes.js';
import { tokenRefusal } from '../support/token-context.js';
import type { ConsumedToken, FamilyMember } from '../../src/families/family-store.js';
import type { OutstandingToken } from '../../src/stores/blacklist-store.js';
import type { ReuseDetectedEvent } from '../../src/families/reuse-detected.js';
import type { SimpleJwtOptions } from '../../src/settings.js';

const ALICE = { id: 7, username: 'alice', isActive: true, password: 'pbkdf2_sha256$1$salt$old' };
const LIFETIMES = { accessTokenLifetime: 60, refreshTokenLifetime: 3600 };
const ROTATING = { ...LIFETIMES, rotateRefreshTokens: true, blacklistAfterRotation: true };

/**
 * A refresh token for Alice (with a custom claim) and the context that issued it, `later` seconds
 * on (a user store that knows Alice unless the options bring their own).
 */
function issued(options: Omit<SimpleJwtOptions, 'signingKey'>, later = 100) {
  const context = serviceContext({ userStore: new MemoryUserStore([ALICE]), ...options });
  const refresh = RefreshToken.forUser(context, ALICE);
  refresh.set('tenant', 'acme');
  const signed = refresh.sign();
  context.clock.advance(later);
  return { context, refresh, signed };
}

describe('refreshAccessToken', () => {
  test('without rotation: only an access token, carrying the refresh token\'s claims, exp from now', async () => {
    const { context, refresh, signed } = issued(LIFETIMES);
    const result = await refreshAccessToken(context, signed);
    assert.deepEqual(Object.keys(result), ['access']);
    const access = await AccessToken.decode(context, result.access);
    assert.deepEqual([access.payload.user_id, access.payload.tenant, access.payload.exp], ['7', 'acme', context.clock.seconds() + 60]);
    assert.notEqual(access.payload.jti, refresh.payload.jti);
  });

  test('with rotateRefreshTokens: the same token back with a new jti, exp and iat, every other claim carried over', async () => {
    const { context, refresh, signed } = issued({ ...LIFETIMES, rotateRefreshTokens: true });
    const result = await refreshAccessToken(context, signed);
    assert.deepEqual(Object.keys(result), ['access', 'refresh']);
    const now = context.clock.seconds();
    const rotated = claimsOf(result.refresh ?? '');
    assert.match(String(rotated.jti), /^[0-9a-f]{32}$/);
    assert.notEqual(rotated.jti, refresh.payload.jti);
    assert.deepEqual(rotated, { ...refresh.payload, jti: rotated.jti, exp: now + 3600, iat: now });
    assert.equal(claimsOf(result.access).exp, now + 60);
  });

  test('refuses an access token, and an expired refresh token', async () => {
    const { context, signed } = issued(LIFETIMES);
    assert.equal((await tokenRefusal(refreshAccessToken(context, AccessToken.create(context).sign()))).message, 'Token has wrong type');
    context.clock.advance(3600);
    assert.equal((await tokenRefusal(refreshAccessToken(context, signed))).message, 'Token is expired');
  });

  describe('its user', () => {
    test('is looked up and must still exist: no_active_account otherwise', async () => {
      const users = new MemoryUserStore([ALICE]);
      const { context, signed } = issued({ ...LIFETIMES, userStore: users });
      await refreshAccessToken(context, signed);
      users.users.length = 0;
      await assert.rejects(refreshAccessToken(context, signed), (error: unknown) => error instanceof AccountError && error.code === 'no_active_account');
      assert.equal(users.lookups.length, 2);
    });

    test('with checkUser: false, is not looked up (Ninja JWT\'s refresh)', async () => {
      const users = new MemoryUserStore([]);
      const { context, signed } = issued({ ...LIFETIMES, userStore: users });
      await refreshAccessToken(context, signed, { checkUser: false });
      assert.deepEqual(users.lookups, []);
    });

    test('with checkRevokeToken and a changed password: the token is blacklisted, then password_changed', async () => {
      const users = new MemoryUserStore([{ ...ALICE }]);
      const store = new MemoryBlacklistStore();
      const context = serviceContext({ ...LIFETIMES, userStore: users, blacklistStore: store, checkRevokeToken: true });
      const refresh = RefreshToken.forUser(context, ALICE);
      const signed = refresh.sign();
      users.users[0]!.password = 'pbkdf2_sha256$1$salt$new';
      await assert.rejects(refreshAccessToken(context, signed), { code: 'password_changed' });
      assert.deepEqual(store.writes(), ['blacklist']);
      assert.deepEqual((store.calls[1]?.args[0] as OutstandingToken).token, signed);
      assert.ok(store.blacklisted.has(String(refresh.payload.jti)));
    });

    test('with checkRevokeToken, a changed password and no blacklist store: password_changed only', async () => {
      const users = new MemoryUserStore([{ ...ALICE }]);
      const context = serviceContext({ ...LIFETIMES, userStore: users, checkRevokeToken: true });
      const signed = RefreshToken.forUser(context, ALICE).sign();
      users.users[0]!.password = 'pbkdf2_sha256$1$salt$new';
      await assert.rejects(refreshAccessToken(context, signed), { code: 'password_changed' });
    });
  });

  describe('rotation with a blacklist store', () => {
    test('without blacklistAfterRotation: the new token is recorded with the user\'s primary key, the old one stays usable', async () => {
      const store = new MemoryBlacklistStore();
      const users = new MemoryUserStore([ALICE]);
      const { context, signed } = issued({ ...LIFETIMES, rotateRefreshTokens: true, blacklistStore: store, userStore: users, userIdField: 'username' });
      const { refresh } = await refreshAccessToken(context, signed);
      assert.deepEqual(store.writes(), ['outstand']);
      const row = store.calls.find((call) => call.method === 'outstand')?.args[0] as OutstandingToken;
      assert.deepEqual([row.jti, row.userId, row.token], [claimsOf(refresh ?? '').jti, '7', refresh]);
      await refreshAccessToken(context, signed);
    });

    test('with blacklistAfterRotation: consumes the old token and records the new one in one rotate call', async () => {
      const store = new MemoryBlacklistStore();
      const { context, refresh: old, signed } = issued({ ...ROTATING, blacklistStore: store });
      const { refresh } = await refreshAccessToken(context, signed);
      assert.deepEqual(store.writes(), ['rotate']);
      const [consumed, recorded] = store.calls.find((call) => call.method === 'rotate')?.args as [OutstandingToken, OutstandingToken];
      assert.deepEqual([consumed.jti, consumed.userId, consumed.token], [old.payload.jti, '7', signed]);
      assert.deepEqual([recorded.jti, recorded.userId, recorded.token], [claimsOf(refresh ?? '').jti, '7', refresh]);
      assert.equal((await tokenRefusal(refreshAccessToken(context, signed))).message, 'Token is blacklisted');
    });

    test('with checkUser: false, the rows\' user is the primary key looked up by the claim', async () => {
      const store = new MemoryBlacklistStore();
      const users = new MemoryUserStore([ALICE]);
      const { context, signed } = issued({ ...ROTATING, blacklistStore: store, userStore: users, userIdField: 'username' });
      await refreshAccessToken(context, signed, { checkUser: false });
      const [consumed, recorded] = store.calls.find((call) => call.method === 'rotate')?.args as [OutstandingToken, OutstandingToken];
      assert.deepEqual([consumed.userId, recorded.userId], ['7', '7']);
    });

    test('a token blacklisted between the check and the rotation (a log-out) is "Token is blacklisted"', async () => {
      const store = new MemoryBlacklistStore();
      const { context, signed } = issued({ ...ROTATING, blacklistStore: store });
      store.refuseNext = true;
      assert.equal((await tokenRefusal(refreshAccessToken(context, signed))).message, 'Token is blacklisted');
    });
  });

  describe('with reuse detection (a family store)', () => {
    const consumedToken = (overrides: Partial<ConsumedToken> = {}): ConsumedToken => ({
      familyId: 'f1',
      userId: '7',
      familyCreatedAt: new Date(0),
      revoked: false,
      rotatedAt: new Date(0),
      successorToken: 'successor.jwt',
      successorRotated: false,
      ...overrides,
    });

    function reusing(more: Omit<SimpleJwtOptions, 'signingKey'> = {}) {
      const store = new MemoryBlacklistStore();
      const families = new RecordingFamilyStore();
      return { store, families, ...issued({ ...ROTATING, blacklistStore: store, familyStore: families, ...more }) };
    }

    test('claims the rotation in the family first: the successor with its access jti, then rotates', async () => {
      const { store, families, context, refresh: old, signed } = reusing();
      const result = await refreshAccessToken(context, signed);
      assert.deepEqual(families.methods(), ['claimRotation']);
      const [jti, member, now] = families.calls[0]?.args as [string, FamilyMember, Date];
      assert.deepEqual([jti, member.jti, member.token, member.accessJti, now], [old.payload.jti, claimsOf(result.refresh ?? '').jti, result.refresh, claimsOf(result.access).jti, context.clock.now()]);
      assert.deepEqual(store.writes(), ['rotate']);
    });

    test('a rotation another request won within the grace window answers its successor, and rotates nothing', async () => {
      const { store, families, context, signed } = reusing();
      families.claim = { outcome: 'rotated', consumed: consumedToken({ rotatedAt: context.clock.now() }) };
      const result = await refreshAccessToken(context, signed);
      assert.equal(result.refresh, 'successor.jwt');
      assert.equal(claimsOf(result.access).user_id, '7');
      assert.deepEqual(store.writes(), []);
    });

    test('a rotation the blacklist refuses after the claim revokes the family it just grew, then "Token is blacklisted"', async () => {
      const { store, families, context, refresh: old, signed } = reusing();
      store.refuseNext = true;
      assert.equal((await tokenRefusal(refreshAccessToken(context, signed))).message, 'Token is blacklisted');
      assert.deepEqual(families.calls[1], { method: 'revokeFamilyOf', args: [old.payload.jti, context.clock.now()] });
    });

    describe('a consumed token presented again', () => {
      test('within the grace window: the successor again, with a fresh access token for the same user', async () => {
        const { store, families, context, refresh: old, signed } = reusing();
        store.blacklisted.add(String(old.payload.jti));
        families.consumed = consumedToken({ rotatedAt: context.clock.now() });
        const result = await refreshAccessToken(context, signed);
        assert.equal(result.refresh, 'successor.jwt');
        const access = await AccessToken.decode(context, result.access);
        assert.deepEqual([access.payload.user_id, access.payload.tenant, access.payload.exp], ['7', 'acme', context.clock.seconds() + 60]);
        assert.deepEqual(families.calls, [{ method: 'consumedToken', args: [old.payload.jti] }]);
      });

      test('within the grace window, its user is still checked (and not with checkUser: false)', async () => {
        const users = new MemoryUserStore([]);
        const { store, families, context, refresh: old, signed } = reusing({ userStore: users });
        store.blacklisted.add(String(old.payload.jti));
        families.consumed = consumedToken({ rotatedAt: context.clock.now() });
        await assert.rejects(refreshAccessToken(context, signed), { code: 'no_active_account' });
        assert.equal((await refreshAccessToken(context, signed, { checkUser: false })).refresh, 'successor.jwt');
        assert.equal(users.lookups.length, 1);
      });

      test('after the grace window: the family is revoked, onReuseDetected hears who replayed it, and "Token is blacklisted"', async () => {
        const events: ReuseDetectedEvent[] = [];
        const { store, families, context, refresh: old, signed } = reusing({ onReuseDetected: (event) => void events.push(event) });
        store.blacklisted.add(String(old.payload.jti));
        families.consumed = consumedToken({ rotatedAt: new Date(context.clock.ms - 60_000) });
        const client = { ip: '203.0.113.9', userAgent: 'laptop/1' };
        assert.equal((await tokenRefusal(refreshAccessToken(context, signed, { client }))).message, 'Token is blacklisted');
        assert.deepEqual(families.methods(), ['consumedToken', 'revokeFamily']);
        assert.deepEqual(events, [{ userId: '7', familyId: 'f1', jti: old.payload.jti, ip: '203.0.113.9', userAgent: 'laptop/1' }]);
      });

      test('after the grace window, from a client the transport could not describe: the event says null', async () => {
        const events: ReuseDetectedEvent[] = [];
        const { store, families, context, refresh: old, signed } = reusing({ onReuseDetected: (event) => void events.push(event) });
        store.blacklisted.add(String(old.payload.jti));
        families.consumed = consumedToken({ rotatedAt: new Date(context.clock.ms - 60_000) });
        await tokenRefusal(refreshAccessToken(context, signed));
        assert.deepEqual(events.map((event) => [event.ip, event.userAgent]), [[null, null]]);
      });

      test('a token of no family is refused as Simple JWT refuses a blacklisted one', async () => {
        const { store, families, context, refresh: old, signed } = reusing();
        store.blacklisted.add(String(old.payload.jti));
        assert.equal((await tokenRefusal(refreshAccessToken(context, signed))).message, 'Token is blacklisted');
        assert.deepEqual(families.methods(), ['consumedToken']);
      });
    });

    test('other refusals are not replays: an expired token is "Token is expired" and asks no family', async () => {
      const { families, context, signed } = reusing();
      context.clock.advance(3600);
      const error = await tokenRefusal(refreshAccessToken(context, signed));
      assert.ok(error instanceof ExpiredTokenError);
      assert.deepEqual(families.calls, []);
    });
  });

  test('without reuse detection, a family store is not asked to claim a rotation, nor to revoke when the rotate is refused', async () => {
    const store = new MemoryBlacklistStore();
    const families = new RecordingFamilyStore();
    const { context, signed } = issued({ ...ROTATING, blacklistStore: store, familyStore: families, reuseDetection: false });
    const { refresh: successor } = await refreshAccessToken(context, signed);
    store.refuseNext = true;
    assert.equal((await tokenRefusal(refreshAccessToken(context, successor ?? ''))).message, 'Token is blacklisted');
    assert.deepEqual(families.calls, []);
    assert.deepEqual(store.writes(), ['rotate', 'rotate']);
  });

  test('without reuse detection, a blacklisted token is refused without asking any family', async () => {
    const store = new MemoryBlacklistStore();
    const families = new RecordingFamilyStore();
    const { context, refresh, signed } = issued({ ...ROTATING, blacklistStore: store, familyStore: families, reuseDetection: false });
    store.blacklisted.add(String(refresh.payload.jti));
    families.consumed = { familyId: 'f1', userId: '7', familyCreatedAt: new Date(0), revoked: false, rotatedAt: context.clock.now(), successorToken: 'successor.jwt', successorRotated: false };
    assert.equal((await tokenRefusal(refreshAccessToken(context, signed))).message, 'Token is blacklisted');
    assert.deepEqual(families.calls, []);
  });
});
