/** What `onReuseDetected` is told when a replayed refresh token revoked its family. */
export interface ReuseDetectedEvent {
  /** The user id claim's value of the replayed token (null when it has none). */
  userId: string | null;
  familyId: string;
  /** The jti of the replayed token. */
  jti: string;
  /** The replaying client's IP address and user agent, when the transport told them. */
  ip: string | null;
  userAgent: string | null;
}

/** The `onReuseDetected` setting: for alerting. */
export type ReuseDetectedHook = (event: ReuseDetectedEvent) => void | Promise<void>;

/**
 * Calls the hook without letting it break the request: a throw or a rejection is swallowed (the
 * hook is for alerting; the answer is the 401 either way), and the request does not wait for it.
 */
export function fireReuseDetected(hook: ReuseDetectedHook | undefined, event: ReuseDetectedEvent): void {
  if (!hook) return;
  try {
    const result = hook(event);
    if (result && typeof (result as Promise<void>).catch === 'function') (result as Promise<void>).catch(() => undefined);
  } catch {
    // Ignored on purpose: see above.
  }
}
