import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { AccessToken } from '../../src/tokens/access-token.js';
import { authenticateRequest } from '../../src/authentication/authenticate-request.js';
import { TokenUser } from '../../src/authentication/token-user.js';
import { AuthenticationError, NotAuthenticatedError, PermissionDeniedError, ServiceUnavailableError } from '../../src/errors.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { SlidingToken } from '../../src/tokens/sliding-token.js';
import { passwordFingerprint } from '../../src/tokens/password-fingerprint.js';
import type { BlacklistStore } from '../../src/stores/blacklist-store.js';
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

describe('authenticateRequest with several required scopes', () => {
  test('requires every scope: a token granting only some of them is refused with 403', async () => {
    const context = contextWith();
    for (const scope of ['read', 'admin', ['read'], 'reader admins', '']) {
      await assert.rejects(
        authenticateRequest(context, bearer(context, { user_id: '1', scope }), 'jwt', ['read', 'admin']),
        (error: unknown) => error instanceof PermissionDeniedError && error.status === 403,
        JSON.stringify(scope),
      );
    }
  });

  test('accepts a token granting all of them, as a space-separated string or an array, in any order', async () => {
    const context = contextWith();
    for (const scope of ['read admin', 'admin  read write', ['admin', 'read']]) {
      const { user } = await authenticateRequest(context, bearer(context, { user_id: '1', scope }), 'jwt', ['read', 'admin']);
      assert.equal(user, ALICE, JSON.stringify(scope));
    }
  });
});

describe('authenticateRequest with checkRevokeToken', () => {
  test('rejects a token without the password fingerprint claim: password_changed', async () => {
    const context = contextWith({ checkRevokeToken: true });
    const error = await failure(authenticateRequest(context, bearer(context, { user_id: '1' }), 'jwt'));
    assert.deepEqual(error.body, { detail: "The user's password has been changed.", code: 'password_changed' });
  });

  test('rejects a stale fingerprint and accepts the current one', async () => {
    const context = contextWith({ checkRevokeToken: true });
    const stale = await failure(authenticateRequest(context, bearer(context, { user_id: '1', hash_password: 'STALE' }), 'jwt'));
    assert.equal(stale.code, 'password_changed');
    const { user } = await authenticateRequest(context, bearer(context, { user_id: '1', hash_password: passwordFingerprint(ALICE) }), 'jwt');
    assert.equal(user, ALICE);
  });
});

describe('authenticateRequest when a store fails while the token is validated', () => {
  /** A blacklist store whose lookups fail with `error`; the rest is never reached. */
  function failingBlacklist(error: Error): BlacklistStore {
    const never = () => Promise.reject(new Error('not used'));
    return { outstand: never, blacklist: never, rotate: never, unblacklist: never, blacklistUser: never, listUserTokens: never, flushExpired: never, isBlacklisted: () => Promise.reject(error) };
  }

  test('passes the store\'s error on as it is, never as a token_not_valid failure', async () => {
    for (const thrown of [new ServiceUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:5432')), new Error('driver text')]) {
      const context = contextWith({ blacklistStore: failingBlacklist(thrown), authTokenClasses: { jwt: [AccessToken, SlidingToken] } });
      const sliding = SlidingToken.create(context);
      sliding.set('user_id', '1');
      await assert.rejects(authenticateRequest(context, `Bearer ${sliding.sign()}`, 'jwt'), (error: unknown) => error === thrown, thrown.message);
    }
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

describe('authenticateRequest: the pipeline around the token', () => {
  test('rejects an unconfigured security name with an Error naming it and the known names (a deployment bug)', async () => {
    const context = contextWith({ authTokenClasses: { jwt: [AccessToken], jwt_sliding: [SlidingToken] } });
    await assert.rejects(
      authenticateRequest(context, bearer(context, { user_id: '1' }), 'admin'),
      (error: unknown) => error instanceof Error && !(error instanceof AuthenticationError) && /security name "admin" is not configured in authTokenClasses \(known: jwt, jwt_sliding\)/.test(error.message),
    );
  });

  test('a stateful name without a user store: an Error saying what to configure', async () => {
    const settings = resolveSettings({ signingKey: 'k'.repeat(32) });
    const context: ServiceContext = { settings, backend: createTokenBackend(settings), userStore: undefined };
    await assert.rejects(authenticateRequest(context, bearer(context, { user_id: '1' }), 'jwt'), /stateful authentication needs a userStore/);
  });

  test('no header, or another keyword: credentials were not provided, and no lookup', async () => {
    const context = contextWith();
    for (const header of [undefined, 'Basic abc']) {
      await assert.rejects(authenticateRequest(context, header, 'jwt'), (error: unknown) => error instanceof NotAuthenticatedError && error.status === 401);
    }
    assert.deepEqual(context.userStore.lookups, []);
  });

  test('tries the classes in order: the first that validates wins; when none does, one 401 lists each failure in order', async () => {
    const context = contextWith({ authTokenClasses: { jwt: [AccessToken, SlidingToken] } });
    const sliding = SlidingToken.create(context);
    sliding.set('user_id', '1');
    const { user, token } = await authenticateRequest(context, `Bearer ${sliding.sign()}`, 'jwt');
    assert.equal(user, ALICE);
    assert.ok(token instanceof SlidingToken);
    const refresh = RefreshToken.create(context);
    refresh.set('user_id', '1');
    const error = await failure(authenticateRequest(context, `Bearer ${refresh.sign()}`, 'jwt'));
    assert.deepEqual(error.body, {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [
        { token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' },
        { token_class: 'SlidingToken', token_type: 'sliding', message: 'Token has wrong type' },
      ],
    });
  });

  test('an inactive user is refused (user_inactive) unless checkUserIsActive is false', async () => {
    const inactive = { ...ALICE, isActive: false };
    for (const [options, refused] of [[{}, true], [{ checkUserIsActive: false }, false]] as const) {
      const context = contextWith(options);
      context.userStore.findUser = () => Promise.resolve(inactive);
      const attempt = authenticateRequest(context, bearer(context, { user_id: '1' }), 'jwt');
      if (refused) assert.deepEqual((await failure(attempt)).body, { detail: 'User is inactive', code: 'user_inactive' });
      else assert.equal((await attempt).user, inactive);
    }
  });

  test('looks the user up by userIdField, from the userIdClaim', async () => {
    const context = contextWith({ userIdField: 'uuid', userIdClaim: 'sub' });
    const seen: [string, string][] = [];
    context.userStore.findUser = (field, value) => {
      seen.push([field, value]);
      return Promise.resolve(ALICE);
    };
    await authenticateRequest(context, bearer(context, { sub: 'u-1', user_id: 'ignored' }), 'jwt');
    assert.deepEqual(seen, [['uuid', 'u-1']]);
  });

  test('with checkRevokeToken, compares with the store\'s own fingerprint when it has one', async () => {
    const context = contextWith({ checkRevokeToken: true });
    context.userStore.passwordFingerprint = () => 'STORE-FINGERPRINT';
    const { user } = await authenticateRequest(context, bearer(context, { user_id: '1', hash_password: 'STORE-FINGERPRINT' }), 'jwt');
    assert.equal(user, ALICE);
    const error = await failure(authenticateRequest(context, bearer(context, { user_id: '1', hash_password: passwordFingerprint(ALICE) }), 'jwt'));
    assert.equal(error.code, 'password_changed');
  });

  test('reads scopes from scopeClaim; a claim that is neither a string nor an array grants nothing', async () => {
    const context = contextWith({ scopeClaim: 'scp' });
    const { user } = await authenticateRequest(context, bearer(context, { user_id: '1', scp: ['admin'], scope: 'nothing' }), 'jwt', ['admin']);
    assert.equal(user, ALICE);
    for (const scp of [undefined, 42, { admin: true }]) {
      await assert.rejects(authenticateRequest(context, bearer(context, { user_id: '1', scp, scope: 'admin' }), 'jwt', ['admin']), PermissionDeniedError, JSON.stringify(scp));
    }
    const { user: noScopes } = await authenticateRequest(context, bearer(context, { user_id: '1' }), 'jwt', []);
    assert.equal(noScopes, ALICE, 'no required scope: no scope claim needed');
  });
});
