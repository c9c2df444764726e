import { randomUUID } from 'node:crypto';
import { epochSeconds } from '../clock.js';
import { ExpiredTokenError, TokenError } from '../errors.js';
import { TokenBackendError } from '../backend/token-backend.js';
import type { Claims, TokenBackend } from '../backend/token-backend.js';
import type { ResolvedSettings } from '../settings.js';
import type { AuthUser } from '../stores/user-store.js';
import type { OutstandingToken } from '../stores/blacklist-store.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';
import { passwordFingerprint } from './password-fingerprint.js';
import { userLookupValue } from '../authentication/user-lookup-value.js';
import { isStorableEpoch, isStorableJti } from './storable-claims.js';

/** What every token needs: the settings it follows and the backend that signs it. */
export interface TokenContext {
  readonly settings: ResolvedSettings;
  readonly backend: TokenBackend;
  /** Verified tokens seen before, when the cache is on (see `verifiedTokenCache`). */
  readonly verifiedTokens?: VerifiedTokenCache;
}

/** A concrete token class (AccessToken, RefreshToken, ... or a deployment's own subclass). */
export interface TokenClass<T extends Token = Token> {
  new (context: TokenContext, payload: Claims, currentTime: Date, encoded: string | null): T;
  /** The value of the token type claim, e.g. `'access'`. */
  readonly tokenType: string;
  /** Seconds from issue to `exp` under `settings`. */
  lifetime(settings: ResolvedSettings): number;
}

/**
 * Simple JWT's `Token`: a payload of claims with its rules. Create one with `Class.create(context)`
 * or decode one with `await Class.decode(context, string)`; sign it with `sign()`.
 * Constructors only store values (no I/O, no decoding), unlike Simple JWT's.
 *
 * @example
 * const token = AccessToken.create(context);
 * token.set('scope', 'read');
 * const jwt = token.sign();
 */
export abstract class Token {
  /** The token type claim value. Subclasses set it. */
  static readonly tokenType: string = '';
  /**
   * Whether tokens of this class are recorded and checked against the blacklist (Simple JWT's
   * `BlacklistMixin`): refresh and sliding tokens are, access tokens never.
   */
  static readonly blacklistAware: boolean = false;
  /** Seconds from issue to `exp`. Subclasses override. */
  static lifetime(_settings: ResolvedSettings): number {
    return 0;
  }

  readonly context: TokenContext;
  /** The claims. Mutate through `set`/`delete` or directly. */
  readonly payload: Claims;
  /** The instant this token object was made or decoded: "now" for all its checks. */
  readonly currentTime: Date;
  /** The encoded string it was decoded from, if any. */
  readonly encoded: string | null;

  constructor(context: TokenContext, payload: Claims, currentTime: Date, encoded: string | null) {
    this.context = context;
    this.payload = payload;
    this.currentTime = currentTime;
    this.encoded = encoded;
  }

  /** This token's class (for its type and lifetime). */
  get tokenClass(): TokenClass {
    return this.constructor as TokenClass;
  }

  /** The class name, as it appears in Simple JWT's `messages[].token_class`. */
  get tokenClassName(): string {
    return this.constructor.name;
  }

  /** A new token of this class (see {@link createToken}). */
  static create<T extends Token>(this: TokenClass<T>, context: TokenContext): T {
    return createToken(this, context);
  }

  /** A new token of this class for `user` (see {@link tokenForUser}). */
  static forUser<T extends Token>(this: TokenClass<T>, context: TokenContext, user: AuthUser, fingerprint?: (user: AuthUser) => string): T {
    return tokenForUser(this, context, user, fingerprint);
  }

  /** Decodes and verifies a token of this class (see {@link decodeToken}). */
  static decode<T extends Token>(this: TokenClass<T>, context: TokenContext, encoded: string, options?: { verify?: boolean }): Promise<T> {
    return decodeToken(this, context, encoded, options);
  }

  /**
   * Simple JWT's checks in its order: `exp` present and not passed, the id claim present, the
   * type claim equal to this class's. Subclasses may add checks (call `super.verify()`).
   */
  async verify(): Promise<void> {
    const { jtiClaim, blacklistStore } = this.context.settings;
    if (blacklistStore && (this.constructor as typeof Token).blacklistAware) {
      // Simple JWT checks the blacklist before anything else here (and answers 500 for a token
      // without an id); we say "Token has no id" first, then ask the blacklist.
      const jti = jtiClaim === null ? undefined : this.payload[jtiClaim];
      if (typeof jti !== 'string' || jti === '') throw new TokenError('Token has no id');
      // Values the blacklist tables cannot hold (a jti over 255 characters, `exp: 1e308`) would
      // make the database fail; such a token is invalid before any query.
      if (!isStorableJti(jti) || !isStorableEpoch(this.flushAfter())) throw new TokenError('Token is invalid');
      if (await blacklistStore.isBlacklisted(jti)) throw new BlacklistedTokenError(this);
    }
    this.checkExp('exp');
    if (jtiClaim !== null && !(jtiClaim in this.payload)) throw new TokenError('Token has no id');
    if (this.context.settings.tokenTypeClaim !== null) this.verifyTokenType();
    if (this.context.settings.familyStore) await this.checkRevokedBefore();
  }

  /**
   * "Log out everywhere" reaches every token, access tokens included: a token whose `iat` is not
   * later than its user's `revoked_before` is refused with Simple JWT's wording for a revoked
   * token, "Token is blacklisted" (a token without `iat` cannot prove it is newer). `iat` has
   * one-second resolution, so a token issued in the revocation's second is refused too. The family
   * store answers from memory, so this costs no I/O per request.
   */
  protected async checkRevokedBefore(): Promise<void> {
    const { familyStore, userIdClaim } = this.context.settings;
    const userId = this.payload[userIdClaim];
    if (familyStore === undefined || (typeof userId !== 'string' && typeof userId !== 'number')) return;
    const answer = familyStore.revokedBefore(String(userId));
    const before = answer !== null && typeof answer === 'object' ? await answer : answer;
    if (before === null) return;
    const iat = this.payload.iat;
    if (typeof iat !== 'number' || iat * 1000 <= before) throw new TokenError('Token is blacklisted');
  }

  /** The type claim must equal this class's type. */
  protected verifyTokenType(): void {
    const claim = this.context.settings.tokenTypeClaim;
    if (claim === null) return;
    if (!(claim in this.payload)) throw new TokenError('Token has no type');
    if (this.payload[claim] !== this.tokenClass.tokenType) throw new TokenError('Token has wrong type');
  }

  /**
   * Adds class-specific claims to a brand-new token, after type, `exp`, `iat` and `jti` (e.g. a
   * sliding token's refresh window). Called by `createToken` only, never for decoded tokens.
   */
  initializeClaims(): void {
    // Access, refresh and untyped tokens have nothing to add.
  }

  /**
   * The outstanding-table record of this token, signed as `signed`: its jti, user, issue time
   * and the instant after which the row may be flushed (`exp`; see {@link Token.flushAfter}).
   */
  outstandingRecord(signed: string): OutstandingToken {
    const { jtiClaim, userIdClaim } = this.context.settings;
    const userId = userLookupValue(this.payload[userIdClaim]);
    return {
      jti: String(jtiClaim === null ? '' : this.payload[jtiClaim]),
      userId: userId === undefined || userId === '' ? null : userId,
      token: signed,
      createdAt: this.currentTime,
      expiresAt: new Date(this.flushAfter() * 1000),
    };
  }

  /**
   * Epoch seconds after which this token's outstanding row is of no use: its `exp` plus `leeway`,
   * since the token is accepted until then (Simple JWT keeps `exp`, so its flush can bring a
   * blacklisted token back for `leeway` seconds).
   */
  flushAfter(): number {
    return Number(this.payload.exp) + this.context.settings.leeway;
  }

  /** Signs the payload (adding `aud`/`iss` when configured). Each call signs again. */
  sign(): string {
    return this.context.backend.encode(this.payload);
  }

  /** The claim's value, or `fallback` when absent. */
  get(claim: string, fallback?: unknown): unknown {
    return claim in this.payload ? this.payload[claim] : fallback;
  }

  set(claim: string, value: unknown): void {
    this.payload[claim] = value;
  }

  delete(claim: string): void {
    delete this.payload[claim];
  }

  has(claim: string): boolean {
    return claim in this.payload;
  }

  /** A new random id: a UUID4 as 32 lower-case hex characters (Simple JWT's `set_jti`). */
  setJti(): void {
    const { jtiClaim } = this.context.settings;
    if (jtiClaim !== null) this.payload[jtiClaim] = randomUUID().replace(/-/g, '');
  }

  /** `claim = fromTime + lifetime` in integer seconds, fractions truncated. */
  setExp(claim = 'exp', fromTime: Date = this.currentTime, lifetime: number = this.tokenClass.lifetime(this.context.settings)): void {
    this.payload[claim] = epochSeconds(new Date(fromTime.getTime() + lifetime * 1000));
  }

  /** `claim = atTime` in integer seconds. */
  setIat(claim = 'iat', atTime: Date = this.currentTime): void {
    this.payload[claim] = epochSeconds(atTime);
  }

  /**
   * Simple JWT's `check_exp`: missing → "Token has no '<claim>' claim"; expired when
   * `claim <= now - leeway` (equality counts as expired) → "Token '<claim>' claim has expired".
   */
  checkExp(claim = 'exp', currentTime: Date = this.currentTime): void {
    if (!(claim in this.payload)) throw new TokenError(`Token has no '${claim}' claim`);
    const value = this.payload[claim];
    // Simple JWT crashes (500) on a non-numeric claim; such a token is simply invalid here.
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new TokenError('Token is invalid');
    const limit = currentTime.getTime() / 1000 - this.context.settings.leeway;
    if (value <= limit) throw new TokenError(`Token '${claim}' claim has expired`);
  }
}

/**
 * The blacklist refused a token (401 "Token is blacklisted"). It carries the token, whose
 * signature was verified, so reuse detection can tell a retry from a replay.
 */
export class BlacklistedTokenError extends TokenError {
  readonly token: Token;
  constructor(token: Token) {
    super('Token is blacklisted');
    this.token = token;
  }
}

/**
 * A new token of this class: `{type, exp, iat, jti}` in Simple JWT's key order, times from
 * the context's clock.
 */
export function createToken<T extends Token>(cls: TokenClass<T>, context: TokenContext): T {
  const { settings } = context;
  if (!cls.tokenType || !(cls.lifetime(settings) >= 0)) {
    throw new TokenError('Cannot create token with no type or lifetime');
  }
  const token = new cls(context, {}, settings.clock.now(), null);
  if (settings.tokenTypeClaim !== null) token.payload[settings.tokenTypeClaim] = cls.tokenType;
  token.setExp();
  token.setIat();
  token.setJti();
  token.initializeClaims();
  return token;
}

/**
 * A new token for `user` (Simple JWT's `for_user`): the user id claim as a string and, with
 * checkRevokeToken, the password fingerprint. Issues even for an inactive user, as Simple JWT
 * does; callers check the authentication rule first.
 */
export function tokenForUser<T extends Token>(cls: TokenClass<T>, context: TokenContext, user: AuthUser, fingerprint?: (user: AuthUser) => string): T {
  const token = createToken(cls, context);
  const { settings } = context;
  const id = user[settings.userIdField];
  if (id === undefined || id === null) throw new TypeError(`koa-simple-jwt: user has no "${settings.userIdField}" (the userIdField setting)`);
  token.payload[settings.userIdClaim] = String(id);
  if (settings.checkRevokeToken) {
    token.payload[settings.revokeTokenClaim] = (fingerprint ?? passwordFingerprint)(user);
  }
  return token;
}

/**
 * Decodes `encoded` and, unless `verify` is false, runs the backend's checks and then
 * {@link Token.verify}. Backend failures become "Token is invalid" / "Token is expired".
 */
export async function decodeToken<T extends Token>(
  cls: TokenClass<T>,
  context: TokenContext,
  encoded: string,
  options: { verify?: boolean } = {},
): Promise<T> {
  if (!cls.tokenType) throw new TokenError('Cannot create token with no type or lifetime');
  const currentTime = context.settings.clock.now();
  const verify = options.verify ?? true;
  const cache = verify ? context.verifiedTokens : undefined;
  let payload = cache?.get(encoded, currentTime.getTime(), context.settings.leeway * 1000);
  if (payload === undefined) {
    try {
      payload = await context.backend.decode(encoded, { verify });
    } catch (error) {
      if (error instanceof TokenBackendError) {
        throw error.reason === 'expired' ? new ExpiredTokenError() : new TokenError('Token is invalid');
      }
      throw error;
    }
    cache?.set(encoded, payload);
  }
  const token = new cls(context, payload, currentTime, encoded);
  if (verify) await token.verify();
  return token;
}

