import { Router } from '@koa/router';
import bodyParser from 'koa-bodyparser';
import { MethodNotAllowedError, ParseError, RequestTooLargeError } from '../errors.js';
import { RegisterRoutes } from '../generated/routes.js';
import { attachInstance, servingInstance } from './instance-context.js';
import { bodyParserFor, contentTypeGuard } from './content-type-guard.js';
import { createErrorMiddleware } from './error-middleware.js';
import { sendJson } from './send-json.js';
import { markClientAbort } from './client-abort.js';
import { tokenViewMetadata } from './token-view-metadata.js';
import { refreshCookieTransport } from './refresh-cookie-transport.js';
import type { Context, Middleware } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';

/** Options for {@link createTokenRouter}. */
export interface TokenRouterOptions {
  /** Simple JWT's wire (the default; `'ninja-jwt'` takes NinjaJwtRouterOptions). */
  profile?: 'simple-jwt';
  /** Where the routes are mounted, e.g. `/api` gives `/api/token`. Default none. */
  prefix?: string;
  /** Mount `POST /token/blacklist`. Default: when a blacklist store is configured. */
  blacklist?: boolean;
  /** Mount the sessions endpoints (`/token/sessions`, `/token/logout-all`). Default: when a family store is configured. */
  sessions?: boolean;
}

/** Generated paths that are mounted only on request. */
const BLACKLIST_PATH = '/token/blacklist';
/** The sessions endpoints, as the generated routes register them. */
const SESSION_PATHS = ['/token/sessions', '/token/sessions/:id', '/token/sessions/revoke-others', '/token/logout-all'];

/** What DRF's token views allow, sent on every answer they give (`APIView.finalize_response`). */
const ALLOW = 'POST, OPTIONS';

/**
 * A form body read as Django's `QueryDict` reads it: flat keys (`a[b]=1` is the key `a[b]`), and
 * the last value of a repeated key (`QueryDict.__getitem__`). Own properties only, so a key such
 * as `__proto__` is just a key.
 */
function parseFlatForm(text: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(text));
}

/** The largest body read: Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` (2.5 MB), for JSON and forms alike. */
const BODY_LIMIT_BYTES = 2_621_440;

/**
 * koa-bodyparser reading bodies as DRF's JSONParser and FormParser do: JSON chosen by the same
 * rule as the content-type guard (not koa-bodyparser's wider list of JSON types), any JSON value
 * kept (`strict: false`, so `null` or `"x"` reach DRF's "Expected a dictionary" check), forms
 * parsed flat, and an empty body read as `{}` (lenient JSON mode would hand over `""`).
 */
function drfBodyParser(): Middleware {
  const options: bodyParser.Options & { qs: { parse(text: string): Record<string, string> } } = {
    enableTypes: ['json', 'form'],
    strict: false,
    detectJSON: (ctx) => bodyParserFor(ctx.get('content-type')) === 'json',
    // Passed through to co-body's form reader, which otherwise nests keys with `qs`.
    qs: { parse: parseFlatForm },
    jsonLimit: `${BODY_LIMIT_BYTES}b`,
    formLimit: `${BODY_LIMIT_BYTES}b`,
    onerror: (error: Error & { type?: string }) => {
      if (error.type === 'entity.too.large') throw new RequestTooLargeError(BODY_LIMIT_BYTES);
      throw new ParseError(error.message);
    },
  };
  const parse = bodyParser(options);
  return (ctx, next) =>
    parse(ctx, async () => {
      if (ctx.request.rawBody === '') ctx.request.body = {};
      await next();
    });
}

/**
 * The router as tsoa's `RegisterRoutes` sees it, minus the routes whose path is in `skip`: the
 * generated file registers every controller, and an endpoint without its store must not exist.
 */
function withoutRoutes(router: Router, skip: ReadonlySet<string>): Router {
  return new Proxy(router, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all'].includes(property)) return value;
      return (path: unknown, ...rest: unknown[]) =>
        typeof path === 'string' && skip.has(path) ? receiver : (value as (...args: unknown[]) => unknown).call(target, path, ...rest);
    },
  });
}

/**
 * The tsoa-generated token routes as one Koa middleware: the instance is attached, errors are
 * rendered as Simple JWT's bodies, JSON and form bodies are parsed (unless the app already did),
 * other media types get a 415, and a wrong method gets DRF's 405 body. A trailing slash is
 * accepted (`/api/token/`), as in Simple JWT's documented URLs.
 */
export function createTokenRouter(instance: SimpleJwt, options: TokenRouterOptions = {}): TokenRouter {
  const router = new Router(options.prefix ? { prefix: options.prefix } : {});
  router.use(
    async (ctx, next) => {
      // With a keyResolver the request's tenant's instance serves it: the one jwt.middleware()
      // attached, or resolved here when the routes are mounted without it.
      attachInstance(ctx, await servingInstance(ctx, instance));
      markClientAbort(ctx);
      // jwt.middleware() switched an app-wide body parser off for this request: ours reads it.
      if (takeOwnBody(ctx)) ctx.disableBodyParser = false;
      await next();
      // Every answer of a token view, 200, 400 or 401 alike, says what the view allows and is
      // DRF's plain `application/json`.
      ctx.set('Allow', ALLOW);
      if (ctx.body !== null && typeof ctx.body === 'object' && ctx.response.is('json')) sendJson(ctx, ctx.body);
    },
    createErrorMiddleware(instance.settings.authHeaderTypes[0] ?? 'Bearer', 'all'),
    contentTypeGuard(),
    drfBodyParser(),
  );
  const { refreshCookie, clock } = instance.settings;
  if (refreshCookie) router.use(refreshCookieTransport(refreshCookie, clock, (options.prefix ?? '').replace(/\/+$/, '')));
  const skip = new Set([...(options.blacklist ? [] : [BLACKLIST_PATH]), ...(options.sessions ? [] : SESSION_PATHS)]);
  RegisterRoutes(skip.size === 0 ? router : withoutRoutes(router, skip));
  const prefix = options.prefix ?? '';
  /**
   * A token route's path with another method than POST (the routes only declare POST): OPTIONS
   * gets DRF's metadata document, any other method, however odd (`TRACE`, `PROPFIND`), DRF's 405.
   * A path that is not a token route is left to the app.
   */
  const otherMethod: Middleware = async (ctx, next) => {
    const route = router.match(ctx.path, 'POST').pathAndMethod.find((layer) => layer.methods.length > 0);
    if (route === undefined) return next();
    attachInstance(ctx, instance);
    ctx.set('Allow', ALLOW);
    if (ctx.method === 'OPTIONS') {
      ctx.status = 200;
      sendJson(ctx, tokenViewMetadata(String(route.path).slice(prefix.length), instance.settings.usernameField) ?? {});
      return;
    }
    const error = new MethodNotAllowedError(ctx.method, ALLOW.split(', '));
    ctx.status = error.status;
    sendJson(ctx, error.body, { translate: true });
  };
  const routes = router.routes() as Middleware;
  // Most requests an app serves are not ours: let them pass without the router's matching work.
  const base = `${options.prefix ?? ''}/token`;
  const middleware: Middleware = function tokenRoutes(ctx, next) {
    if (!ctx.path.startsWith(base)) return next();
    return routes(ctx, () => otherMethod(ctx, next));
  };
  return {
    middleware,
    serves: (path) => path.startsWith(base) && router.match(path, 'POST').route,
  };
}

/** The token routes as Koa middleware, and which paths they answer. */
export interface TokenRouter {
  middleware: Middleware;
  /** Whether `path` is one of these routes (whatever the method). */
  serves(path: string): boolean;
}

const OWN_BODY = Symbol.for('koa-simple-jwt.own-body');

/**
 * Switches off the body parsers mounted between `jwt.middleware()` and our routes (koa-bodyparser
 * and @koa/bodyparser honour `ctx.disableBodyParser`) for a request to a token route: our routes
 * read bodies as DRF does (its 400 and 415 bodies), which an app-wide parser would answer with a
 * plain-text 400 first.
 */
export function reserveBody(ctx: Context): void {
  ctx.disableBodyParser = true;
  (ctx as Context & { [OWN_BODY]?: boolean })[OWN_BODY] = true;
}

/** Whether {@link reserveBody} marked this request (once): the token router then reads the body itself. */
export function takeOwnBody(ctx: Context): boolean {
  const marked = ctx as Context & { [OWN_BODY]?: boolean };
  if (!marked[OWN_BODY]) return false;
  marked[OWN_BODY] = false;
  return true;
}
