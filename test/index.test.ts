import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '../src/index.js';

test('the public entry point exports exactly this list', () => {
  assert.deepEqual(Object.keys(api).sort(), [
    'ALGORITHMS',
    'AccessToken',
    'AccountError',
    'AuthenticationError',
    'BlacklistMirror',
    'ExpiredTokenError',
    'InternalError',
    'KnexBlacklistStore',
    'KnexUserStore',
    'NotAuthenticatedError',
    'PermissionDeniedError',
    'RefreshToken',
    'ServiceUnavailableError',
    'SettingsError',
    'SimpleJwtError',
    'SlidingToken',
    'Token',
    'TokenError',
    'TokenUser',
    'UntypedToken',
    'ValidationError',
    'blacklistTokenByJti',
    'createSimpleJwt',
    'createTokenBackend',
    'docsRoute',
    'flushExpiredTokens',
    'koaAuthentication',
    'makeDjangoPassword',
    'mergeOpenApi',
    'migrate',
    'openApiDocument',
    'openApiRoute',
    'revokeUserTokens',
    'systemClock',
    'unblacklistTokenByJti',
    'verifyDjangoPassword',
  ]);
});
