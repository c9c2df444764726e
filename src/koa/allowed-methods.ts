import { bearerChallenge, InternalError, MethodNotAllowedError, SimpleJwtError } from '../errors.js';
import { renderSimpleJwtError } from './error-middleware.js';
import type { Middleware } from 'koa';
import type { Router } from '@koa/router';

/**
 * The mark our tsoa route template puts on a route's authentication middleware (its security
 * requirement), so that a 405 for that path can authenticate first.
 */
export const SECURITY_MARK = Symbol.for('koa-simple-jwt.security');

type Marked = ((ctx: unknown, next: () => Promise<void>) => Promise<unknown>) & { [SECURITY_MARK]?: unknown };

/**
 * `jwt.allowedMethods(router)`: the router's `allowedMethods()` answered as DRF answers it. A path
 * served for other methods gets 405 `{"detail": "Method \"POST\" not allowed."}` in JSON with
 * `Allow` (OPTIONS included, as DRF lists it); when the path's routes use `@Security`, the request
 * is authenticated first, as DRF's views authenticate before looking for the method: without a
 * valid token, 401 (or 403 for a missing scope), not 405. OPTIONS gets the router's 200 with
 * `Allow`; a method the router does not know keeps its 501.
 *
 * Authentication is found on routes generated with our tsoa template (`koa-simple-jwt
 * tsoa-template`); routes protected otherwise get the 405 body without it.
 */
export function createAllowedMethods(router: Router, headerType: string): Middleware {
  const allowed = router.allowedMethods() as unknown as Middleware;
  const challenge = bearerChallenge(headerType);
  return async function simpleJwtAllowedMethods(ctx, next) {
    await allowed(ctx, next);
    if (ctx.status !== 405 || ctx.body != null) return;
    const allow = String(ctx.response.get('Allow') || '')
      .split(/,\s*/)
      .filter(Boolean);
    const methods = [...new Set([...allow, 'OPTIONS'])];
    const authenticate = securedMiddleware(router, ctx.path);
    if (authenticate) {
      try {
        await authenticate(ctx, async () => {});
      } catch (thrown) {
        renderSimpleJwtError(ctx, thrown instanceof SimpleJwtError ? thrown : new InternalError(thrown), challenge);
        ctx.set('Allow', methods.join(', '));
        return;
      }
    }
    const error = new MethodNotAllowedError(ctx.method, methods);
    ctx.status = error.status;
    ctx.set(error.headers);
    ctx.body = error.body;
  };
}

/** The marked authentication middleware of the first secured route at `path`, if any. */
function securedMiddleware(router: Router, path: string): Marked | undefined {
  const matched = router.match(path, 'GET');
  for (const layer of matched.path) {
    if (layer.methods.length === 0) continue;
    for (const middleware of layer.stack as unknown as Marked[]) {
      if (typeof middleware === 'function' && middleware[SECURITY_MARK] !== undefined) return middleware;
    }
  }
  return undefined;
}
