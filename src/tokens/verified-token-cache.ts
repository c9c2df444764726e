import { RecencyMap } from '../recency-map.js';
import type { Claims } from '../backend/token-backend.js';

/** Options of {@link VerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens held at once; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
}

interface Entry {
  /** The whole token string: a lookup hits only when it is equal. */
  token: string;
  claims: Readonly<Claims>;
  /** Epoch milliseconds of the token's `exp`: never served past it. */
  expiresAt: number;
}

/**
 * The index of a token in the cache: its last characters, which are signature (a JWS ends with its
 * signature). A fresh request's token string has no hash yet, and hashing 16 characters instead of
 * the whole 200-odd saves about a quarter of a hit's cost; the entry is then matched on the whole
 * string, so the index only narrows the search.
 */
const INDEX_LENGTH = 16;
function indexOf(token: string): string {
  return token.length > INDEX_LENGTH ? token.slice(-INDEX_LENGTH) : token;
}

/**
 * Verified token strings and their claims, so a token seen before skips the signature check.
 *
 * - Matched on the whole token string, so the signature is part of the key: a token altered in any
 *   byte is a miss and is verified in full. (Entries are indexed by the signature's last
 *   characters and then compared whole; two valid tokens sharing that index take turns, each a
 *   miss for the other, never a wrong answer.)
 * - Only tokens that passed the backend's checks and carry a numeric `exp` are stored, and never
 *   past that `exp`; invalid tokens are never stored.
 * - Bounded ({@link RecencyMap}: least recently used first), so many distinct valid tokens cannot
 *   exhaust memory.
 * - A hit only replaces the backend step: expiry (with leeway), type, id and the blacklist are
 *   still checked on every use by the token class.
 *
 * @example
 * const cache = new VerifiedTokenCache({ maxEntries: 50_000 });
 */
export class VerifiedTokenCache {
  readonly maxEntries: number;
  /** By {@link indexOf} the token. */
  readonly #entries: RecencyMap<string, Entry>;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('VerifiedTokenCache: maxEntries must be a positive integer');
    this.maxEntries = maxEntries;
    this.#entries = new RecencyMap(maxEntries);
  }

  /** Number of tokens held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The claims of `token` (a fresh shallow copy the caller may change), or undefined when it is
   * not held or its `exp` is at or before `nowMs - leewayMs` (then it is dropped, and the caller's
   * full check produces the exact error).
   */
  get(token: string, nowMs: number, leewayMs: number): Claims | undefined {
    const index = indexOf(token);
    const entry = this.#entries.get(index);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.expiresAt <= nowMs - leewayMs) {
      this.#entries.delete(index);
      return undefined;
    }
    return { ...entry.claims };
  }

  /** Holds `claims` of a token that just passed the backend's checks. Tokens without `exp` are not held. */
  set(token: string, claims: Claims): void {
    const exp = claims.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return;
    this.#entries.set(indexOf(token), { token, claims: Object.freeze({ ...claims }), expiresAt: exp * 1000 });
  }

  /** Forgets every token. */
  clear(): void {
    this.#entries.clear();
  }
}
