import type { KeyObject } from 'node:crypto';
import type { AuthUser, Credentials, UserStore } from './stores/user-store.js';
import type { Clock } from './clock.js';
import type { TokenClass } from './tokens/token.js';
import type { BlacklistStore } from './stores/blacklist-store.js';
import type { SigningKeyInput } from './keys/key-set.js';
import type { KeyResolver } from './keys/tenant-instances.js';
import type { LoginThrottleStore } from './throttle/login-throttle-store.js';
import type { LoginThrottleSettings } from './throttle/login-throttle.js';
import type { ThrottleRule } from './throttle/throttle-rule.js';
import type { RefreshCookieOptions, RefreshCookieSettings } from './cookies/refresh-cookie-settings.js';
import type { FamilyStore } from './families/family-store.js';
import type { ReuseDetectedHook } from './families/reuse-detected.js';

/** Every algorithm Simple JWT accepts that this library can sign with (ES256K/ES521 are not in Node's JWA set). */
export const ALGORITHMS = [
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'ES256', 'ES384', 'ES512',
  'PS256', 'PS384', 'PS512',
  'EdDSA',
] as const;

/** A JWA algorithm name (RFC 7518 §3.1; EdDSA per RFC 8037). */
export type Algorithm = (typeof ALGORITHMS)[number];

/** A key as a deployment may give it: PEM or secret string, bytes, or a ready KeyObject. */
export type KeyInput = string | Buffer | Uint8Array | KeyObject;

/** A wire profile: Simple JWT's (the default) or Ninja JWT's (django-ninja-jwt 5.4.5). */
export type WireProfile = 'simple-jwt' | 'ninja-jwt';

/** Extra claims to add to every refresh or sliding token issued at login (Simple JWT's `get_token`). */
export type TokenClaimsHook = (user: AuthUser) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * The options given to `createSimpleJwt`. Every option is optional except `signingKey`; each
 * documents its Simple JWT name and default. Durations are in seconds.
 */
export interface SimpleJwtOptions {
  /** `ACCESS_TOKEN_LIFETIME`: seconds an access token lives. Default 300 (5 minutes). */
  accessTokenLifetime?: number;
  /** `REFRESH_TOKEN_LIFETIME`: seconds a refresh token lives. Default 86400 (1 day). */
  refreshTokenLifetime?: number;
  /** `ROTATE_REFRESH_TOKENS`: the refresh endpoint also returns a new refresh token. Default false. */
  rotateRefreshTokens?: boolean;
  /** `BLACKLIST_AFTER_ROTATION`: blacklist the submitted refresh token when rotating; also makes verify check the blacklist. Default false. Needs a blacklist store. */
  blacklistAfterRotation?: boolean;
  /** `UPDATE_LAST_LOGIN`: run `onLoginSuccess` (by default: update `last_login`) on every successful obtain. Default false. */
  updateLastLogin?: boolean;
  /** `ALGORITHM`. Default `'HS256'`. */
  algorithm?: Algorithm;
  /** `SIGNING_KEY`: the HMAC secret (at least the algorithm's output size: 32 bytes for HS256) or the PEM private key. Required,
   * except for an instance that only verifies tokens issued elsewhere (asymmetric algorithm with
   * `verifyingKey` or `jwkUrl`): it protects routes but cannot issue tokens. */
  signingKey?: KeyInput;
  /** `VERIFYING_KEY`: the PEM public key for asymmetric algorithms; ignored for HS*. Derived from `signingKey` when omitted. */
  verifyingKey?: KeyInput;
  /** `AUDIENCE`: added as `aud` when signing, required when verifying. Default none. */
  audience?: string | string[];
  /** `ISSUER`: added as `iss` when signing, required when verifying. Default none. */
  issuer?: string;
  /** `JWK_URL`: a JWKS URL whose key (by `kid`) verifies asymmetric tokens. Default none. */
  jwkUrl?: string;
  /** Seconds a fetched JWKS is cached (PyJWKClient's 300 s). */
  jwkCacheSeconds?: number;
  /** Milliseconds before a JWKS fetch gives up (the token is then invalid, never a hang). Default 5000. */
  jwkTimeoutMs?: number;
  /**
   * An ordered key set instead of `signingKey`/`verifyingKey`: the first key signs, every key
   * verifies (a rotation adds the new key second, then moves it first, then drops the old one).
   * Each is a PEM, a JWK object, a `KeyObject` or an HMAC secret, bare or as `{ key, kid?, algorithm? }`;
   * an asymmetric key's `kid` defaults to its RFC 7638 thumbprint, an HMAC secret needs one.
   * A public key only verifies. Not with `signingKey`. Default none.
   */
  signingKeys?: SigningKeyInput[];
  /**
   * Put the signing key's `kid` in the header of issued tokens. Default true with `signingKeys`,
   * false with `signingKey` (Simple JWT's exact header bytes).
   */
  kidHeader?: boolean;
  /** Seconds the published JWK Set may be cached (`Cache-Control: public, max-age`). Default 300. */
  jwksMaxAge?: number;
  /**
   * With `jwkUrl`: seconds after a failed fetch, or a refetch for an unknown `kid`, before the JWK
   * Set is fetched again (keys already held keep being used meanwhile). Default 30.
   */
  jwkCooldownSeconds?: number;
  /**
   * Per-tenant keys and issuers on one deployment: called with each request's Koa `ctx` (by
   * `jwt.middleware()`), it returns `{ tenant, signingKeys, issuer? }`; the request is then served
   * (token routes, `@Security`, `jwksRoute`) with that tenant's keys and `iss`, so one tenant's
   * tokens are refused by another. Each tenant's keys are built once and cached. With it, the
   * instance's own keys may be omitted. Default none (and no cost).
   */
  keyResolver?: KeyResolver;
  /** `LEEWAY`: seconds of clock skew allowed for `exp`, `nbf`, `iat` and the token-level expiry checks. Default 0. */
  leeway?: number;
  /** `AUTH_HEADER_TYPES`: accepted keywords, case-sensitive; the first goes in `WWW-Authenticate`. Default `['Bearer']`. */
  authHeaderTypes?: string | string[];
  /** `AUTH_HEADER_NAME`: the request header holding the token (HTTP name, e.g. `X-Access-Token`; Django's `HTTP_X_ACCESS_TOKEN` is accepted too). Default `'Authorization'`. */
  authHeaderName?: string;
  /** `USER_ID_FIELD`: the user property put in tokens and used for lookups. Default `'id'`. */
  userIdField?: string;
  /** `USER_ID_CLAIM`: the claim holding the user id (always a string). Default `'user_id'`. */
  userIdClaim?: string;
  /** `USER_AUTHENTICATION_RULE`: may this user obtain and refresh tokens? Default: user exists and (checkUserIsActive false or user active). */
  userAuthenticationRule?: (user: AuthUser | null) => boolean;
  /** `TOKEN_TYPE_CLAIM`: the claim holding the token type; `null` turns type checks off. Default `'token_type'`. */
  tokenTypeClaim?: string | null;
  /** `JTI_CLAIM`: the claim holding the token id; `null` turns the id check off. Default `'jti'`. */
  jtiClaim?: string | null;
  /** `SLIDING_TOKEN_REFRESH_EXP_CLAIM`. Default `'refresh_exp'`. (Sliding tokens.) */
  slidingTokenRefreshExpClaim?: string;
  /** `SLIDING_TOKEN_LIFETIME`: seconds. Default 300. (Sliding tokens.) */
  slidingTokenLifetime?: number;
  /** `SLIDING_TOKEN_REFRESH_LIFETIME`: seconds. Default 86400. (Sliding tokens.) */
  slidingTokenRefreshLifetime?: number;
  /** `CHECK_REVOKE_TOKEN`: put a fingerprint of the password hash in tokens and refuse tokens whose fingerprint is stale. Default false. */
  checkRevokeToken?: boolean;
  /** `REVOKE_TOKEN_CLAIM`. Default `'hash_password'`. */
  revokeTokenClaim?: string;
  /** `CHECK_USER_IS_ACTIVE`: authentication refuses inactive users; the default rule requires `isActive`. Default true. */
  checkUserIsActive?: boolean;
  /** `ON_LOGIN_SUCCESS`: called after a successful obtain when `updateLastLogin` is true. Default: `userStore.updateLastLogin`. */
  onLoginSuccess?: (user: AuthUser, request: unknown) => void | Promise<void>;
  /** `ON_LOGIN_FAILED`: called when obtain fails, with the password masked as 20 asterisks. Default: nothing. */
  onLoginFailed?: (credentials: Record<string, unknown>, request: unknown) => void | Promise<void>;
  /** Simple JWT's overridable `get_token`: extra claims for tokens issued at login (copied into access tokens). */
  tokenClaims?: TokenClaimsHook;
  /** Where users live. Required for the obtain endpoints and for stateful authentication. */
  userStore?: UserStore;
  /**
   * `AUTH_TOKEN_CLASSES`, per tsoa security name: the token classes `@Security(name)` accepts, tried
   * in order. Default `{ jwt: [AccessToken] }`. Refresh tokens are refused here at startup.
   */
  authTokenClasses?: Record<string, TokenClass[]>;
  /** The claim `@Security(name, scopes)` checks: a space-separated string or an array. Default `'scope'`. */
  scopeClaim?: string;
  /**
   * Where revocation lives (Simple JWT's `token_blacklist` app; e.g. `new KnexBlacklistStore(knex)`).
   * Needed by `blacklistAfterRotation` and the blacklist endpoint; with it, refresh and sliding
   * tokens are checked against the blacklist wherever they are decoded.
   */
  blacklistStore?: BlacklistStore;
  /**
   * Where refresh-token families and per-user `revoked_before` times live (e.g.
   * `await KnexFamilyStore.start(knex, { connection })`). Needs `blacklistStore`. With it every
   * token (access tokens too) of a user logged out everywhere is refused, and `reuseDetection` is
   * available. Not a Simple JWT setting.
   */
  familyStore?: FamilyStore;
  /**
   * Revoke a whole family when one of its already rotated refresh tokens is presented again
   * (RFC 9700 §4.14.2). Default: on when `rotateRefreshTokens`, `blacklistAfterRotation` and
   * `familyStore` are all set. Not a Simple JWT setting.
   */
  reuseDetection?: boolean;
  /**
   * Seconds after a rotation during which the immediate predecessor of a family's newest token may
   * be presented again and gets the same successor back (an idempotent retry). 0: no retries.
   * Default 10.
   */
  reuseGraceSeconds?: number;
  /** Seconds a family may be refreshed from its login; past it the user logs in again. Default none. */
  familyMaxLifetime?: number;
  /** Told when reuse revokes a family (for alerting). Its errors and rejections are ignored. */
  onReuseDetected?: ReuseDetectedHook;
  /** Security names whose users are built from claims with no store read (`JWTStatelessUserAuthentication`). Default none. */
  statelessSecurityNames?: string[];
  /**
   * The wire each security name answers with: `'ninja-jwt'` makes `@Security(name)` behave as
   * Ninja JWT's `JWTAuth` (its header reading, its 401 bodies, no `WWW-Authenticate`), so one app
   * serves Simple JWT and Ninja JWT front ends from the same users, keys and blacklist.
   * Default: every name `'simple-jwt'`.
   */
  securityProfiles?: Record<string, WireProfile>;
  /** The source of time. Default the system clock. */
  clock?: Clock;
  /**
   * Keep verified tokens (keyed by the whole string, held no longer than their `exp`, bounded
   * LRU) so a token seen before skips the signature check; expiry, type, id, user and blacklist
   * are still checked on every request. `false` turns it off. Default `{ maxEntries: 10000 }`.
   */
  verifiedTokenCache?: false | { maxEntries?: number };
  /**
   * Django's `LANGUAGE_CODE` for our messages: the language error messages are rendered in, one
   * of Simple JWT's 25 catalogues (`'fr'`, `'es-ar'`, `'zh-hans'`, `'pt-br'`, ...) or `'en'`
   * (`_` and case are accepted: `'pt_BR'`). Codes never change. Default `'en'`.
   */
  locale?: string;
  /**
   * Choose the language per request from `Accept-Language`, as Django's LocaleMiddleware does
   * (best supported match, else `locale`), and send `Content-Language` and `Vary: Accept-Language`
   * on every answer we render. Default false.
   */
  acceptLanguage?: boolean;
  /**
   * Login throttling on the obtain endpoints, checked before any password is hashed: per
   * username 5 failures, then waits of 60 s doubling to 15 min; per client address 50. Throttled
   * attempts get DRF's 429. Default on, counted in memory; `{ store: new KnexLoginThrottleStore(knex) }`
   * counts across instances; `false` turns it off. `username` or `address` may change a budget
   * (`{ failures: 10 }`) or turn one off (`false`).
   */
  loginThrottle?: false | LoginThrottleOptions;
  /**
   * Also hand out the refresh (or sliding) token in an HttpOnly cookie, read it back on refresh
   * and blacklist, with CSRF checks for requests that use it. Default off: `true` takes
   * `__Host-refresh`, `SameSite=Strict`, the header `X-CSRF-Protection`.
   */
  refreshCookie?: boolean | RefreshCookieOptions;
  /**
   * Where startup warnings go (e.g. `rotateRefreshTokens` without a blacklist store). Default
   * `console`; pass your logger (pino, winston: anything with `warn(message)`).
   */
  logger?: Logger;
}

/** What the library logs through: a `warn(message)` method. */
export interface Logger {
  warn(message: string): void;
}

/** The `loginThrottle` option. */
export interface LoginThrottleOptions {
  /** Where attempts are counted. Default a `MemoryLoginThrottleStore` (one process). */
  store?: LoginThrottleStore;
  /** The per-username budget, or false. Default `{ failures: 5, windowSeconds: 900, delaySeconds: 60, maxDelaySeconds: 900 }`. */
  username?: false | Partial<ThrottleRule>;
  /** The per-client-address budget, or false. Default as `username` with `failures: 50`. */
  address?: false | Partial<ThrottleRule>;
}

/** Settings after validation: every option resolved to a value, frozen. */
export interface ResolvedSettings {
  readonly accessTokenLifetime: number;
  readonly refreshTokenLifetime: number;
  readonly rotateRefreshTokens: boolean;
  readonly blacklistAfterRotation: boolean;
  readonly updateLastLogin: boolean;
  readonly algorithm: Algorithm;
  /** Undefined only on a verify-only instance (asymmetric algorithm with verifyingKey or jwkUrl). */
  readonly signingKey: KeyInput | undefined;
  readonly verifyingKey: KeyInput | undefined;
  readonly audience: string | readonly string[] | undefined;
  readonly issuer: string | undefined;
  readonly jwkUrl: string | undefined;
  readonly jwkCacheSeconds: number;
  readonly jwkTimeoutMs: number;
  readonly leeway: number;
  /** Undefined unless configured; then validated by the backend, which owns key material. */
  readonly signingKeys: readonly SigningKeyInput[] | undefined;
  /** Undefined: the default for the key settings in use (see `SimpleJwtOptions.kidHeader`). */
  readonly kidHeader: boolean | undefined;
  readonly jwksMaxAge: number;
  readonly jwkCooldownSeconds: number;
  readonly keyResolver: KeyResolver | undefined;
  readonly authHeaderTypes: readonly string[];
  readonly authHeaderName: string;
  readonly userIdField: string;
  readonly userIdClaim: string;
  /** The obtain endpoints' login-name field: the user store's `usernameField`, else `'username'`. */
  readonly usernameField: string;
  readonly userAuthenticationRule: (user: AuthUser | null) => boolean;
  readonly tokenTypeClaim: string | null;
  readonly jtiClaim: string | null;
  readonly slidingTokenRefreshExpClaim: string;
  readonly slidingTokenLifetime: number;
  readonly slidingTokenRefreshLifetime: number;
  readonly checkRevokeToken: boolean;
  readonly revokeTokenClaim: string;
  readonly checkUserIsActive: boolean;
  readonly onLoginSuccess: ((user: AuthUser, request: unknown) => void | Promise<void>) | undefined;
  readonly onLoginFailed: ((credentials: Record<string, unknown>, request: unknown) => void | Promise<void>) | undefined;
  readonly tokenClaims: TokenClaimsHook | undefined;
  readonly userStore: UserStore | undefined;
  readonly blacklistStore: BlacklistStore | undefined;
  readonly familyStore: FamilyStore | undefined;
  readonly reuseDetection: boolean;
  readonly reuseGraceSeconds: number;
  readonly familyMaxLifetime: number | undefined;
  readonly onReuseDetected: ReuseDetectedHook | undefined;
  readonly authTokenClasses: Readonly<Record<string, readonly TokenClass[]>>;
  readonly scopeClaim: string;
  readonly statelessSecurityNames: readonly string[];
  /** The names listed in `securityProfiles` (the others answer as Simple JWT does). */
  readonly securityProfiles: Readonly<Record<string, WireProfile>>;
  readonly clock: Clock;
  readonly verifiedTokenCache: false | { readonly maxEntries: number };
  /** A code from Simple JWT's catalogues in Django's form (`'es-ar'`), or `'en'`. */
  readonly locale: string;
  readonly acceptLanguage: boolean;
  readonly loginThrottle: LoginThrottleSettings | false;
  readonly refreshCookie: RefreshCookieSettings | false;
  readonly logger: Logger;
}

export type { AuthUser, Credentials };
export type { SigningKeyInput, KeyResolver };
