import { readFileSync } from 'node:fs';
import Koa from 'koa';
import { Router } from '@koa/router';
import bodyParser from 'koa-bodyparser';
import {
  AccessToken,
  createSimpleJwt,
  docsRoute,
  jwksRoute,
  KnexUserStore,
  mergeOpenApi,
  openApiDocument,
  openApiRoute,
  SlidingToken,
} from '../../src/index.js';
import { RegisterRoutes } from './generated/routes.js';
import { loginPage } from './login-page.js';
import type { OpenApiDocument, OpenApiDocumentOptions } from '../../src/index.js';
import type { Knex } from 'knex';
import type { SimpleJwtOptions, UserStore } from '../../src/index.js';

/** Where the demo publishes its JWK Set when it signs with an asymmetric key. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  knex: Knex;
  /** The HS256 secret; without it, `settings` gives the keys (e.g. `signingKeys`, see server.ts). */
  signingKey?: string;
  /** Any other koa-simple-jwt setting. */
  settings?: Omit<SimpleJwtOptions, 'signingKey' | 'userStore'>;
  /** Hasher cost for users the app creates (Django's default when omitted). */
  iterations?: number;
  /**
   * Where authentication finds users, e.g. a `CachedUserStore` wrapping `users` (see
   * server.ts). Default: `users`, a KnexUserStore on `knex`.
   */
  userStore?: (users: KnexUserStore) => UserStore;
}

/**
 * The demo: koa-simple-jwt's token routes under `/api`, plus the app's own tsoa controller:
 * `GET /api/me` (`@Security('jwt')`, access tokens), `GET /api/me/sliding` (sliding tokens) and
 * `GET /api/me/any` (either), one OpenAPI document for both at `GET /api/openapi.json` and its
 * Swagger UI page at `/api/docs`. This is how an existing Koa app mounts us.
 */
export function createDemoApp(options: DemoAppOptions): { app: Koa; users: KnexUserStore } {
  const users = new KnexUserStore(options.knex, options.iterations ? { iterations: options.iterations } : {});
  const jwt = createSimpleJwt({
    // Three security names: access tokens only, sliding tokens only, either.
    authTokenClasses: { jwt: [AccessToken], jwt_sliding: [SlidingToken], jwt_any: [AccessToken, SlidingToken] },
    ...options.settings,
    ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }),
    userStore: options.userStore?.(users) ?? users,
  });

  const app = new Koa();
  // 1. First: makes the instance reachable to @Security routes and renders authentication errors
  //    as Simple JWT does (everything else the app throws passes through untouched).
  app.use(jwt.middleware());
  // 2. POST /api/token, /api/token/refresh, /api/token/verify, /api/token/sliding, /api/token/sliding/refresh.
  app.use(jwt.routes({ prefix: '/api' }));
  // 2b. The same endpoints with Ninja JWT's wire, for a django-ninja-jwt front end: POST /ninja/token/pair, ...
  app.use(jwt.routes({ profile: 'ninja-jwt', prefix: '/ninja' }));
  // 3. A body parser for the app's own routes (@Body() in a tsoa controller needs one).
  app.use(bodyParser());
  // 4. The app's own tsoa routes; a wrong method gets DRF's JSON 405, after authentication.
  const router = new Router({ prefix: '/api' });
  RegisterRoutes(router);
  app.use(router.routes()).use(jwt.allowedMethods(router));
  // 5. With asymmetric keys: the public keys, for resource servers (jwkUrl), at /.well-known/jwks.json.
  const jwksPath = jwt.jwkSet.keys.length > 0 ? JWKS_PATH : undefined;
  if (jwksPath !== undefined) app.use(jwksRoute({ path: jwksPath, jwt }));
  // 6. One OpenAPI document: the app's own (tsoa spec, examples/demo/tsoa.json) merged with ours.
  const document = demoOpenApiDocument({
    securityNames: Object.keys(jwt.settings.authTokenClasses),
    blacklist: jwt.settings.blacklistStore !== undefined,
    usernameField: jwt.settings.usernameField,
    refreshCookie: jwt.settings.refreshCookie,
    sessions: jwt.settings.familyStore !== undefined,
    ...(jwksPath === undefined ? {} : { jwksPath }),
  });
  app.use(openApiRoute({ path: '/api/openapi.json', document }));
  app.use(docsRoute({ path: '/api/docs', specUrl: '/api/openapi.json', title: 'koa-simple-jwt demo API' }));
  // 5. A login page at / for the refresh cookie (refreshCookie setting): examples/demo/public/.
  app.use(loginPage());
  return { app, users };
}

/**
 * The demo's own tsoa spec (servers `/api`, paths `/me`, ...) with our token routes, which the
 * app mounts under `/api` too, merged in.
 *
 * @example
 * const document = demoOpenApiDocument({ securityNames: ['jwt', 'jwt_sliding', 'jwt_any'], blacklist: true });
 * Object.keys(document.paths); // ['/me', '/me/sliding', '/me/any', '/token/sliding', ..., '/token/blacklist']
 */
export function demoOpenApiDocument(options: Omit<OpenApiDocumentOptions, 'prefix'>): OpenApiDocument {
  const own = JSON.parse(readFileSync(new URL('./generated/openapi.json', import.meta.url), 'utf8')) as OpenApiDocument;
  return mergeOpenApi(own, openApiDocument({ ...options, prefix: '/api' }));
}
