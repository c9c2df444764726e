import { bearerChallenge } from '../errors.js';
import { toSimpleJwtError } from './to-simple-jwt-error.js';
import type { Middleware } from 'koa';

/**
 * The one place errors become responses: `status`, the JSON `body` Simple JWT sends, the error's
 * headers, and on every 401 `WWW-Authenticate: <first header type> realm="api"` (RFC 6750 §3).
 * 5xx causes are emitted on the app (`app.on('error')`) and never sent to the client.
 *
 * @example
 * app.use(createErrorMiddleware('Bearer'));
 */
export function createErrorMiddleware(headerType: string): Middleware {
  const challenge = bearerChallenge(headerType);
  return async function simpleJwtErrors(ctx, next) {
    try {
      await next();
    } catch (thrown) {
      const error = toSimpleJwtError(thrown, ctx.method);
      if (error.status >= 500) ctx.app.emit('error', error.cause ?? error, ctx);
      ctx.status = error.status;
      ctx.set(error.headers);
      if (error.status === 401 && error.challenge) ctx.set('WWW-Authenticate', challenge);
      ctx.body = error.body;
    }
  };
}
