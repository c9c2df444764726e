/**
 * Revocation tools for code (a cron job, an admin endpoint, a "log out everywhere" button):
 * thin functions over a {@link BlacklistStore}, the same ones the CLI commands call.
 */
import type { BlacklistStore } from './blacklist-store.js';
import type { FamilyStore } from '../families/family-store.js';
import type { BlacklistJtiResult, KnexBlacklistStore, UnblacklistJtiResult } from './knex-blacklist-store.js';

/** Options of {@link flushExpiredTokens}. */
export interface FlushExpiredTokensOptions {
  /** Rows whose `expires_at` is at or before this go. Default: now. */
  now?: Date;
  /** Rows deleted per batch (each batch its own short transaction). Default 10 000. */
  batchSize?: number;
  /** Called after every batch with the running total. */
  onProgress?: (deleted: number) => void;
}

/**
 * Deletes expired outstanding tokens and their blacklist entries (Simple JWT's
 * `flushexpiredtokens`), in batches, safe to run while the service serves traffic. An expired
 * token fails its `exp` check anyway, so its row is of no further use. Resolves the count.
 *
 * @example
 * const deleted = await flushExpiredTokens(store, { onProgress: (n) => console.log(n) });
 */
export async function flushExpiredTokens(store: BlacklistStore, options: FlushExpiredTokensOptions = {}): Promise<number> {
  const { now = new Date(), batchSize, onProgress } = options;
  return store.flushExpired(now, { batchSize, onProgress });
}

/**
 * "Log out everywhere": blacklists every outstanding token of a user that has not expired at
 * `now`. Resolves how many tokens this call blacklisted.
 *
 * With `families` (a {@link FamilyStore}), the user's `revoked_before` becomes `now` as well: every
 * token of the user issued before it, access tokens included, is refused on every instance that
 * has a family store (within the LISTEN/NOTIFY delay), and the user's sessions end. Without it,
 * access tokens already issued stay valid until their (short) `exp`, as in Simple JWT.
 * `userId` is the user id claim's value, which is the user's primary key with the default
 * `userIdField`.
 *
 * @example
 * await revokeUserTokens(store, String(user.id), new Date(), families); // 3
 */
export async function revokeUserTokens(store: BlacklistStore, userId: string, now: Date = new Date(), families?: Pick<FamilyStore, 'revokeUserBefore'>): Promise<number> {
  // revoked_before first: it is what reaches access tokens, and it cannot be undone by a race.
  await families?.revokeUserBefore(userId, now);
  return store.blacklistUser(userId, now);
}

/**
 * Blacklists a recorded token by its jti. Resolves `'unknown'` when no outstanding row has that
 * jti (nothing to blacklist: a token the store never saw cannot be revoked by jti alone).
 *
 * @example
 * await blacklistTokenByJti(store, '5f0c...'); // 'blacklisted' | 'already' | 'unknown'
 */
export async function blacklistTokenByJti(store: KnexBlacklistStore, jti: string): Promise<BlacklistJtiResult> {
  return store.blacklistJti(jti);
}

/**
 * Lifts the blacklist entry of a jti; the token is accepted again until it expires.
 *
 * @example
 * await unblacklistTokenByJti(store, '5f0c...'); // 'unblacklisted' | 'not-blacklisted' | 'unknown'
 */
export async function unblacklistTokenByJti(store: KnexBlacklistStore, jti: string): Promise<UnblacklistJtiResult> {
  return store.unblacklistJti(jti);
}
