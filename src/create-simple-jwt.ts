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
import { createTokenRouter, reserveBody } from './koa/create-token-router.js';
import { createProtect } from './koa/protect.js';
import { createAllowedMethods } from './koa/allowed-methods.js';
import { createErrorMiddleware } from './koa/error-middleware.js';
import { attachInstance } from './koa/instance-context.js';
import { tenantMiddleware } from './koa/tenant-middleware.js';
import { createTenantInstances } from './keys/tenant-instances.js';
import type { Middleware } from 'koa';
import type { ResolvedSettings, SimpleJwtOptions } from './settings.js';
import type { ServiceContext } from './services/service-context.js';
import type { TokenPair } from './services/obtain-token-pair.js';
import type { RefreshResult } from './services/refresh-access-token.js';
import type { SlidingTokenResult } from './services/obtain-sliding-token.js';
import type { Authenticated } from './authentication/authenticate-request.js';
import type { Token, TokenClass } from './tokens/token.js';
import type { AuthUser, Credentials } from './stores/user-store.js';
import type { TokenRouter, TokenRouterOptions } from './koa/create-token-router.js';
import type { ProtectOptions } from './koa/protect.js';
import type { Router } from '@koa/router';
import type { ClientInfo } from './families/family-store.js';
import { createNinjaTokenRouter } from './profiles/ninja-jwt/create-ninja-token-router.js';
import { authenticateNinjaRequest } from './profiles/ninja-jwt/authenticate-ninja-request.js';
import type { NinjaJwtRouterOptions } from './profiles/ninja-jwt/create-ninja-token-router.js';
import type { JwkSet } from './keys/public-jwk.js';

/**
 * One configured koa-simple-jwt: settings validated and frozen, keys built, and every operation
 * available in code as well as over HTTP.
 */
export interface SimpleJwt {
  readonly settings: ResolvedSettings;
  /** The public keys to publish (RFC 7517 §5), e.g. with `jwksRoute`; empty for HMAC-only keys. */
  readonly jwkSet: JwkSet;
  /** With `keyResolver`: the instance of the request's tenant (its keys and issuer); else this instance. */
  forRequest(ctx: unknown): Promise<SimpleJwt>;
  /** What services and token classes work with (settings, backend, user store). */
  readonly context: ServiceContext;
  /**
   * `POST /token` in code: credentials → `{refresh, access}`. `client.ip` (e.g. `ctx.ip`) is what
   * the login throttle counts per address (without it only the username is counted), and with a
   * family store the session records it (hashed) with `client.userAgent`.
   */
  obtainTokenPair(credentials: Credentials, request?: unknown, client?: ClientInfo): Promise<TokenPair>;
  /**
   * Simple JWT's `RefreshToken.for_user(user)` plus its access token, signed. With a blacklist
   * store the refresh token is recorded as outstanding, as `for_user` records it.
   */
  issueTokenPair(user: AuthUser, client?: ClientInfo): Promise<TokenPair>;
  /** `POST /token/refresh` in code (`client`: who asks, for `onReuseDetected`). */
  refreshAccessToken(refresh: string, client?: ClientInfo): Promise<RefreshResult>;
  /** `POST /token/sliding` in code: credentials → `{token}`. */
  obtainSlidingToken(credentials: Credentials, request?: unknown, clientAddress?: string): Promise<SlidingTokenResult>;
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
   * Koa middleware to put first, before any body parser and any route protected with `@Security`:
   * makes this instance reachable to the tsoa authentication module and renders the errors it
   * owns (authentication's 401/403/503, as Simple JWT's JSON bodies). Everything else thrown below
   * it (`ctx.throw(404)`, the app's own validation errors) is rethrown untouched, for the app's
   * error handler or Koa's. Requests to the token routes skip an app-wide body parser mounted
   * after it: the routes read their bodies as DRF does.
   */
  middleware(): Middleware;
  /**
   * The tsoa-generated token routes, mounted under `prefix`: Simple JWT's, or with
   * `{ profile: 'ninja-jwt' }` Ninja JWT's (`/token/pair`, ...; see NinjaJwtRouterOptions).
   */
  routes(options?: TokenRouterOptions | NinjaJwtRouterOptions): Middleware;
  /**
   * `@Security(securityName, scopes)` as plain Koa middleware, for apps (or routes) not on tsoa:
   * the same pipeline and bodies; `unless` leaves paths or methods open (koa-jwt's `unless`).
   *
   * @example
   * app.use(jwt.protect('jwt', { unless: { path: ['/health', /^\/public\//] } }));
   * router.get('/me', (ctx) => { ctx.body = { username: ctx.state.user!.username }; });
   */
  protect(securityName?: string, options?: ProtectOptions): Middleware;
  /**
   * A router's `allowedMethods()` answered as DRF does: JSON 405 with `Allow`, and for `@Security`
   * routes (generated with our tsoa template) authentication first, so no token gives 401, not 405.
   *
   * @example
   * app.use(router.routes()).use(jwt.allowedMethods(router));
   */
  allowedMethods(router: Router): Middleware;
  /**
   * The startup check: resolves when the stores can serve (their tables exist, the database
   * answers, listening stores are in sync); otherwise rejects with an Error naming the fix (e.g.
   * "run `npx koa-simple-jwt migrate`"). Await it before `app.listen()`.
   */
  ready(): Promise<void>;
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
  /** The token routers mounted so far, so that middleware() knows their paths. */
  const tokenRouters: TokenRouter[] = [];
  const tenants = settings.keyResolver === undefined ? undefined : createTenantInstances(options, settings.keyResolver, createSimpleJwt);

  const instance: SimpleJwt = Object.freeze({
    settings,
    jwkSet: backend.jwkSet,
    forRequest: (ctx: unknown) => (tenants === undefined ? Promise.resolve(instance) : tenants.instanceFor(ctx)),
    context,
    obtainTokenPair: (credentials: Credentials, request?: unknown, client?: ClientInfo) => obtainTokenPair(context, credentials, request, client),
    issueTokenPair: (user: AuthUser, client?: ClientInfo) => issueTokenPair(context, user, client),
    refreshAccessToken: (refresh: string, client?: ClientInfo) => refreshAccessToken(context, refresh, { client }),
    obtainSlidingToken: (credentials: Credentials, request?: unknown, clientAddress?: string) => obtainSlidingToken(context, credentials, request, clientAddress),
    async issueSlidingToken(user: AuthUser): Promise<string> {
      return (await issueRecordedToken(context, SlidingToken, user)).signed;
    },
    refreshSlidingToken: (token: string) => refreshSlidingToken(context, token),
    verifyToken: (token: string) => verifyToken(context, token),
    blacklistToken: (refresh: string) => blacklistToken(context, refresh),
    decodeToken: <T extends Token>(token: string, cls?: TokenClass<T>) =>
      decodeToken((cls ?? UntypedToken) as TokenClass<T>, context, token),
    authenticate: (header: string | undefined, securityName: string, scopes: readonly string[] = []) =>
      settings.securityProfiles[securityName] === 'ninja-jwt'
        ? authenticateNinjaRequest(context, header, securityName, scopes)
        : authenticateRequest(context, header, securityName, scopes),
    middleware(): Middleware {
      const errors = createErrorMiddleware(headerType, 'owned');
      if (tenants !== undefined) {
        return tenantMiddleware(errors, tenants, (ctx) => {
          if (tokenRouters.length > 0 && tokenRouters.some((router) => router.serves(ctx.path))) reserveBody(ctx);
        });
      }
      // Not async itself: the error middleware's promise is the answer, one frame fewer per request.
      return function simpleJwt(ctx, next) {
        attachInstance(ctx, instance);
        if (tokenRouters.length > 0 && tokenRouters.some((router) => router.serves(ctx.path))) reserveBody(ctx);
        return errors(ctx, next);
      };
    },
    protect: (securityName = 'jwt', protectOptions?: ProtectOptions) => createProtect(instance, securityName, protectOptions),
    allowedMethods: (router: Router) => createAllowedMethods(router, headerType),
    async ready(): Promise<void> {
      // One after the other, so the first problem reported is always the same one.
      await settings.userStore?.ready?.();
      await settings.blacklistStore?.ready?.();
      await settings.familyStore?.ready?.();
    },
    routes(routerOptions?: TokenRouterOptions | NinjaJwtRouterOptions): Middleware {
      if (!backend.canSign && tenants === undefined) {
        throw new SettingsError('signingKey', 'the token routes issue tokens: this instance has only a verifying key (verifyingKey or jwkUrl); mount them where the private key is');
      }
      if (!settings.userStore) {
        throw new SettingsError('userStore', 'the token routes need a user store to check credentials (e.g. new KnexUserStore(knex))');
      }
      if (routerOptions?.profile === 'ninja-jwt') {
        const ninja = createNinjaTokenRouter(instance, routerOptions);
        tokenRouters.push(ninja);
        return ninja.middleware;
      }
      const blacklist = routerOptions?.blacklist ?? settings.blacklistStore !== undefined;
      if (blacklist && !settings.blacklistStore) {
        throw new SettingsError('blacklistStore', 'the blacklist endpoint needs a blacklist store (e.g. new KnexBlacklistStore(knex)); without one it would blacklist nothing');
      }
      const sessions = routerOptions?.sessions ?? settings.familyStore !== undefined;
      if (sessions && !settings.familyStore) {
        throw new SettingsError('familyStore', 'the sessions endpoints need a family store (e.g. await KnexFamilyStore.start(knex, { connection }))');
      }
      const router = createTokenRouter(instance, { ...routerOptions, blacklist, sessions });
      tokenRouters.push(router);
      return router.middleware;
    },
  });
  if (settings.rotateRefreshTokens && !settings.blacklistStore) {
    settings.logger.warn(
      'koa-simple-jwt: rotateRefreshTokens is on without a blacklistStore: a refresh token stays valid after it is rotated, until it expires (add a blacklist store and blacklistAfterRotation to consume it)',
    );
  }
  return instance;
}
