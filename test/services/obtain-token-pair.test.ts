import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase, SIGNING_KEY } from '../support/demo.js';
import { createSimpleJwt, KnexUserStore } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';
import { authenticateCredentials, issueTokenPair, NO_ACTIVE_ACCOUNT, obtainTokenPair, recordLogin } from '../../src/services/obtain-token-pair.js';
import { AccountError, SettingsError } from '../../src/errors.js';
import { hashIp } from '../../src/families/family-rotation.js';
import { passwordFingerprint } from '../../src/tokens/password-fingerprint.js';
import { claimsOf, MemoryBlacklistStore, MemoryUserStore, RecordingFamilyStore, RecordingThrottleStore, serviceContext } from '../support/service-fakes.js';
import type { AuthUser } from '../../src/stores/user-store.js';
import type { NewFamily } from '../../src/families/family-store.js';

let db: TestDatabase;
before(async () => {
  db = await setUpDatabase();
});
after(() => db?.drop());

test('onLoginFailed gets the login name under the user model\'s USERNAME_FIELD, and the password masked', async () => {
  const users = new KnexUserStore(db.knex, { iterations: 1, usernameField: 'email' });
  await users.createUser({ username: 'carol', email: 'carol@example.com', password: 'carol-password' });
  const failed: Record<string, unknown>[] = [];
  const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, onLoginFailed: (credentials) => void failed.push(credentials) });
  await assert.rejects(jwt.obtainTokenPair({ username: 'carol@example.com', password: 'wrong' }), { code: 'no_active_account' });
  assert.deepEqual(failed, [{ email: 'carol@example.com', password: '********************' }]);
});

describe('authenticateCredentials', () => {
  const ALICE = { id: 7, username: 'alice', isActive: true };
  const credentials = { username: 'alice', password: 'alice-password' };
  const users = (...extra: AuthUser[]) => new MemoryUserStore([ALICE, ...extra], { alice: 'alice-password', bob: 'bob-password' });

  test('without a user store: a SettingsError naming userStore', async () => {
    await assert.rejects(authenticateCredentials(serviceContext(), credentials, {}), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual([error.setting, error.reason], ['userStore', 'the obtain endpoints need a user store']);
      return true;
    });
  });

  test('answers the user whose password matches', async () => {
    assert.equal(await authenticateCredentials(serviceContext({ userStore: users() }), credentials, {}), ALICE);
  });

  test('a wrong password and an inactive user are the same 401, and onLoginFailed hears of each with the request', async () => {
    const failed: unknown[] = [];
    const request = { ip: '203.0.113.9' };
    const context = serviceContext({
      userStore: users({ id: 8, username: 'bob', isActive: false }),
      onLoginFailed: (given, req) => void failed.push([given, req]),
    });
    for (const attempt of [{ username: 'alice', password: 'wrong' }, { username: 'bob', password: 'bob-password' }]) {
      await assert.rejects(authenticateCredentials(context, attempt, request), (error: unknown) => {
        assert.ok(error instanceof AccountError);
        assert.equal(error.code, 'no_active_account');
        assert.deepEqual(error.body, { detail: NO_ACTIVE_ACCOUNT });
        return true;
      });
    }
    assert.equal(NO_ACTIVE_ACCOUNT, 'No active account found with the given credentials');
    assert.deepEqual(failed, [
      [{ username: 'alice', password: '********************' }, request],
      [{ username: 'bob', password: '********************' }, request],
    ]);
  });

  test('a wrong password is refused even under an authentication rule that would let anyone in', async () => {
    const context = serviceContext({ userStore: users(), userAuthenticationRule: () => true });
    await assert.rejects(authenticateCredentials(context, { username: 'alice', password: 'wrong' }, {}), { code: 'no_active_account' });
  });

  test('a refused login without onLoginFailed is the 401 all the same', async () => {
    await assert.rejects(authenticateCredentials(serviceContext({ userStore: users() }), { username: 'alice', password: 'wrong' }, {}), { code: 'no_active_account' });
  });

  describe('with the login throttle', () => {
    test('charges the username and the address, and a success gives them back (the username forgotten, the address refunded)', async () => {
      const throttle = new RecordingThrottleStore();
      const context = serviceContext({ userStore: users(), loginThrottle: { store: throttle } });
      await authenticateCredentials(context, credentials, {}, '203.0.113.9');
      assert.deepEqual(throttle.calls, [
        { method: 'charge', args: [['username:alice', 'address:203.0.113.9'], context.clock.now()] },
        { method: 'settle', args: [['username:alice'], ['address:203.0.113.9']] },
      ]);
    });

    test('a failed login keeps its charge', async () => {
      const throttle = new RecordingThrottleStore();
      const context = serviceContext({ userStore: users(), loginThrottle: { store: throttle } });
      await assert.rejects(authenticateCredentials(context, { username: 'alice', password: 'wrong' }, {}), { code: 'no_active_account' });
      assert.deepEqual(throttle.calls.map((call) => call.method), ['charge']);
    });

    test('a waiting username is the 429 before any password is checked', async () => {
      const throttle = new RecordingThrottleStore(30_000);
      const userStore = users();
      let checked = 0;
      const authenticate = userStore.authenticate.bind(userStore);
      userStore.authenticate = (given) => (checked++, authenticate(given));
      const context = serviceContext({ userStore, loginThrottle: { store: throttle } });
      await assert.rejects(authenticateCredentials(context, credentials, {}), { code: 'throttled', status: 429 });
      assert.equal(checked, 0);
    });
  });
});

describe('recordLogin', () => {
  const ALICE = { id: 7, username: 'alice', isActive: true };

  test('does nothing without updateLastLogin', async () => {
    const userStore = new MemoryUserStore([ALICE]);
    const called: unknown[] = [];
    await recordLogin(serviceContext({ userStore, onLoginSuccess: (user) => void called.push(user) }), ALICE, {});
    assert.deepEqual([userStore.lastLogins, called], [[], []]);
  });

  test('with updateLastLogin, runs onLoginSuccess with the request instead of the store\'s update', async () => {
    const userStore = new MemoryUserStore([ALICE]);
    const called: unknown[] = [];
    const request = { path: '/token' };
    await recordLogin(serviceContext({ userStore, updateLastLogin: true, onLoginSuccess: (user, req) => void called.push([user, req]) }), ALICE, request);
    assert.deepEqual(called, [[ALICE, request]]);
    assert.deepEqual(userStore.lastLogins, []);
  });

  test('with updateLastLogin and no hook, the store records the login at the clock\'s now', async () => {
    const userStore = new MemoryUserStore([ALICE]);
    const context = serviceContext({ userStore, updateLastLogin: true });
    await recordLogin(context, ALICE, {});
    assert.deepEqual(userStore.lastLogins, [{ user: ALICE, at: context.clock.now() }]);
  });
});

describe('issueTokenPair and obtainTokenPair', () => {
  const ALICE = { id: 7, username: 'alice', isActive: true, password: 'pbkdf2_sha256$1$salt$hash' };

  test('issueTokenPair needs no user store: a refresh token and its access token, same user, exp from each lifetime', async () => {
    const context = serviceContext({ accessTokenLifetime: 60, refreshTokenLifetime: 3600 });
    const { refresh, access } = await issueTokenPair(context, ALICE);
    const now = context.clock.seconds();
    assert.deepEqual([claimsOf(refresh).token_type, claimsOf(refresh).user_id, claimsOf(refresh).exp], ['refresh', '7', now + 3600]);
    assert.deepEqual([claimsOf(access).token_type, claimsOf(access).user_id, claimsOf(access).exp], ['access', '7', now + 60]);
    assert.notEqual(claimsOf(access).jti, claimsOf(refresh).jti);
  });

  test('the deployment\'s tokenClaims reach both tokens', async () => {
    const context = serviceContext({ tokenClaims: (user) => ({ name: user.username, tenant: 'acme' }) });
    const { refresh, access } = await issueTokenPair(context, ALICE);
    for (const signed of [refresh, access]) assert.deepEqual([claimsOf(signed).name, claimsOf(signed).tenant], ['alice', 'acme']);
  });

  test('with checkRevokeToken, the fingerprint comes from the user store\'s passwordFingerprint (called on the store), else the MD5 default', async () => {
    class FingerprintingStore extends MemoryUserStore {
      readonly prefix = 'fp:';
      passwordFingerprint(user: AuthUser): string {
        return `${this.prefix}${String(user.password)}`;
      }
    }
    const own = serviceContext({ checkRevokeToken: true, userStore: new FingerprintingStore([ALICE]) });
    assert.equal(claimsOf((await issueTokenPair(own, ALICE)).refresh).hash_password, `fp:${ALICE.password}`);
    const plain = serviceContext({ checkRevokeToken: true, userStore: new MemoryUserStore([ALICE]) });
    assert.equal(claimsOf((await issueTokenPair(plain, ALICE)).refresh).hash_password, passwordFingerprint(ALICE));
  });

  test('with a blacklist store, records the refresh token with the user\'s primary key, never the access token', async () => {
    const store = new MemoryBlacklistStore();
    const context = serviceContext({ blacklistStore: store, userIdField: 'username' });
    const { refresh, access } = await issueTokenPair(context, ALICE);
    assert.deepEqual(store.writes(), ['outstand']);
    assert.deepEqual(store.calls[0]?.args[0], {
      jti: claimsOf(refresh).jti,
      userId: '7',
      token: refresh,
      createdAt: context.clock.now(),
      expiresAt: new Date(Number(claimsOf(refresh).exp) * 1000),
    });
    assert.equal(claimsOf(access).user_id, 'alice');
  });

  test('with a family store, the pair starts a family: the refresh token, its access jti, the client\'s agent and hashed address', async () => {
    const families = new RecordingFamilyStore();
    const context = serviceContext({ blacklistStore: new MemoryBlacklistStore(), familyStore: families, userStore: new MemoryUserStore([ALICE], { alice: 'pw' }) });
    const { refresh, access } = await obtainTokenPair(context, { username: 'alice', password: 'pw' }, {}, { ip: '203.0.113.9', userAgent: 'laptop/1' });
    assert.deepEqual(families.methods(), ['startFamily']);
    const family = families.calls[0]?.args[0] as NewFamily;
    assert.deepEqual([family.userId, family.userAgent, family.ipHash], ['7', 'laptop/1', hashIp('203.0.113.9')]);
    assert.deepEqual([family.token.jti, family.token.token, family.token.accessJti], [claimsOf(refresh).jti, refresh, claimsOf(access).jti]);
  });

  test('obtainTokenPair charges the throttle for the client\'s address, and records the login', async () => {
    const throttle = new RecordingThrottleStore();
    const userStore = new MemoryUserStore([ALICE], { alice: 'pw' });
    const context = serviceContext({ userStore, loginThrottle: { store: throttle }, updateLastLogin: true });
    await obtainTokenPair(context, { username: 'alice', password: 'pw' }, {}, { ip: '203.0.113.9' });
    assert.deepEqual(throttle.calls[0]?.args[0], ['username:alice', 'address:203.0.113.9']);
    assert.equal(userStore.lastLogins.length, 1);
    await assert.rejects(obtainTokenPair(context, { username: 'alice', password: 'wrong' }, {}), { code: 'no_active_account' });
    assert.deepEqual(throttle.calls[2]?.args[0], ['username:alice'], 'no address without a client');
    assert.equal(userStore.lastLogins.length, 1, 'a refused login is not recorded');
  });
});
