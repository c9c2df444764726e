import type { ThrottleRule } from './throttle-rule.js';

/** One key an attempt is counted against, with its budget. */
export interface ThrottleCharge {
  readonly key: string;
  readonly rule: ThrottleRule;
}

/** One remembered key, as the CLI lists it. */
export interface ThrottleEntry {
  key: string;
  failures: number;
  lastFailureAt: Date;
  /** When the key may try again; null when it is not waiting. */
  blockedUntil: Date | null;
}

/**
 * Where login throttles are counted: `MemoryLoginThrottleStore` for one process,
 * `KnexLoginThrottleStore` (PostgreSQL) across instances. Every method is atomic: of concurrent
 * attempts on one key, exactly the budget's worth get through.
 */
export interface LoginThrottleStore {
  /**
   * If any key is waiting at `now`, counts nothing and resolves the longest wait in
   * milliseconds; otherwise counts one failure on every key (the attempt is assumed to fail until
   * {@link settle} says otherwise) and resolves 0.
   */
  charge(charges: readonly ThrottleCharge[], now: Date): Promise<number>;
  /** The charged attempt succeeded: forget the `forget` keys and take back the failure counted on `refund`. */
  settle(forget: readonly string[], refund: readonly ThrottleCharge[]): Promise<void>;
  /** Remembered keys starting with `prefix`, by key. */
  list(prefix: string): Promise<ThrottleEntry[]>;
  /** Forgets these keys; resolves how many were remembered. */
  clear(keys: readonly string[]): Promise<number>;
}
