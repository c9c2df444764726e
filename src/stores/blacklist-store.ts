/**
 * A token as the outstanding-token table records it (Simple JWT's `OutstandingToken` row).
 */
export interface OutstandingToken {
  /** The token id claim value (unique). */
  jti: string;
  /** The user id claim value, or null for a token without one (or a user that no longer exists). */
  userId: string | null;
  /** The signed token string, as Simple JWT stores it. */
  token: string;
  /** When the token was issued (null for rows Simple JWT made without it). */
  createdAt: Date | null;
  /**
   * When the row may be flushed. For refresh tokens their `exp`; for sliding tokens the later of
   * `exp` and the refresh window, so a blacklisted sliding token cannot come back after a flush.
   */
  expiresAt: Date;
}

/** A row of the outstanding table with its blacklist state, for listings. */
export interface OutstandingTokenRow extends OutstandingToken {
  id: string;
  blacklistedAt: Date | null;
}

/**
 * Where revocation lives: Simple JWT's `token_blacklist` app. The default implementation is
 * `KnexBlacklistStore` on PostgreSQL. Every method throws `ServiceUnavailableError` when the
 * database fails; none of them ever answers "not blacklisted" because of a failure.
 */
export interface BlacklistStore {
  /** Records an issued token; recording the same jti twice keeps one row. */
  outstand(token: OutstandingToken): Promise<void>;
  /**
   * Records the token if needed and blacklists it. Resolves true when this call blacklisted it,
   * false when it already was (Simple JWT's `(row, created)`).
   */
  blacklist(token: OutstandingToken): Promise<boolean>;
  /**
   * Atomically blacklists `consumed` and records `issued`, in one transaction: of N concurrent
   * calls with the same `consumed.jti`, exactly one resolves true; the others resolve false
   * and record nothing.
   */
  rotate(consumed: OutstandingToken, issued: OutstandingToken | null): Promise<boolean>;
  /** Is this jti blacklisted? The per-request check: one indexed lookup. */
  isBlacklisted(jti: string): Promise<boolean>;
  /** Removes the blacklist entry of a jti. Resolves true when there was one. */
  unblacklist(jti: string): Promise<boolean>;
  /** Blacklists every outstanding, unexpired token of a user ("log out everywhere"). Resolves the count. */
  blacklistUser(userId: string, now: Date): Promise<number>;
  /** Lists a user's outstanding tokens, newest first. */
  listUserTokens(userId: string): Promise<OutstandingTokenRow[]>;
  /** Deletes outstanding rows with `expires_at <= now` (their blacklist rows go by cascade) in batches. Resolves the count. */
  flushExpired(now: Date, options?: { batchSize?: number; onProgress?: (deleted: number) => void }): Promise<number>;
  /**
   * Optional startup check (`jwt.ready()` calls it): rejects with an Error naming the fix when the
   * store cannot serve (its tables are missing, the database is unreachable).
   */
  ready?(): Promise<void>;
}
