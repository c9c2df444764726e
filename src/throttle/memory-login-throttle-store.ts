import { countFailure, refundFailure, waitMs } from './throttle-rule.js';
import type { LoginThrottleStore, ThrottleCharge, ThrottleEntry } from './login-throttle-store.js';
import type { ThrottleState } from './throttle-rule.js';

/** Options of {@link MemoryLoginThrottleStore}. */
export interface MemoryLoginThrottleStoreOptions {
  /** Keys remembered at most; the oldest is forgotten first. Default 100,000 (about 10 MB). */
  maxEntries?: number;
}

/**
 * Login throttles in this process's memory: right for an app with one instance (each instance
 * of several would count on its own; use `KnexLoginThrottleStore` there). Bounded: an attacker
 * inventing usernames can make it forget the oldest keys, never grow without limit.
 *
 * @example
 * createSimpleJwt({ signingKey, userStore, loginThrottle: { store: new MemoryLoginThrottleStore() } });
 */
export class MemoryLoginThrottleStore implements LoginThrottleStore {
  readonly #entries = new Map<string, ThrottleState>();
  readonly #maxEntries: number;

  constructor(options: MemoryLoginThrottleStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('MemoryLoginThrottleStore: maxEntries must be a positive integer');
    this.#maxEntries = maxEntries;
  }

  async charge(charges: readonly ThrottleCharge[], now: Date): Promise<number> {
    const nowMs = now.getTime();
    const wait = Math.max(0, ...charges.map((charge) => waitMs(this.#entries.get(charge.key), nowMs)));
    if (wait > 0) return wait;
    for (const { key, rule } of charges) {
      const next = countFailure(this.#entries.get(key), rule, nowMs);
      // Re-inserted, so the Map's first key is the one touched longest ago.
      this.#entries.delete(key);
      this.#entries.set(key, next);
    }
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
    return 0;
  }

  async settle(forget: readonly string[], refund: readonly ThrottleCharge[]): Promise<void> {
    for (const key of forget) this.#entries.delete(key);
    for (const { key, rule } of refund) {
      const next = refundFailure(this.#entries.get(key), rule);
      if (next) this.#entries.set(key, next);
      else this.#entries.delete(key);
    }
  }

  async list(prefix: string): Promise<ThrottleEntry[]> {
    return [...this.#entries]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, state]) => ({
        key,
        failures: state.failures,
        lastFailureAt: new Date(state.lastFailureMs),
        blockedUntil: state.blockedUntilMs > 0 ? new Date(state.blockedUntilMs) : null,
      }));
  }

  async clear(keys: readonly string[]): Promise<number> {
    let cleared = 0;
    for (const key of keys) if (this.#entries.delete(key)) cleared += 1;
    return cleared;
  }
}
