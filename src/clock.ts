/**
 * The source of "now" for every time-dependent rule (token `exp`/`iat`, expiry checks, last login).
 * Injected so that tests and deployments control time; never read `Date.now()` elsewhere in the core.
 *
 * @example
 * const frozen: Clock = { now: () => new Date('2000-01-01T00:00:00Z') };
 */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });

/**
 * Seconds since the epoch as an integer, fractions truncated, as Simple JWT's
 * `datetime_to_epoch` does (RFC 7519 §2 NumericDate).
 */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
