import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { SlidingToken } from '../../src/tokens/sliding-token.js';
import { refreshAccessToken } from '../../src/services/refresh-access-token.js';
import { refreshSlidingToken } from '../../src/services/refresh-sliding-token.js';
import { AccountError } from '../../src/errors.js';
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
