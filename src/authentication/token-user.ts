import { isDeepStrictEqual } from 'node:util';
import type { Token } from '../tokens/token.js';

/** A value a JSON claim can hold (RFC 8259 §3). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A user built from a validated token's claims, with no store read (Simple JWT's `TokenUser`,
 * used by stateless security names). Always active; staff and superuser flags come from claims.
 *
 * `id` is the user-id claim as the token holds it, JSON type kept, as Simple JWT main's
 * `TokenUser.id` returns the claim: `999999` stays a number (what Simple JWT <= 5.5.0 and many
 * Django services issue), `"42"` a string, `null` null.
 *
 * @example
 * const user = new TokenUser(token, 'user_id');
 * user.id // '42' for {"user_id": "42"}, 42 for {"user_id": 42}
 */
export class TokenUser {
  readonly id: JsonValue;
  readonly pk: JsonValue;
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
    this.id = id === undefined ? null : (id as JsonValue);
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
    // Python's `==` on the ids: equal values of one JSON type (1 == 1.0; "1" != 1).
    return other instanceof TokenUser && isDeepStrictEqual(other.id, this.id);
  }

  toString(): string {
    return `TokenUser ${typeof this.id === 'string' ? this.id : JSON.stringify(this.id)}`;
  }
}
