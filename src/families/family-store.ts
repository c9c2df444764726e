/**
 * The port of refresh-token families: plain data in, plain data out. The default adapter is
 * `KnexFamilyStore` (PostgreSQL, tables of our own); the core never imports it.
 *
 * A family is the chain of refresh tokens that one login started: the pair obtained at login
 * starts it and each rotation's successor joins its predecessor's family. Tokens issued elsewhere
 * (a Django service sharing the blacklist tables) belong to no family and behave as before.
 */

/** Who made a request, as far as the transport can tell (both optional). */
export interface ClientInfo {
  /** The client's IP address; stored only as a hash. */
  ip?: string | undefined;
  /** The `User-Agent` header. */
  userAgent?: string | undefined;
}

/** A family to start: the login's refresh token is its first member. */
export interface NewFamily {
  /** A fresh random id (32 hex characters). */
  id: string;
  /** The user id claim's value (null for a token without one). */
  userId: string | null;
  createdAt: Date;
  userAgent: string | null;
  ipHash: string | null;
  /** The login's refresh token. */
  token: FamilyMember;
}

/** One refresh token of a family, as recorded when issued. */
export interface FamilyMember {
  jti: string;
  /** The signed token (kept on its predecessor's row, so a retry within the grace window can be answered with it). */
  token: string;
  /** The jti of the access token issued with it (tells which session a request's access token belongs to). */
  accessJti: string | null;
  /** When its row may be flushed (the token's `exp` plus leeway). */
  expiresAt: Date;
}

/** What the store knows about a refresh token that was presented after it had been consumed. */
export interface ConsumedToken {
  familyId: string;
  userId: string | null;
  familyCreatedAt: Date;
  /** The family was revoked (reuse, a session revocation, log out everywhere). */
  revoked: boolean;
  /** When this token was rotated, or null when it never was (blacklisted some other way). */
  rotatedAt: Date | null;
  /** The signed successor that the rotation issued (null when not rotated). */
  successorToken: string | null;
  /** The successor has been rotated too: this token is not the newest's immediate predecessor. */
  successorRotated: boolean;
}

/** What {@link FamilyStore.claimRotation} found. */
export type RotationClaim =
  /** This call recorded the successor: it won the rotation. */
  | { outcome: 'claimed'; familyId: string }
  /** The token belongs to no family (issued before families, or by another service). */
  | { outcome: 'no-family' }
  /** The family was revoked: refuse. */
  | { outcome: 'revoked'; familyId: string }
  /** The family is older than `familyMaxLifetime`: refuse, the user logs in again. */
  | { outcome: 'expired'; familyId: string }
  /** Another rotation of the same token got there first (a retry, a race or a replay). */
  | { outcome: 'rotated'; consumed: ConsumedToken };

/** A live family, for the sessions listing. */
export interface FamilySession {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  userAgent: string | null;
  ipHash: string | null;
  /** The jtis of the access tokens issued with the family's refresh tokens (to spot the current one). */
  accessJtis: string[];
}

/**
 * Where families and per-user "not before" times live. Every method throws
 * `ServiceUnavailableError` when the database fails; none answers "not revoked" because of a
 * failure.
 */
export interface FamilyStore {
  /** Records a new family and its first token. */
  startFamily(family: NewFamily): Promise<void>;
  /**
   * Records `successor` as the replacement of `consumedJti`, atomically: of N concurrent calls for
   * one consumed token exactly one resolves `claimed`, the others `rotated` with what the winner
   * recorded. `createdAfter`: families created at or before it are `expired` (familyMaxLifetime).
   * Also touches the family's `last_used_at` when it is older than a minute.
   */
  claimRotation(consumedJti: string, successor: FamilyMember, now: Date, createdAfter: Date | null): Promise<RotationClaim>;
  /** What is known about a consumed (blacklisted) token; null when it belongs to no family. */
  consumedToken(jti: string): Promise<ConsumedToken | null>;
  /**
   * Revokes a family atomically: marks it revoked and blacklists every outstanding token of it, in
   * one statement. With `userId`, only a family of that user. Resolves false when there was no
   * such family, or it was revoked already.
   */
  revokeFamily(familyId: string, now: Date, userId?: string): Promise<boolean>;
  /** Revokes the family `jti` belongs to, if any (a logged-out refresh token ends its session). */
  revokeFamilyOf(jti: string, now: Date): Promise<boolean>;
  /** Revokes every live family of the user except `keep` (none: all). Resolves the count. */
  revokeOtherFamilies(userId: string, keep: string | null, now: Date): Promise<number>;
  /** The user's live families (not revoked, some token unexpired), newest first. */
  listFamilies(userId: string, now: Date): Promise<FamilySession[]>;
  /** Family ids of the given refresh-token jtis (those that belong to one). */
  familiesOf(jtis: readonly string[]): Promise<Map<string, string>>;
  /**
   * "Log out everywhere": the user's `revoked_before` becomes `at` (never earlier than it was),
   * and every family of the user is marked revoked.
   */
  revokeUserBefore(userId: string, at: Date): Promise<void>;
  /**
   * The user's `revoked_before` in epoch milliseconds, or null. The per-request check: answered
   * from memory when the store follows the table (no I/O), otherwise from the database.
   */
  revokedBefore(userId: string): number | null | Promise<number | null>;
  /** Deletes families whose every token has expired at `now`, and their token rows. Resolves the count. */
  flushExpired(now: Date): Promise<number>;
  /** Optional startup check (`jwt.ready()`): rejects naming the fix when the store cannot work. */
  ready?(): Promise<void>;
}
