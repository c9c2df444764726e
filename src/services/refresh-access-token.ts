import { RefreshToken } from '../tokens/refresh-token.js';
import { checkTokenUser } from './check-token-user.js';
import type { ServiceContext } from './service-context.js';

/** The 200 body of `POST /token/refresh`: `refresh` only when rotating. */
export interface RefreshResult {
  access: string;
  refresh?: string;
}

/**
 * `POST /token/refresh` (Simple JWT main's `TokenRefreshSerializer`): verify the refresh token,
 * check its user, derive an access token from it and, with rotateRefreshTokens, return the same
 * token with a new jti, `exp` and `iat` (every other claim carried over unchanged).
 */
export async function refreshAccessToken(context: ServiceContext, encoded: string): Promise<RefreshResult> {
  const refresh = await RefreshToken.decode(context, encoded);
  await checkTokenUser(context, refresh);
  const result: RefreshResult = { access: refresh.accessToken().sign() };
  if (context.settings.rotateRefreshTokens) {
    refresh.setJti();
    refresh.setExp();
    refresh.setIat();
    result.refresh = refresh.sign();
  }
  return result;
}
