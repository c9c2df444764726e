/**
 * The login throttle's policy as plain data and arithmetic: how many failures a key (a username,
 * a client address) may have before it waits, and how the wait grows. Stores apply it; the
 * in-memory store calls {@link countFailure} itself and the PostgreSQL function mirrors it (both
 * run the same contract tests).
 */

/** One budget. Durations are seconds. */
export interface ThrottleRule {
  /** Failures allowed before the key must wait: the `failures`-th failure starts the first wait. */
  readonly failures: number;
  /** Failures are forgotten this long after the last failure or wait, whichever ends later. */
  readonly windowSeconds: number;
  /** The first wait; each further failure doubles it. */
  readonly delaySeconds: number;
  /** The longest wait. */
  readonly maxDelaySeconds: number;
}

/** What a store keeps per key. Times are epoch milliseconds; `blockedUntilMs` 0 when not waiting. */
export interface ThrottleState {
  failures: number;
  lastFailureMs: number;
  blockedUntilMs: number;
}

/**
 * Per username: 5 failures, then 60 s, doubling to at most 15 minutes, forgotten after 15 quiet
 * minutes. An attacker gets about 100 guesses per account per day (NIST SP 800-63B §5.2.2 caps
 * consecutive failures at 100), a user who mistyped five times waits one minute.
 */
export const DEFAULT_USERNAME_RULE: ThrottleRule = Object.freeze({ failures: 5, windowSeconds: 900, delaySeconds: 60, maxDelaySeconds: 900 });

/**
 * Per client address: ten times the username budget, since one address may be a whole office
 * behind NAT; it stops one machine from spraying passwords over many usernames.
 */
export const DEFAULT_ADDRESS_RULE: ThrottleRule = Object.freeze({ failures: 50, windowSeconds: 900, delaySeconds: 60, maxDelaySeconds: 900 });

/** Doubling stops growing the exponent here (2^30 s is far past any sane maxDelaySeconds). */
const MAX_DOUBLINGS = 30;

/** Milliseconds `state` still has to wait at `nowMs` (0: it may try). */
export function waitMs(state: ThrottleState | undefined, nowMs: number): number {
  return state ? Math.max(0, state.blockedUntilMs - nowMs) : 0;
}

/**
 * The state after one more failure at `nowMs` (the caller has checked that the key is not
 * waiting). The n-th failure with n >= `failures` waits `delaySeconds * 2^(n - failures)`, capped.
 *
 * @example
 * let state; for (let i = 0; i < 5; i++) state = countFailure(state, DEFAULT_USERNAME_RULE, now);
 * state.blockedUntilMs - now; // 60000
 */
export function countFailure(state: ThrottleState | undefined, rule: ThrottleRule, nowMs: number): ThrottleState {
  const fresh = !state || state.failures === 0 || nowMs - Math.max(state.lastFailureMs, state.blockedUntilMs) >= rule.windowSeconds * 1000;
  const failures = (fresh ? 0 : state.failures) + 1;
  const blockedUntilMs = failures >= rule.failures ? nowMs + delaySeconds(rule, failures) * 1000 : 0;
  return { failures, lastFailureMs: nowMs, blockedUntilMs };
}

/** The wait the `failures`-th failure starts, in seconds. */
export function delaySeconds(rule: ThrottleRule, failures: number): number {
  return Math.min(rule.maxDelaySeconds, rule.delaySeconds * 2 ** Math.min(MAX_DOUBLINGS, failures - rule.failures));
}

/**
 * The state after a counted attempt turned out to be a success: its failure is taken back, and
 * a wait it started is lifted. `undefined` when nothing is left to remember.
 */
export function refundFailure(state: ThrottleState | undefined, rule: ThrottleRule): ThrottleState | undefined {
  if (!state || state.failures <= 1) return undefined;
  const failures = state.failures - 1;
  return { ...state, failures, blockedUntilMs: failures < rule.failures ? 0 : state.blockedUntilMs };
}
