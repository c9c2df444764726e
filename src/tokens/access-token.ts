import { Token } from './token.js';
import type { ResolvedSettings } from '../settings.js';

/** A short-lived token that authenticates requests (type `access`, `accessTokenLifetime`). Never stored. */
export class AccessToken extends Token {
  static override readonly tokenType: string = 'access';
  static override lifetime(settings: ResolvedSettings): number {
    return settings.accessTokenLifetime;
  }
}
