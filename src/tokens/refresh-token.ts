import { Token, createToken } from './token.js';
import { AccessToken } from './access-token.js';
import type { TokenClass } from './token.js';
import type { ResolvedSettings } from '../settings.js';

/**
 * A long-lived token exchanged for access tokens (type `refresh`, `refreshTokenLifetime`).
 * Never accepted for authentication.
 */
export class RefreshToken extends Token {
  static override readonly tokenType: string = 'refresh';
  static override readonly blacklistAware: boolean = true;
  static override lifetime(settings: ResolvedSettings): number {
    return settings.refreshTokenLifetime;
  }
  /** The class derived access tokens are made of (Simple JWT's `access_token_class`). */
  static accessTokenClass: TokenClass<AccessToken> = AccessToken;

  /** Claims never copied into a derived access token: type, `exp`, the id claim, `jti`, `iat`. */
  noCopyClaims(): Set<string> {
    const { tokenTypeClaim, jtiClaim } = this.context.settings;
    const claims = new Set(['exp', 'jti', 'iat']);
    if (tokenTypeClaim !== null) claims.add(tokenTypeClaim);
    if (jtiClaim !== null) claims.add(jtiClaim);
    return claims;
  }

  /**
   * A new access token carrying every other claim of this one (user id, fingerprint, custom
   * claims), its own jti and iat, and `exp` counted from this token's `currentTime`, so a pair
   * made together expires from the same instant (Simple JWT's `access_token` property).
   */
  accessToken(): AccessToken {
    const cls = (this.constructor as typeof RefreshToken).accessTokenClass;
    const access = createToken(cls, this.context);
    access.setExp('exp', this.currentTime);
    const skip = this.noCopyClaims();
    for (const [claim, value] of Object.entries(this.payload)) {
      if (!skip.has(claim)) access.payload[claim] = value;
    }
    return access;
  }
}
