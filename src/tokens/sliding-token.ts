import { Token } from './token.js';
import type { ResolvedSettings } from '../settings.js';

/**
 * A token that authenticates until `exp` and, until its refresh window ends
 * (`slidingTokenRefreshExpClaim`, default `refresh_exp`), can be exchanged for a copy of itself
 * with a renewed `exp` (type `sliding`, `slidingTokenLifetime`).
 */
export class SlidingToken extends Token {
  static override readonly tokenType: string = 'sliding';
  static override readonly blacklistAware: boolean = true;
  static override lifetime(settings: ResolvedSettings): number {
    return settings.slidingTokenLifetime;
  }

  /**
   * A sliding refresh re-issues the same jti with a later `exp`, up to the refresh window, so the
   * outstanding row (and with it any blacklist entry) must live until the window closes. Simple
   * JWT keeps the first `exp` here, and its flush can resurrect a blacklisted sliding token.
   */
  override flushAfter(): number {
    const windowEnd = Number(this.payload[this.context.settings.slidingTokenRefreshExpClaim]);
    return Number.isFinite(windowEnd) ? Math.max(super.flushAfter(), windowEnd) : super.flushAfter();
  }

  /** The refresh window is set once, at creation: `now + slidingTokenRefreshLifetime`. */
  override initializeClaims(): void {
    const { slidingTokenRefreshExpClaim, slidingTokenRefreshLifetime } = this.context.settings;
    this.setExp(slidingTokenRefreshExpClaim, this.currentTime, slidingTokenRefreshLifetime);
  }
}
