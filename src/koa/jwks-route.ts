import { normaliseMountPrefix } from '../openapi/mount-prefix.js';
import { cacheableDocument, sendCacheableDocument, type CacheableDocument } from './cacheable-document.js';
import { instanceFrom } from './instance-context.js';
import type { Context, Middleware } from 'koa';
import type { JwkSet } from '../keys/public-jwk.js';

/** Options of {@link jwksRoute}. */
export interface JwksRouteOptions {
  /** Where to serve the set, e.g. `/.well-known/jwks.json`. */
  path: string;
  /**
   * The instance whose public keys to publish (`jwt.jwkSet`) and for how long verifiers may cache
   * them (`jwt.settings.jwksMaxAge`): a `createSimpleJwt(...)` result.
   */
  jwt: { readonly jwkSet: JwkSet; readonly settings: { readonly jwksMaxAge: number; readonly keyResolver?: unknown } };
}

/**
 * Koa middleware that answers `GET` (and `HEAD`) on `path` with the instance's JWK Set (RFC 7517
 * §5) as `application/jwk-set+json` (§8.5), with `Cache-Control: public, max-age=<jwksMaxAge>`
 * and an `ETag`; every other request goes to `next`. Only public parameters are ever in the set:
 * HMAC secrets and private keys are not published (see `jwkSet` in the backend). With a
 * `keyResolver`, mount it after `jwt.middleware()`: it answers the request's tenant's keys.
 *
 * @example
 * app.use(jwksRoute({ path: '/.well-known/jwks.json', jwt }));
 * // a resource server: createSimpleJwt({ algorithm: 'ES256', jwkUrl: 'https://auth.example.com/.well-known/jwks.json' })
 */
export function jwksRoute(options: JwksRouteOptions): Middleware {
  const path = normaliseMountPrefix(options.path, 'jwksRoute: path');
  if (path === '') throw new TypeError('jwksRoute: path must not be the root, e.g. "/.well-known/jwks.json"');
  const set = options.jwt?.jwkSet;
  const maxAge = options.jwt?.settings?.jwksMaxAge;
  if (set === undefined || !Array.isArray(set.keys) || typeof maxAge !== 'number') {
    throw new TypeError('jwksRoute: jwt must be a createSimpleJwt(...) instance');
  }
  // A set is fixed for its instance's life (keys change with a restart): serialised once. With a
  // keyResolver, the set is the request's tenant's (jwt.middleware() attached its instance).
  const fixed = options.jwt.settings.keyResolver === undefined ? cacheableDocument(set) : undefined;
  const perTenant = new WeakMap<JwkSet, CacheableDocument>();
  const tenantSet = (ctx: Context): CacheableDocument => {
    const own = instanceFrom(ctx).jwkSet;
    let rendered = perTenant.get(own);
    if (rendered === undefined) perTenant.set(own, (rendered = cacheableDocument(own)));
    return rendered;
  };
  const cacheControl = `public, max-age=${Math.floor(maxAge)}`;
  return async function jwks(ctx, next) {
    if (ctx.path !== path || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    sendCacheableDocument(ctx, fixed ?? tenantSet(ctx), cacheControl, 'application/jwk-set+json');
  };
}
