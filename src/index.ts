// The public API of koa-simple-jwt: an explicit list, pinned by test/index.test.ts.
export { createSimpleJwt } from './create-simple-jwt.js';
export type { SimpleJwt } from './create-simple-jwt.js';
export { ALGORITHMS } from './settings.js';
export type { Algorithm, KeyInput, ResolvedSettings, SimpleJwtOptions, TokenClaimsHook } from './settings.js';
export type { JsonWebKeyInput, SigningKeyEntry, SigningKeyInput } from './keys/key-set.js';
export type { JwkSet, PublicJwk } from './keys/public-jwk.js';
export type { KeyResolver, TenantKeys } from './keys/tenant-instances.js';
export { jwkThumbprint } from './keys/jwk-thumbprint.js';
export { generateSigningKey } from './keys/generate-signing-key.js';
export type { GeneratedSigningKey } from './keys/generate-signing-key.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export {
  AccountError,
  AuthenticationError,
  CsrfError,
  ExpiredTokenError,
  InternalError,
  NotAuthenticatedError,
  NotFoundError,
  PermissionDeniedError,
  ServiceUnavailableError,
  SettingsError,
  SimpleJwtError,
  ThrottledError,
  TokenError,
  ValidationError,
} from './errors.js';
export type { ErrorCode, TokenClassFailure } from './errors.js';
export { Token } from './tokens/token.js';
export type { TokenClass, TokenContext } from './tokens/token.js';
export { AccessToken } from './tokens/access-token.js';
export { RefreshToken } from './tokens/refresh-token.js';
export { UntypedToken } from './tokens/untyped-token.js';
export { SlidingToken } from './tokens/sliding-token.js';
export { TokenUser } from './authentication/token-user.js';
export type { JsonValue } from './authentication/token-user.js';
export type { Authenticated } from './authentication/authenticate-request.js';
export type { Claims, TokenBackend } from './backend/token-backend.js';
export { createTokenBackend } from './backend/create-token-backend.js';
export type { AuthUser, Credentials, UserStore } from './stores/user-store.js';
export { KnexUserStore } from './stores/knex-user-store.js';
export type { DjangoUser, KnexUserStoreOptions } from './stores/knex-user-store.js';
export type { BatchingOptions } from './stores/statement-coalescer.js';
export { makeDjangoPassword, verifyDjangoPassword } from './stores/django-password.js';
export type { MakeDjangoPasswordOptions, VerifyDjangoPasswordOptions } from './stores/django-password.js';
export { migrate } from './stores/migrate.js';
export type { BlacklistStore, OutstandingToken, OutstandingTokenRow } from './stores/blacklist-store.js';
export { KnexBlacklistStore } from './stores/knex-blacklist-store.js';
export type { KnexBlacklistStoreOptions } from './stores/knex-blacklist-store.js';
export { BlacklistMirror } from './stores/blacklist-mirror.js';
export type { BlacklistMirrorOptions, MirrorState } from './stores/blacklist-mirror.js';
export { CachedUserStore } from './stores/cached-user-store.js';
export type { CachedUserStoreOptions } from './stores/cached-user-store.js';
export { flushExpiredTokens, revokeUserTokens, blacklistTokenByJti, unblacklistTokenByJti } from './stores/revocation.js';
export { MemoryLoginThrottleStore } from './throttle/memory-login-throttle-store.js';
export type { MemoryLoginThrottleStoreOptions } from './throttle/memory-login-throttle-store.js';
export type { LoginThrottleStore, ThrottleCharge, ThrottleEntry } from './throttle/login-throttle-store.js';
export type { ThrottleRule } from './throttle/throttle-rule.js';
export { KnexLoginThrottleStore } from './stores/knex-login-throttle-store.js';
export type { LoginThrottleOptions } from './settings.js';
export type { RefreshCookieOptions } from './cookies/refresh-cookie-settings.js';
// Refresh-token families, reuse detection, revoked_before and sessions (issue 14).
export type { ClientInfo, ConsumedToken, FamilyMember, FamilySession, FamilyStore, NewFamily, RotationClaim } from './families/family-store.js';
export type { ReuseDetectedEvent, ReuseDetectedHook } from './families/reuse-detected.js';
export type { Session } from './families/sessions.js';
export { KnexFamilyStore } from './postgres/knex-family-store.js';
export type { KnexFamilyStoreOptions, KnexFamilyStoreStartOptions } from './postgres/knex-family-store.js';
export { koaAuthentication } from './koa/authentication-module.js';
export type { Register, RegisteredUser, SimpleJwtState } from './koa/state.js';
export type { ProtectOptions, UnlessOptions, PathRule } from './koa/protect.js';
export { hidePasswordHash } from './stores/user-store.js';
export type { Logger } from './settings.js';
export type { PgConnection, PgConnectionConfig } from './stores/listener-types.js';
export type { StateChangeReporter } from './stores/state-report.js';
export type { TokenRouterOptions } from './koa/create-token-router.js';
// The Ninja JWT wire profile: `jwt.routes({ profile: 'ninja-jwt' })`, `securityProfiles`.
export type { NinjaJwtRouterOptions } from './profiles/ninja-jwt/create-ninja-token-router.js';
export type { NinjaController } from './profiles/ninja-jwt/ninja-jwt-profile.js';
export type { WireProfile } from './settings.js';
export type { NinjaAuthenticationErrorBody, NinjaDetailBody } from './controllers/ninja/ninja-token-models.js';
export { openApiDocument } from './openapi/open-api-document.js';
export type { OpenApiDocumentOptions } from './openapi/open-api-document.js';
export { mergeOpenApi } from './openapi/merge-open-api.js';
export type { MergeOpenApiOptions } from './openapi/merge-open-api.js';
export type { OpenApiDocument } from './openapi/open-api-types.js';
export { openApiRoute } from './koa/open-api-route.js';
export type { OpenApiRouteOptions } from './koa/open-api-route.js';
export { docsRoute } from './koa/docs-route.js';
export { jwksRoute } from './koa/jwks-route.js';
export type { JwksRouteOptions } from './koa/jwks-route.js';
export type { DocsRouteOptions } from './koa/docs-route.js';
export type { TokenPair } from './services/obtain-token-pair.js';
// The error bodies, for `@Response<...>` on your own protected tsoa routes.
export type { AuthenticationErrorBody, DetailErrorBody, TokenClassMessage } from './controllers/token-models.js';
export type { RefreshResult } from './services/refresh-access-token.js';
export type { SlidingTokenResult } from './services/obtain-sliding-token.js';
