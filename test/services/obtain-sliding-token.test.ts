import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { obtainSlidingToken } from '../../src/services/obtain-sliding-token.js';
import { SlidingToken } from '../../src/tokens/sliding-token.js';
import { claimsOf, MemoryBlacklistStore, MemoryUserStore, RecordingThrottleStore, serviceContext } from '../support/service-fakes.js';

const ALICE = { id: 7, username: 'alice', isActive: true };
const users = () => new MemoryUserStore([ALICE], { alice: 'alice-password' });

describe('obtainSlidingToken', () => {
  test('answers one sliding token for the user who logged in', async () => {
    const context = serviceContext({ userStore: users() });
    const { token } = await obtainSlidingToken(context, { username: 'alice', password: 'alice-password' }, {});
    const decoded = await SlidingToken.decode(context, token);
    assert.equal(decoded.payload.user_id, '7');
    assert.equal(decoded.payload.token_type, 'sliding');
  });

  test('records the token as outstanding with its user, as for_user does on the blacklist-aware class', async () => {
    const store = new MemoryBlacklistStore();
    const context = serviceContext({ userStore: users(), blacklistStore: store });
    const { token } = await obtainSlidingToken(context, { username: 'alice', password: 'alice-password' }, {});
    assert.deepEqual(store.writes(), ['outstand']);
    const claims = claimsOf(token);
    // A sliding token's row lives until its last possible renewal expires (leeway 0 here).
    const expiresAt = new Date((Number(claims.refresh_exp) + context.settings.slidingTokenLifetime) * 1000);
    assert.deepEqual(store.calls[0]?.args[0], { jti: claims.jti, userId: '7', token, createdAt: context.clock.now(), expiresAt });
  });

  test('refuses wrong credentials with no_active_account, issuing and recording nothing', async () => {
    const store = new MemoryBlacklistStore();
    const userStore = users();
    const context = serviceContext({ userStore, blacklistStore: store, updateLastLogin: true });
    await assert.rejects(obtainSlidingToken(context, { username: 'alice', password: 'wrong' }, {}), { code: 'no_active_account' });
    assert.deepEqual(store.calls, []);
    assert.deepEqual(userStore.lastLogins, []);
  });

  test('with updateLastLogin, records the login at the clock\'s now', async () => {
    const userStore = users();
    const context = serviceContext({ userStore, updateLastLogin: true });
    await obtainSlidingToken(context, { username: 'alice', password: 'alice-password' }, {});
    assert.deepEqual(userStore.lastLogins, [{ user: ALICE, at: context.clock.now() }]);
  });

  test('charges the login throttle for the username and the client address given', async () => {
    const throttle = new RecordingThrottleStore();
    const context = serviceContext({ userStore: users(), loginThrottle: { store: throttle } });
    await obtainSlidingToken(context, { username: 'alice', password: 'alice-password' }, {}, '203.0.113.9');
    assert.deepEqual(throttle.calls[0]?.args[0], ['username:alice', 'address:203.0.113.9']);
  });
});
