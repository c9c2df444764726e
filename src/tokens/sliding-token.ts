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
   * A sliding refresh re-issues the same jti with a later `exp`, so the outstanding row (and with
   * it any blacklist entry) must live as long as any renewal can: the last one may come at the end
   * of the refresh window (plus leeway) and gives `exp` = then + `slidingTokenLifetime`, accepted
   * for `leeway` more. Simple JWT keeps the first `exp` here, and its flush can resurrect a
   * blacklisted sliding token.
   */
  override flushAfter(): number {
    const { slidingTokenRefreshExpClaim, slidingTokenLifetime, leeway } = this.context.settings;
    const windowEnd = Number(this.payload[slidingTokenRefreshExpClaim]);
    const lastExp = windowEnd + leeway + slidingTokenLifetime;
    return Number.isFinite(windowEnd) ? Math.max(super.flushAfter(), lastExp + leeway) : super.flushAfter();
  }

  /** The refresh window is set once, at creation: `now + slidingTokenRefreshLifetime`. */
  override initializeClaims(): void {
    const { slidingTokenRefreshExpClaim, slidingTokenRefreshLifetime } = this.context.settings;
    this.setExp(slidingTokenRefreshExpClaim, this.currentTime, slidingTokenRefreshLifetime);
  }
}
