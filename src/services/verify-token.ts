import { UntypedToken } from '../tokens/untyped-token.js';
import { TokenError, ValidationError } from '../errors.js';
import { isStorableJti } from '../tokens/storable-claims.js';
import type { ServiceContext } from './service-context.js';

/**
 * `POST /token/verify`: the signature, `exp` and id are checked; the type is not (Simple JWT's
 * `TokenVerifySerializer`). Only with blacklistAfterRotation is the blacklist consulted, and then
 * a blacklisted token is Simple JWT's 400 `{"non_field_errors": ["Token is blacklisted"]}`.
 * Resolves to Simple JWT's empty body.
 */
export async function verifyToken(context: ServiceContext, encoded: string): Promise<Record<string, never>> {
  const token = await UntypedToken.decode(context, encoded);
  const { blacklistAfterRotation, blacklistStore, jtiClaim } = context.settings;
  if (blacklistAfterRotation && blacklistStore && jtiClaim !== null) {
    const jti = token.payload[jtiClaim];
    // A jti the blacklist cannot hold is refused before any query, as the blacklist-aware tokens do.
    if (typeof jti === 'string' && !isStorableJti(jti)) throw new TokenError('Token is invalid');
    if (typeof jti === 'string' && (await blacklistStore.isBlacklisted(jti))) {
      throw new ValidationError({ non_field_errors: ['Token is blacklisted'] });
    }
  }
  return {};
}
