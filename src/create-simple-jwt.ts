import { resolveSettings } from './resolve-settings.js';
import { createTokenBackend } from './backend/create-token-backend.js';
import { SettingsError } from './errors.js';
import { UntypedToken } from './tokens/untyped-token.js';
import { decodeToken } from './tokens/token.js';
import { issueRecordedToken, issueTokenPair, obtainTokenPair } from './services/obtain-token-pair.js';
import { refreshAccessToken } from './services/refresh-access-token.js';
import { verifyToken } from './services/verify-token.js';
import { obtainSlidingToken } from './services/obtain-sliding-token.js';
import { refreshSlidingToken } from './services/refresh-sliding-token.js';
import { blacklistToken } from './services/blacklist-token.js';
import { SlidingToken } from './tokens/sliding-token.js';
import { VerifiedTokenCache } from './tokens/verified-token-cache.js';
import { authenticateRequest } from './authentication/authenticate-request.js';
import { createTokenRouter } from './koa/create-token-router.js';
import { createErrorMiddleware } from './koa/error-middleware.js';
import { attachInstance } from './koa/instance-context.js';
import type { Middleware } from 'koa';
import type { ResolvedSettings, SimpleJwtOptions } from './settings.js';
import type { ServiceContext } from './services/service-context.js';
import type { TokenPair } from './services/obtain-token-pair.js';
import type { RefreshResult } from './services/refresh-access-token.js';
import type { SlidingTokenResult } from './services/obtain-sliding-token.js';
import type { Authenticated } from './authentication/authenticate-request.js';
import type { Token, TokenClass } from './tokens/token.js';
import type { AuthUser, Credentials } from './stores/user-store.js';
import type { TokenRouterOptions } from './koa/create-token-router.js';
import type { ClientInfo } from './families/family-store.js';

/**
 * One configured koa-simple-jwt: settings validated and frozen, keys built, and every operation
 * available in code as well as over HTTP.
 */
export interface SimpleJwt {
  readonly settings: ResolvedSettings;
  /** What services and token classes work with (settings, backend, user store). */
  readonly context: ServiceContext;
  /** `POST /token` in code: credentials → `{refresh, access}`. */
  obtainTokenPair(credentials: Credentials, request?: unknown, client?: ClientInfo): Promise<TokenPair>;
  /**
   * Simple JWT's `RefreshToken.for_user(user)` plus its access token, signed. With a blacklist
   * store the refresh token is recorded as outstanding, as `for_user` records it.
   */
  issueTokenPair(user: AuthUser, client?: ClientInfo): Promise<TokenPair>;
  /** `POST /token/refresh` in code (`client`: who asks, for `onReuseDetected`). */
  refreshAccessToken(refresh: string, client?: ClientInfo): Promise<RefreshResult>;
  /** `POST /token/sliding` in code: credentials → `{token}`. */
  obtainSlidingToken(credentials: Credentials, request?: unknown): Promise<SlidingTokenResult>;
  /** Simple JWT's `SlidingToken.for_user(user)`, signed (and recorded, as above). */
  issueSlidingToken(user: AuthUser): Promise<string>;
  /** `POST /token/sliding/refresh` in code. */
  refreshSlidingToken(token: string): Promise<SlidingTokenResult>;
  /** `POST /token/blacklist` in code: blacklists a refresh token. Needs a blacklist store. */
  blacklistToken(refresh: string): Promise<Record<string, never>>;
  /** `POST /token/verify` in code: resolves `{}` or rejects with a TokenError. */
  verifyToken(token: string): Promise<Record<string, never>>;
  /** Decodes and verifies `token` as `cls` (default: any type). */
  decodeToken<T extends Token>(token: string, cls?: TokenClass<T>): Promise<T>;
  /** The authentication pipeline for one security name, given the auth header's value. */
  authenticate(header: string | undefined, securityName: string, scopes?: readonly string[]): Promise<Authenticated>;
  /**
   * Koa middleware to put before routes protected with `@Security`: makes this instance reachable
   * to the tsoa authentication module and renders our errors as Simple JWT's JSON bodies.
   */
  middleware(): Middleware;
  /** The tsoa-generated token routes, mounted under `prefix`. */
  routes(options?: TokenRouterOptions): Middleware;
}

/**
 * The composition root: validates `options` once (a bad setting throws a SettingsError naming
 * it), builds the keys and the backend, and wires services, authentication and Koa adapters.
 *
 * @example
 * const jwt = createSimpleJwt({ signingKey: process.env.SIGNING_KEY!, userStore: new KnexUserStore(knex) });
 * app.use(jwt.middleware());
 * app.use(jwt.routes({ prefix: '/api' }));
 */
export function createSimpleJwt(options: SimpleJwtOptions): SimpleJwt {
  const settings = resolveSettings(options);
  const backend = createTokenBackend(settings);
  const verifiedTokens = settings.verifiedTokenCache ? new VerifiedTokenCache(settings.verifiedTokenCache) : undefined;
  const context: ServiceContext = Object.freeze({ settings, backend, userStore: settings.userStore, ...(verifiedTokens ? { verifiedTokens } : {}) });
  const headerType = settings.authHeaderTypes[0] ?? 'Bearer';

  const instance: SimpleJwt = Object.freeze({
    settings,
    context,
    obtainTokenPair: (credentials: Credentials, request?: unknown, client?: ClientInfo) => obtainTokenPair(context, credentials, request, client),
    issueTokenPair: (user: AuthUser, client?: ClientInfo) => issueTokenPair(context, user, client),
    refreshAccessToken: (refresh: string, client?: ClientInfo) => refreshAccessToken(context, refresh, client),
    obtainSlidingToken: (credentials: Credentials, request?: unknown) => obtainSlidingToken(context, credentials, request),
    async issueSlidingToken(user: AuthUser): Promise<string> {
      return (await issueRecordedToken(context, SlidingToken, user)).signed;
    },
    refreshSlidingToken: (token: string) => refreshSlidingToken(context, token),
    verifyToken: (token: string) => verifyToken(context, token),
    blacklistToken: (refresh: string) => blacklistToken(context, refresh),
    decodeToken: <T extends Token>(token: string, cls?: TokenClass<T>) =>
      decodeToken((cls ?? UntypedToken) as TokenClass<T>, context, token),
    authenticate: (header: string | undefined, securityName: string, scopes: readonly string[] = []) =>
      authenticateRequest(context, header, securityName, scopes),
    middleware(): Middleware {
      const errors = createErrorMiddleware(headerType);
      // Not async itself: the error middleware's promise is the answer, one frame fewer per request.
      return function simpleJwt(ctx, next) {
        attachInstance(ctx, instance);
        return errors(ctx, next);
      };
    },
    routes(routerOptions?: TokenRouterOptions): Middleware {
      if (!backend.canSign) {
        throw new SettingsError('signingKey', 'the token routes issue tokens: this instance has only a verifying key (verifyingKey or jwkUrl); mount them where the private key is');
      }
      if (!settings.userStore) {
        throw new SettingsError('userStore', 'the token routes need a user store to check credentials (e.g. new KnexUserStore(knex))');
      }
      const blacklist = routerOptions?.blacklist ?? settings.blacklistStore !== undefined;
      if (blacklist && !settings.blacklistStore) {
        throw new SettingsError('blacklistStore', 'the blacklist endpoint needs a blacklist store (e.g. new KnexBlacklistStore(knex)); without one it would blacklist nothing');
      }
      const sessions = routerOptions?.sessions ?? settings.familyStore !== undefined;
      if (sessions && !settings.familyStore) {
        throw new SettingsError('familyStore', 'the sessions endpoints need a family store (e.g. await KnexFamilyStore.start(knex, { connection }))');
      }
      return createTokenRouter(instance, { ...routerOptions, blacklist, sessions });
    },
  });
  return instance;
}
