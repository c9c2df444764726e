import { SlidingToken } from '../tokens/sliding-token.js';
import { checkTokenUser } from './check-token-user.js';
import { outstandingRecord } from './outstanding-record.js';
import type { ServiceContext } from './service-context.js';
import type { SlidingTokenResult } from './obtain-sliding-token.js';
import type { RefreshOptions } from './refresh-access-token.js';

/**
 * `POST /token/sliding/refresh` (Simple JWT main's `TokenRefreshSlidingSerializer`): the token is
 * verified fully, so one whose `exp` has passed cannot be refreshed; its user is checked; its
 * refresh window must still be open (leeway applies); then the same token (same jti, same
 * refresh window) comes back with `exp = now + slidingTokenLifetime` and a new `iat`.
 */
export async function refreshSlidingToken(context: ServiceContext, encoded: string, options: RefreshOptions = {}): Promise<SlidingTokenResult> {
  const token = await SlidingToken.decode(context, encoded);
  const blacklist = context.settings.blacklistStore;
  if (options.checkUser !== false) await checkTokenUser(context, token, blacklist && (async () => void (await blacklist.blacklist(await outstandingRecord(context, token, encoded)))));
  token.checkExp(context.settings.slidingTokenRefreshExpClaim);
  token.setExp();
  token.setIat();
  return { token: token.sign() };
}
