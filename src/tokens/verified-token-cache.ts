import type { Claims } from '../backend/token-backend.js';

/** Options of {@link VerifiedTokenCache}. */
export interface VerifiedTokenCacheOptions {
  /** Most tokens held at once; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
}

interface Entry {
  claims: Readonly<Claims>;
  /** Epoch milliseconds of the token's `exp`: never served past it. */
  expiresAt: number;
  /** When it was last (re)inserted, counted in insertions. */
  seq: number;
}

/**
 * Verified token strings and their claims, so a token seen before skips the signature check.
 *
 * - Keyed by the whole token string, so the signature is part of the key: a token altered in any
 *   byte is a miss and is verified in full.
 * - Only tokens that passed the backend's checks and carry a numeric `exp` are stored, and never
 *   past that `exp`; invalid tokens are never stored.
 * - Bounded (LRU), so many distinct valid tokens cannot exhaust memory. A hit moves a token to
 *   the young end only once it has aged by half the capacity (counted in insertions): a token used
 *   at least that often is never evicted, and the common hit skips the Map's delete and set,
 *   which cost more than the lookup itself.
 * - A hit only replaces the backend step: expiry (with leeway), type, id and the blacklist are
 *   still checked on every use by the token class.
 *
 * @example
 * const cache = new VerifiedTokenCache({ maxEntries: 50_000 });
 */
export class VerifiedTokenCache {
  readonly maxEntries: number;
  // A Map iterates in insertion order; re-inserting on a hit keeps the first key the LRU one.
  readonly #entries = new Map<string, Entry>();
  #seq = 0;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('VerifiedTokenCache: maxEntries must be a positive integer');
    this.maxEntries = maxEntries;
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
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= nowMs - leewayMs) {
      this.#entries.delete(token);
      return undefined;
    }
    if (this.#seq - entry.seq >= this.maxEntries / 2) {
      this.#entries.delete(token);
      entry.seq = ++this.#seq;
      this.#entries.set(token, entry);
    }
    return { ...entry.claims };
  }

  /** Holds `claims` of a token that just passed the backend's checks. Tokens without `exp` are not held. */
  set(token: string, claims: Claims): void {
    const exp = claims.exp;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return;
    this.#entries.delete(token);
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, { claims: Object.freeze({ ...claims }), expiresAt: exp * 1000, seq: ++this.#seq });
  }

  /** Forgets every token. */
  clear(): void {
    this.#entries.clear();
  }
}
