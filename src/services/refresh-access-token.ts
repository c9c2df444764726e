import { RefreshToken } from '../tokens/refresh-token.js';
import { TokenError } from '../errors.js';
import { checkTokenUser } from './check-token-user.js';
import { outstandingRecord } from './outstanding-record.js';
import type { ServiceContext } from './service-context.js';

/** The 200 body of `POST /token/refresh`: `refresh` only when rotating. */
export interface RefreshResult {
  access: string;
  refresh?: string;
}

/** Options of the refresh services. */
export interface RefreshOptions {
  /**
   * Run Simple JWT main's user checks (exists, passes the rule, password unchanged). Default
   * true; `false` is Ninja JWT 5.4.5's refresh, which looks no user up.
   */
  checkUser?: boolean;
}

/**
 * `POST /token/refresh` (Simple JWT main's `TokenRefreshSerializer`): verify the refresh token
 * (blacklist included), check its user, derive an access token from it and, with
 * rotateRefreshTokens, return the same token with a new jti, `exp` and `iat` (every other claim
 * carried over unchanged), recorded as outstanding.
 *
 * With blacklistAfterRotation the old token is consumed atomically: of concurrent refreshes of
 * one token exactly one succeeds and the others get "Token is blacklisted" (Simple JWT checks and
 * inserts separately, so two can succeed).
 */
export async function refreshAccessToken(context: ServiceContext, encoded: string, options: RefreshOptions = {}): Promise<RefreshResult> {
  const { rotateRefreshTokens, blacklistAfterRotation, blacklistStore } = context.settings;
  const refresh = await RefreshToken.decode(context, encoded);
  const blacklistOld = async () => void (await blacklistStore?.blacklist(await outstandingRecord(context, refresh, encoded)));
  // null: the token names no user (every user check is skipped, and its row has no user).
  const user = options.checkUser === false ? undefined : await checkTokenUser(context, refresh, blacklistStore && blacklistOld);
  const consumed = await outstandingRecord(context, refresh, encoded, user);
  const result: RefreshResult = { access: refresh.accessToken().sign() };
  if (rotateRefreshTokens) {
    refresh.setJti();
    refresh.setExp();
    refresh.setIat();
    const signed = refresh.sign();
    if (blacklistStore && blacklistAfterRotation) {
      if (!(await blacklistStore.rotate(consumed, await outstandingRecord(context, refresh, signed, user)))) throw new TokenError('Token is blacklisted');
    } else {
      await blacklistStore?.outstand(await outstandingRecord(context, refresh, signed, user));
    }
    result.refresh = signed;
  }
  return result;
}
