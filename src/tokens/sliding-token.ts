import { Token } from './token.js';
import type { ResolvedSettings } from '../settings.js';

/**
 * A token that authenticates until `exp` and, until its refresh window ends
 * (`slidingTokenRefreshExpClaim`, default `refresh_exp`), can be exchanged for a copy of itself
 * with a renewed `exp` (type `sliding`, `slidingTokenLifetime`).
 */
export class SlidingToken extends Token {
  static override readonly tokenType: string = 'sliding';
  static override lifetime(settings: ResolvedSettings): number {
    return settings.slidingTokenLifetime;
  }

  /** The refresh window is set once, at creation: `now + slidingTokenRefreshLifetime`. */
  override initializeClaims(): void {
    const { slidingTokenRefreshExpClaim, slidingTokenRefreshLifetime } = this.context.settings;
    this.setExp(slidingTokenRefreshExpClaim, this.currentTime, slidingTokenRefreshLifetime);
  }
}
