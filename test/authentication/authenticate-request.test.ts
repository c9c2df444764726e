import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { authenticateRequest } from '../../src/authentication/authenticate-request.js';
import { TokenUser } from '../../src/authentication/token-user.js';
import { AuthenticationError, PermissionDeniedError } from '../../src/errors.js';
import type { ServiceContext } from '../../src/services/service-context.js';
import type { AuthUser, UserStore } from '../../src/stores/user-store.js';
import type { SimpleJwtOptions } from '../../src/settings.js';

const ALICE: AuthUser = { id: 1, username: 'alice', isActive: true };

/** A store holding only alice (id 1) that records every lookup. */
function recordingStore(): UserStore & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    authenticate: () => Promise.resolve(null),
    findUser: (field, value) => {
      lookups.push(value);
      return Promise.resolve(field === 'id' && value === '1' ? ALICE : null);
    },
    updateLastLogin: () => Promise.resolve(),
  };
}

function contextWith(options: Omit<SimpleJwtOptions, 'signingKey'> = {}): ServiceContext & { userStore: ReturnType<typeof recordingStore> } {
  const userStore = recordingStore();
  const settings = resolveSettings({ signingKey: 'k'.repeat(32), ...options });
  return { settings, backend: createTokenBackend(settings), userStore };
}

/** An Authorization header carrying a fresh access token (no user claim) plus `claims`. */
function bearer(context: ServiceContext, claims: Record<string, unknown>): string {
  const token = AccessToken.create(context);
  for (const [claim, value] of Object.entries(claims)) token.set(claim, value);
  return `Bearer ${token.sign()}`;
}

async function failure(promise: Promise<unknown>): Promise<AuthenticationError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AuthenticationError, String(error));
    return error;
  }
  assert.fail('expected an AuthenticationError');
}

const NO_USER_ID = { detail: 'Token contained no recognizable user identification', code: 'token_not_valid' };
const USER_NOT_FOUND = { detail: 'User not found', code: 'user_not_found' };

describe('authenticateRequest on a stateful security name', () => {
  test('rejects a token without the user-id claim: token_not_valid, no lookup', async () => {
    const context = contextWith();
    const error = await failure(authenticateRequest(context, bearer(context, {}), 'jwt'));
    assert.deepEqual(error.body, NO_USER_ID);
    assert.deepEqual(context.userStore.lookups, []);
  });

  test('rejects a null user-id claim as user_not_found, without a lookup', async () => {
    const context = contextWith();
    const error = await failure(authenticateRequest(context, bearer(context, { user_id: null }), 'jwt'));
    assert.deepEqual(error.body, USER_NOT_FOUND);
    assert.deepEqual(context.userStore.lookups, []);
  });

  test('rejects an empty user-id claim as user_not_found, after looking "" up', async () => {
    const context = contextWith();
    const error = await failure(authenticateRequest(context, bearer(context, { user_id: '' }), 'jwt'));
    assert.deepEqual(error.body, USER_NOT_FOUND);
    assert.deepEqual(context.userStore.lookups, ['']);
  });

  test('resolves the stored user for a present id', async () => {
    const context = contextWith();
    const { user } = await authenticateRequest(context, bearer(context, { user_id: '1' }), 'jwt');
    assert.equal(user, ALICE);
  });

  test('rejects a token lacking a required scope with 403 and DRF\'s plain {"detail"} body', async () => {
    const context = contextWith();
    await assert.rejects(authenticateRequest(context, bearer(context, { user_id: '1', scope: 'read' }), 'jwt', ['admin']), (error: unknown) => {
      assert.ok(error instanceof PermissionDeniedError);
      assert.equal(error.status, 403);
      assert.equal(error.code, 'permission_denied');
      assert.deepEqual(error.body, { detail: 'You do not have permission to perform this action.' });
      return true;
    });
  });
});

describe('authenticateRequest on a stateless security name', () => {
  test('rejects a token without the user-id claim: token_not_valid', async () => {
    const context = contextWith({ statelessSecurityNames: ['jwt'] });
    const error = await failure(authenticateRequest(context, bearer(context, {}), 'jwt'));
    assert.deepEqual(error.body, NO_USER_ID);
  });

  test('builds a TokenUser with a null id from a null user-id claim, without the store', async () => {
    const context = contextWith({ statelessSecurityNames: ['jwt'] });
    const { user } = await authenticateRequest(context, bearer(context, { user_id: null }), 'jwt');
    assert.ok(user instanceof TokenUser);
    assert.equal(user.id, null);
    assert.deepEqual(context.userStore.lookups, []);
  });

  test('builds a TokenUser with the id "" from an empty user-id claim', async () => {
    const context = contextWith({ statelessSecurityNames: ['jwt'] });
    const { user } = await authenticateRequest(context, bearer(context, { user_id: '' }), 'jwt');
    assert.ok(user instanceof TokenUser);
    assert.equal(user.id, '');
  });
});
