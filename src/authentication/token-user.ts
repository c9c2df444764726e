import type { Token } from '../tokens/token.js';

/**
 * A user built from a validated token's claims, with no store read (Simple JWT's `TokenUser`,
 * used by stateless security names). Always active; staff and superuser flags come from claims.
 *
 * `id` is the user-id claim as a string, or `null` when the claim is `null` (Simple JWT's
 * `TokenUser.id` is then `None`): stringifying it would invent an id `"null"` that a downstream
 * lookup could match.
 *
 * @example
 * const user = new TokenUser(token, 'user_id');
 * user.id // '42'
 */
export class TokenUser {
  readonly id: string | null;
  readonly pk: string | null;
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
    const id = token.payload[userIdClaim];
    this.id = id === null || id === undefined ? null : String(id);
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
