import { RefreshToken } from '../tokens/refresh-token.js';
import { BlacklistedTokenError } from '../tokens/token.js';
import { TokenError } from '../errors.js';
import { checkTokenUser } from './check-token-user.js';
import { outstandingRecord } from './outstanding-record.js';
import { claimRotation, familiesOf, familyMember, jtiOf, replayConsumed } from '../families/family-rotation.js';
import type { ClientInfo } from '../families/family-store.js';
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
  /** Who asks (IP, user agent), for `onReuseDetected`. */
  client?: ClientInfo;
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
 *
 * With reuseDetection the rotation is first claimed in the token's family (see
 * `families/family-rotation.ts`): a consumed token presented again within the grace window gets
 * the same successor back with a fresh access token; any other replay revokes the family.
 */
export async function refreshAccessToken(context: ServiceContext, encoded: string, options: RefreshOptions = {}): Promise<RefreshResult> {
  const { rotateRefreshTokens, blacklistAfterRotation, blacklistStore, reuseDetection } = context.settings;
  const client = options.client ?? {};
  let refresh: RefreshToken;
  try {
    refresh = await RefreshToken.decode(context, encoded);
  } catch (error) {
    if (!(reuseDetection && error instanceof BlacklistedTokenError)) throw error;
    const replayed = error.token as RefreshToken;
    const successor = await replayConsumed(context, String(jtiOf(context, replayed)), client);
    if (options.checkUser !== false) await checkTokenUser(context, replayed);
    return { access: replayed.accessToken().sign(), refresh: successor };
  }
  const blacklistOld = async () => void (await blacklistStore?.blacklist(await outstandingRecord(context, refresh, encoded)));
  // null: the token names no user (every user check is skipped, and its row has no user).
  const user = options.checkUser === false ? undefined : await checkTokenUser(context, refresh, blacklistStore && blacklistOld);
  const consumed = await outstandingRecord(context, refresh, encoded, user);
  const access = refresh.accessToken();
  const result: RefreshResult = { access: access.sign() };
  if (rotateRefreshTokens) {
    refresh.setJti();
    refresh.setExp();
    refresh.setIat();
    const signed = refresh.sign();
    if (blacklistStore && blacklistAfterRotation) {
      if (reuseDetection) {
        const claim = await claimRotation(context, consumed.jti, familyMember(context, refresh, signed, jtiOf(context, access)), client);
        if (claim !== 'go') return { access: result.access, refresh: claim.successor };
      }
      if (!(await blacklistStore.rotate(consumed, await outstandingRecord(context, refresh, signed, user)))) {
        // Blacklisted meanwhile (a log-out): the successor just claimed must not be handed out later.
        if (reuseDetection) await familiesOf(context)?.revokeFamilyOf(consumed.jti, context.settings.clock.now());
        throw new TokenError('Token is blacklisted');
      }
    } else {
      await blacklistStore?.outstand(await outstandingRecord(context, refresh, signed, user));
    }
    result.refresh = signed;
  }
  return result;
}
