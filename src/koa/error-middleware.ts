import { bearerChallenge, SimpleJwtError } from '../errors.js';
import { toSimpleJwtError } from './to-simple-jwt-error.js';
import type { Context, Middleware } from 'koa';

/** Which errors an error middleware renders. */
export type ErrorScope =
  /**
   * Everything thrown below it: the token routes' own middleware, where every error (a tsoa
   * ValidateError, a body parser's, the router's 405) is ours to answer as DRF would.
   */
  | 'all'
  /**
   * Only our coded errors (authentication, `protect()`, the token routes' errors that escaped
   * them); anything else, such as the app's own `ctx.throw(404)` or its tsoa ValidateError, is
   * rethrown untouched for the app's handler or Koa's (koa's rule for a library's middleware).
   */
  | 'owned';

/**
 * Renders an error as Simple JWT does: `status`, the JSON `body`, the error's headers, and on every
 * 401 `WWW-Authenticate: <first header type> realm="api"` (RFC 6750 §3; not for an error rendered
 * in Ninja JWT's shape, `challenge` false). 5xx causes are emitted on
 * the app (`app.on('error')`) and never sent to the client.
 */
export function renderSimpleJwtError(ctx: Context, error: SimpleJwtError, challenge: string): void {
  if (error.status >= 500) ctx.app.emit('error', error.cause ?? error, ctx);
  ctx.status = error.status;
  ctx.set(error.headers);
  if (error.status === 401 && error.challenge) ctx.set('WWW-Authenticate', challenge);
  ctx.body = error.body;
}

/**
 * The one place errors become responses (see {@link renderSimpleJwtError}), for the errors of
 * `scope`.
 *
 * @example
 * app.use(createErrorMiddleware('Bearer', 'owned'));
 */
export function createErrorMiddleware(headerType: string, scope: ErrorScope): Middleware {
  const challenge = bearerChallenge(headerType);
  if (scope === 'owned') {
    return async function simpleJwtErrors(ctx, next) {
      try {
        await next();
      } catch (thrown) {
        if (!(thrown instanceof SimpleJwtError)) throw thrown;
        renderSimpleJwtError(ctx, thrown, challenge);
      }
    };
  }
  return async function simpleJwtRouteErrors(ctx, next) {
    try {
      await next();
    } catch (thrown) {
      renderSimpleJwtError(ctx, toSimpleJwtError(thrown, ctx.method), challenge);
    }
  };
}
