import { Router } from '@koa/router';
import bodyParser from 'koa-bodyparser';
import { MethodNotAllowedError, ParseError } from '../errors.js';
import { RegisterRoutes } from '../generated/routes.js';
import { attachInstance } from './instance-context.js';
import { contentTypeGuard } from './content-type-guard.js';
import { createErrorMiddleware } from './error-middleware.js';
import type { Middleware } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';

/** Options for {@link createTokenRouter}. */
export interface TokenRouterOptions {
  /** Where the routes are mounted, e.g. `/api` gives `/api/token`. Default none. */
  prefix?: string;
}

/**
 * The tsoa-generated token routes as one Koa middleware: the instance is attached, errors are
 * rendered as Simple JWT's bodies, JSON and form bodies are parsed (unless the app already did),
 * other media types get a 415, and a wrong method gets DRF's 405 body. A trailing slash is
 * accepted (`/api/token/`), as in Simple JWT's documented URLs.
 */
export function createTokenRouter(instance: SimpleJwt, options: TokenRouterOptions = {}): Middleware {
  const router = new Router(options.prefix ? { prefix: options.prefix } : {});
  router.use(
    async (ctx, next) => {
      attachInstance(ctx, instance);
      await next();
    },
    createErrorMiddleware(instance.settings.authHeaderTypes[0] ?? 'Bearer'),
    contentTypeGuard(),
    bodyParser({
      enableTypes: ['json', 'form'],
      strict: false,
      onerror: (error: Error) => {
        throw new ParseError(error.message);
      },
    }),
  );
  RegisterRoutes(router);
  const allowed = router.allowedMethods();
  const methodNotAllowed: Middleware = async (ctx, next) => {
    await allowed(ctx as Parameters<typeof allowed>[0], next);
    if (ctx.status === 405 && ctx.body == null) {
      const error = new MethodNotAllowedError(ctx.method, String(ctx.response.get('Allow')).split(/,\s*/));
      ctx.status = 405;
      ctx.body = error.body;
    }
  };
  const routes = router.routes() as Middleware;
  return function tokenRoutes(ctx, next) {
    return routes(ctx, () => methodNotAllowed(ctx, next));
  };
}
