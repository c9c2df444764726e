import { RefreshToken } from '../tokens/refresh-token.js';
import { SettingsError, TokenError } from '../errors.js';
import { outstandingRecord } from './outstanding-record.js';
import type { ServiceContext } from './service-context.js';

/**
 * `POST /token/blacklist` (Simple JWT's `TokenBlacklistSerializer`): the refresh token is verified
 * fully (so an already blacklisted one is 401 "Token is blacklisted" and an access token "Token
 * has wrong type"), recorded if it never was, and blacklisted. Of concurrent calls with one token,
 * exactly one succeeds.
 */
export async function blacklistToken(context: ServiceContext, encoded: string): Promise<Record<string, never>> {
  const store = context.settings.blacklistStore;
  if (!store) throw new SettingsError('blacklistStore', 'the blacklist endpoint needs a blacklist store');
  const refresh = await RefreshToken.decode(context, encoded);
  if (!(await store.blacklist(await outstandingRecord(context, refresh, encoded)))) throw new TokenError('Token is blacklisted');
  // A logged-out refresh token ends its session: its family can no longer be retried or listed.
  const jti = context.settings.jtiClaim === null ? undefined : refresh.payload[context.settings.jtiClaim];
  if (typeof jti === 'string') await context.settings.familyStore?.revokeFamilyOf(jti, context.settings.clock.now());
  return {};
}
