import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyToken } from '../../src/services/verify-token.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { SlidingToken } from '../../src/tokens/sliding-token.js';
import { ValidationError } from '../../src/errors.js';
import { MemoryBlacklistStore, serviceContext } from '../support/service-fakes.js';
import { tokenRefusal } from '../support/token-context.js';

describe('verifyToken', () => {
  test('answers the empty body for an access, a refresh and a sliding token alike: the type is not checked', async () => {
    const context = serviceContext();
    for (const cls of [AccessToken, RefreshToken, SlidingToken]) {
      assert.deepEqual(await verifyToken(context, cls.create(context).sign()), {}, cls.name);
    }
  });

  test('refuses a token with a bad signature, or past its exp', async () => {
    const context = serviceContext();
    const other = serviceContext({ accessTokenLifetime: 60 }, context.clock);
    const forged = AccessToken.create(other).sign().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await tokenRefusal(verifyToken(context, forged))).message, 'Token is invalid');
    const soon = AccessToken.create(other).sign();
    context.clock.advance(61);
    assert.equal((await tokenRefusal(verifyToken(context, soon))).message, 'Token is expired');
  });

  test('without blacklistAfterRotation, never asks the blacklist: a blacklisted refresh token still verifies', async () => {
    const store = new MemoryBlacklistStore();
    const context = serviceContext({ blacklistStore: store });
    const refresh = RefreshToken.create(context);
    store.blacklisted.add(String(refresh.payload.jti));
    assert.deepEqual(await verifyToken(context, refresh.sign()), {});
    assert.deepEqual(store.calls, []);
  });

  describe('with blacklistAfterRotation', () => {
    const rotating = () => {
      const store = new MemoryBlacklistStore();
      return { store, context: serviceContext({ blacklistStore: store, rotateRefreshTokens: true, blacklistAfterRotation: true }) };
    };

    test('refuses a blacklisted token with Simple JWT\'s 400 {"non_field_errors": ["Token is blacklisted"]}', async () => {
      const { store, context } = rotating();
      const refresh = RefreshToken.create(context);
      const jti = String(refresh.payload.jti);
      store.blacklisted.add(jti);
      await assert.rejects(verifyToken(context, refresh.sign()), (error: unknown) => {
        assert.ok(error instanceof ValidationError);
        assert.equal(error.status, 400);
        assert.deepEqual(error.body, { non_field_errors: ['Token is blacklisted'] });
        return true;
      });
      assert.deepEqual(store.calls, [{ method: 'isBlacklisted', args: [jti] }]);
    });

    test('asks the blacklist about any type and answers the empty body when the jti is not on it', async () => {
      const { store, context } = rotating();
      const access = AccessToken.create(context);
      assert.deepEqual(await verifyToken(context, access.sign()), {});
      assert.deepEqual(store.calls, [{ method: 'isBlacklisted', args: [access.payload.jti] }]);
    });

    test('refuses a jti the blacklist cannot hold (a NUL, over 255 characters) as "Token is invalid", before any query', async () => {
      const { store, context } = rotating();
      for (const jti of ['a\u0000b', 'x'.repeat(256)]) {
        const access = AccessToken.create(context);
        access.set('jti', jti);
        assert.equal((await tokenRefusal(verifyToken(context, access.sign()))).message, 'Token is invalid', JSON.stringify(jti).slice(0, 20));
      }
      assert.deepEqual(store.calls, []);
      const longest = AccessToken.create(context);
      longest.set('jti', 'x'.repeat(255));
      assert.deepEqual(await verifyToken(context, longest.sign()), {});
    });

    test('under a renamed id claim (not checked by the backend), an id that is not a string is not looked up: the empty body', async () => {
      const store = new MemoryBlacklistStore();
      const context = serviceContext({ blacklistStore: store, rotateRefreshTokens: true, blacklistAfterRotation: true, jtiClaim: 'id' });
      for (const id of [42, ['x'], { x: 1 }]) {
        const access = AccessToken.create(context);
        access.set('id', id);
        assert.deepEqual(await verifyToken(context, access.sign()), {}, JSON.stringify(id));
      }
      assert.deepEqual(store.calls, []);
      const named = AccessToken.create(context);
      await verifyToken(context, named.sign());
      assert.deepEqual(store.calls, [{ method: 'isBlacklisted', args: [named.payload.id] }]);
    });

    test('a jti that is not a string never reaches the blacklist: the backend refuses it first (PyJWT\'s claim check)', async () => {
      const { store, context } = rotating();
      const access = AccessToken.create(context);
      access.set('jti', 42);
      assert.equal((await tokenRefusal(verifyToken(context, access.sign()))).message, 'Token is invalid');
      assert.deepEqual(store.calls, []);
    });
  });
});
