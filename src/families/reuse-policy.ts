import type { ConsumedToken } from './family-store.js';

/** What to do with a consumed refresh token presented again. */
export type ReplayDecision =
  /** Answer with the same successor and a fresh access token (an idempotent retry). */
  | 'retry'
  /** Revoke the family, tell `onReuseDetected`, answer 401 "Token is blacklisted". */
  | 'revoke'
  /** Answer 401 "Token is blacklisted" and nothing else (already revoked, or not consumed by a rotation). */
  | 'refuse';

/**
 * The reuse-detection rule (RFC 9700 §4.14.2, with a grace window for lost responses): a consumed
 * token presented again within `graceSeconds` of its rotation, when it is the immediate
 * predecessor of the family's newest token, is a retry; any other presentation of a rotated token
 * is reuse. A token of a revoked family, or one blacklisted without a rotation (a log-out), is
 * simply refused.
 *
 * @example
 * decideReplay(consumed, clock.now(), 10); // 'retry' | 'revoke' | 'refuse'
 */
export function decideReplay(consumed: ConsumedToken, now: Date, graceSeconds: number): ReplayDecision {
  if (consumed.revoked || consumed.rotatedAt === null) return 'refuse';
  const withinGrace = now.getTime() < consumed.rotatedAt.getTime() + graceSeconds * 1000;
  if (withinGrace && !consumed.successorRotated && consumed.successorToken !== null) return 'retry';
  return 'revoke';
}
