import { Router } from '@koa/router';
import bodyParser from 'koa-bodyparser';
import { MethodNotAllowedError, ParseError, RequestTooLargeError, SettingsError } from '../../errors.js';
import { RegisterRoutes } from '../../generated/ninja-routes.js';
import { attachInstance } from '../../koa/instance-context.js';
import { takeOwnBody } from '../../koa/create-token-router.js';
import { renderNinjaError } from './render-ninja-error.js';
import { NINJA_CONTROLLER_PATHS, NINJA_CONTROLLERS, NINJA_JWT_PROFILE } from './ninja-jwt-profile.js';
import type { Middleware } from 'koa';
import type { SimpleJwt } from '../../create-simple-jwt.js';
import type { NinjaController } from './ninja-jwt-profile.js';
import type { TokenRouter } from '../../koa/create-token-router.js';

/** Options of `jwt.routes({ profile: 'ninja-jwt' })`. */
export interface NinjaJwtRouterOptions {
  /** Ninja JWT's wire: its paths, bodies, status codes and headers. */
  profile: typeof NINJA_JWT_PROFILE;
  /** Where the routes are mounted, e.g. `/api` gives `/api/token/pair`. Default none. */
  prefix?: string;
  /**
   * Which of Ninja JWT's controllers to mount: `default` (pair, refresh, verify), `sliding`
   * (sliding, sliding refresh, verify), `blacklist`. Default: `default` and `sliding`, plus
   * `blacklist` when a blacklist store is configured.
   */
  controllers?: readonly NinjaController[];
}

/** The largest body read: Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MB). */
const BODY_LIMIT_BYTES = 2_621_440;

/**
 * The body as django-ninja reads it: JSON whatever the `Content-Type` (a form is "Cannot parse
 * request body"), any JSON value kept, and no body at all left `undefined`.
 */
function ninjaBodyParser(): Middleware {
  const parse = bodyParser({
    enableTypes: ['json'],
    strict: false,
    detectJSON: () => true,
    jsonLimit: `${BODY_LIMIT_BYTES}b`,
    onerror: (error: Error & { type?: string }) => {
      if (error.type === 'entity.too.large') throw new RequestTooLargeError(BODY_LIMIT_BYTES);
      throw new ParseError(error.message);
    },
  });
  return (ctx, next) =>
    parse(ctx, async () => {
      if (ctx.request.rawBody === '' || ctx.request.rawBody === undefined) ctx.request.body = undefined;
      await next();
    });
}

/** Renders every error of these routes as Ninja JWT's wire does (no `WWW-Authenticate`). */
function ninjaErrors(): Middleware {
  return async function ninjaJwtErrors(ctx, next) {
    try {
      await next();
    } catch (thrown) {
      const error = renderNinjaError(thrown, ctx.method);
      if (error.status >= 500) ctx.app.emit('error', error.cause ?? error, ctx);
      ctx.status = error.status;
      ctx.set(error.headers);
      ctx.body = error.body;
    }
  };
}

/** The router as tsoa's `RegisterRoutes` sees it, registering only the paths in `keep`. */
function onlyRoutes(router: Router, keep: ReadonlySet<string>): Router {
  return new Proxy(router, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'post') return value;
      return (path: unknown, ...rest: unknown[]) =>
        typeof path === 'string' && !keep.has(path) ? receiver : (value as (...args: unknown[]) => unknown).call(target, path, ...rest);
    },
  });
}

/**
 * Ninja JWT's token routes as one Koa middleware: only the chosen controllers' paths, exactly
 * as Ninja JWT spells them (no trailing slash), POST only (any other method is a 405), bodies
 * read as JSON, and every error in Ninja JWT's shape.
 *
 * @example
 * app.use(jwt.routes({ profile: 'ninja-jwt', prefix: '/api' })); // POST /api/token/pair
 */
export function createNinjaTokenRouter(instance: SimpleJwt, options: NinjaJwtRouterOptions): TokenRouter {
  const controllers: readonly NinjaController[] = options.controllers ?? ['default', 'sliding', ...(instance.settings.blacklistStore ? ['blacklist' as const] : [])];
  if (!Array.isArray(controllers as unknown) || controllers.length === 0 || !controllers.every((name) => NINJA_CONTROLLERS.includes(name))) {
    throw new SettingsError('controllers', `expected a non-empty list of ${NINJA_CONTROLLERS.map((name) => `"${name}"`).join(', ')}`);
  }
  if (controllers.includes('blacklist') && !instance.settings.blacklistStore) {
    throw new SettingsError('blacklistStore', 'the blacklist controller needs a blacklist store (e.g. new KnexBlacklistStore(knex)); without one it would blacklist nothing');
  }
  const keep = new Set(controllers.flatMap((name) => NINJA_CONTROLLER_PATHS[name]));
  const prefix = options.prefix ?? '';
  const mounted = new Set([...keep].map((path) => prefix + path));
  const router = new Router({ strict: true, ...(prefix ? { prefix } : {}) });
  router.use(
    async (ctx, next) => {
      attachInstance(ctx, instance);
      // jwt.middleware() switched an app-wide body parser off for this request: ours reads it.
      if (takeOwnBody(ctx)) ctx.disableBodyParser = false;
      await next();
    },
    ninjaErrors(),
    ninjaBodyParser(),
  );
  RegisterRoutes(onlyRoutes(router, keep));
  const routes = router.routes() as Middleware;
  const errors = ninjaErrors();
  const middleware: Middleware = function ninjaTokenRoutes(ctx, next) {
    if (!mounted.has(ctx.path)) return next();
    // django-ninja answers any other method on a POST route with its 405 (OPTIONS included).
    if (ctx.method !== 'POST') return errors(ctx, () => Promise.reject(new MethodNotAllowedError(ctx.method, ['POST'])));
    return routes(ctx, next);
  };
  return { middleware, serves: (path) => mounted.has(path) };
}
