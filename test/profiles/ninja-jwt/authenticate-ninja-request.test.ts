import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../../src/resolve-settings.js';
import { createTokenBackend } from '../../../src/backend/create-token-backend.js';
import { AccessToken } from '../../../src/tokens/access-token.js';
import { RefreshToken } from '../../../src/tokens/refresh-token.js';
import { SlidingToken } from '../../../src/tokens/sliding-token.js';
import { TokenUser } from '../../../src/authentication/token-user.js';
import { authenticateNinjaRequest } from '../../../src/profiles/ninja-jwt/authenticate-ninja-request.js';
import { AuthenticationError, NotAuthenticatedError, PermissionDeniedError } from '../../../src/errors.js';
import type { ServiceContext } from '../../../src/services/service-context.js';
import type { AuthUser, UserStore } from '../../../src/stores/user-store.js';
import type { SimpleJwtOptions } from '../../../src/settings.js';

const ALICE: AuthUser = { id: 1, username: 'alice', isActive: true };
const BOB: AuthUser = { id: 2, username: 'bob', isActive: false };

/** A store holding alice (id 1) and inactive bob (id 2) that records every lookup. */
function recordingStore(): UserStore & { lookups: Array<[string, string]> } {
  const lookups: Array<[string, string]> = [];
  return {
    lookups,
    authenticate: () => Promise.resolve(null),
    findUser: (field, value) => {
      lookups.push([field, value]);
      const user = [ALICE, BOB].find((each) => String(each[field as 'id']) === value);
      return Promise.resolve(user ?? null);
    },
    updateLastLogin: () => Promise.resolve(),
  };
}

function contextWith(options: Omit<SimpleJwtOptions, 'signingKey'> = {}): ServiceContext & { userStore: ReturnType<typeof recordingStore> } {
  const userStore = recordingStore();
  const settings = resolveSettings({ signingKey: 'k'.repeat(32), ...options });
  return { settings, backend: createTokenBackend(settings), userStore };
}

/** A signed access token (or another class) carrying `claims` (undefined removes one). */
function tokenWith(context: ServiceContext, claims: Record<string, unknown>, type: typeof AccessToken = AccessToken): string {
  const token = type.create(context);
  for (const [claim, value] of Object.entries(claims)) {
    if (value === undefined) token.delete(claim);
    else token.set(claim, value);
  }
  return token.sign();
}

async function refusal(promise: Promise<unknown>): Promise<{ name: string; code: string; status: number; body: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; code: string; status: number; body: unknown };
  }
  assert.fail('expected a refusal');
}

describe('authenticateNinjaRequest', () => {
  test('authenticates a bearer token: the stored user and the validated token, the user looked up by userIdField as text', async () => {
    const context = contextWith();
    const token = tokenWith(context, { user_id: 1 });
    const { user, token: validated } = await authenticateNinjaRequest(context, `Bearer ${token}`, 'jwt');
    assert.equal(user, ALICE);
    assert.equal(validated.payload.user_id, 1);
    assert.ok(validated instanceof AccessToken);
    assert.deepEqual(context.userStore.lookups, [['id', '1']]);
  });

  test('reads the scheme in any case and the rest of the header as the token; no header or another scheme is NotAuthenticatedError', async () => {
    const context = contextWith();
    const token = tokenWith(context, { user_id: 1 });
    assert.equal((await authenticateNinjaRequest(context, `bEaReR ${token}`, 'jwt')).user, ALICE);
    for (const header of [undefined, '', `Basic ${token}`, `JWT ${token}`]) {
      assert.ok((await refusal(authenticateNinjaRequest(context, header, 'jwt'))) instanceof NotAuthenticatedError, String(header));
    }
    assert.deepEqual(context.userStore.lookups, [['id', '1']]);
  });

  test('refuses a security name that is not configured, naming the known ones', async () => {
    const context = contextWith({ authTokenClasses: { jwt: [AccessToken], jwt_any: [AccessToken, SlidingToken] } });
    await assert.rejects(authenticateNinjaRequest(context, 'Bearer x', 'nope'), {
      message: 'koa-simple-jwt: security name "nope" is not configured in authTokenClasses (known: jwt, jwt_any)',
    });
  });

  test('tries only the security name\'s token classes: a refresh token on "jwt" is token_not_valid', async () => {
    const context = contextWith();
    const error = await refusal(authenticateNinjaRequest(context, `Bearer ${tokenWith(context, { user_id: 1 }, RefreshToken)}`, 'jwt'));
    assert.deepEqual([error.code, error.status], ['token_not_valid', 401]);
    assert.deepEqual(context.userStore.lookups, []);
  });

  test('a token without the user-id claim is token_not_valid, looking nobody up', async () => {
    const context = contextWith({ userIdClaim: 'uid' });
    const error = await refusal(authenticateNinjaRequest(context, `Bearer ${tokenWith(context, { uid: undefined })}`, 'jwt'));
    assert.ok(error instanceof AuthenticationError);
    assert.deepEqual(error.body, { detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
    assert.deepEqual(context.userStore.lookups, []);
  });

  test('an unknown user, or a null user id, is user_not_found; a null id is looked up by nobody', async () => {
    const context = contextWith();
    for (const id of [9, null]) {
      const error = await refusal(authenticateNinjaRequest(context, `Bearer ${tokenWith(context, { user_id: id })}`, 'jwt'));
      assert.ok(error instanceof AuthenticationError);
      assert.deepEqual(error.body, { detail: 'User not found', code: 'user_not_found' }, String(id));
    }
    assert.deepEqual(context.userStore.lookups, [['id', '9']]);
  });

  test('an inactive user is user_inactive, even with checkUserIsActive off (Ninja JWT has no such setting)', async () => {
    for (const checkUserIsActive of [true, false]) {
      const context = contextWith({ checkUserIsActive });
      const error = await refusal(authenticateNinjaRequest(context, `Bearer ${tokenWith(context, { user_id: 2 })}`, 'jwt'));
      assert.ok(error instanceof AuthenticationError);
      assert.deepEqual(error.body, { detail: 'User is inactive', code: 'user_inactive' });
    }
  });

  test('reads the user-id claim and field the settings name', async () => {
    const context = contextWith({ userIdClaim: 'uid', userIdField: 'username' });
    const { user } = await authenticateNinjaRequest(context, `Bearer ${tokenWith(context, { uid: 'alice' })}`, 'jwt');
    assert.equal(user, ALICE);
    assert.deepEqual(context.userStore.lookups, [['username', 'alice']]);
  });

  test('a stateless security name builds a TokenUser from the claim, looking nobody up', async () => {
    const context = contextWith({ statelessSecurityNames: ['jwt'] });
    const { user } = await authenticateNinjaRequest(context, `Bearer ${tokenWith(context, { user_id: 9 })}`, 'jwt');
    assert.ok(user instanceof TokenUser);
    assert.equal(user.id, 9);
    assert.deepEqual(context.userStore.lookups, []);
  });

  test('a stateful security name without a user store is a plain Error saying so', async () => {
    const context: ServiceContext = { ...contextWith(), userStore: undefined };
    await assert.rejects(authenticateNinjaRequest(context, `Bearer ${tokenWith(context, { user_id: 1 })}`, 'jwt'), {
      name: 'Error',
      message: 'koa-simple-jwt: stateful authentication needs a userStore (or list the security name in statelessSecurityNames)',
    });
  });

  test('requires every scope asked for: PermissionDeniedError with only some, the user with all', async () => {
    const context = contextWith();
    const token = tokenWith(context, { user_id: 1, scope: 'read write' });
    assert.equal((await authenticateNinjaRequest(context, `Bearer ${token}`, 'jwt', ['read', 'write'])).user, ALICE);
    assert.ok((await refusal(authenticateNinjaRequest(context, `Bearer ${token}`, 'jwt', ['read', 'admin']))) instanceof PermissionDeniedError);
  });
});
