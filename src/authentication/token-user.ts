import type { Token } from '../tokens/token.js';

/**
 * A user built from a validated token's claims, with no store read (Simple JWT's `TokenUser`,
 * used by stateless security names). Always active; staff and superuser flags come from claims.
 *
 * @example
 * const user = new TokenUser(token, 'user_id');
 * user.id // '42'
 */
export class TokenUser {
  readonly id: string;
  readonly pk: string;
  readonly username: string;
  readonly isActive = true;
  readonly isStaff: boolean;
  readonly isSuperuser: boolean;
  readonly isAuthenticated = true;
  readonly isAnonymous = false;
  /** The validated token this user was built from. */
  readonly token: Token;

  constructor(token: Token, userIdClaim: string) {
    this.token = token;
    this.id = String(token.payload[userIdClaim]);
    this.pk = this.id;
    const username = token.payload.username;
    this.username = typeof username === 'string' ? username : '';
    this.isStaff = token.payload.is_staff === true;
    this.isSuperuser = token.payload.is_superuser === true;
  }

  /** Any other claim of the token (Simple JWT falls back to claims for unknown attributes). */
  claim(name: string): unknown {
    return this.token.payload[name];
  }

  equals(other: unknown): boolean {
    return other instanceof TokenUser && other.id === this.id;
  }

  toString(): string {
    return `TokenUser ${this.id}`;
  }
}
