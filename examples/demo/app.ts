import Koa from 'koa';
import { Router } from '@koa/router';
import { AccessToken, createSimpleJwt, KnexUserStore, SlidingToken } from '../../src/index.js';
import { RegisterRoutes } from './generated/routes.js';
import type { Knex } from 'knex';
import type { SimpleJwtOptions } from '../../src/index.js';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  knex: Knex;
  signingKey: string;
  /** Any other koa-simple-jwt setting. */
  settings?: Omit<SimpleJwtOptions, 'signingKey' | 'userStore'>;
  /** Hasher cost for users the app creates (Django's default when omitted). */
  iterations?: number;
}

/**
 * The demo: koa-simple-jwt's token routes under `/api`, plus the app's own tsoa controller:
 * `GET /api/me` (`@Security('jwt')`, access tokens), `GET /api/me/sliding` (sliding tokens) and
 * `GET /api/me/any` (either). This is how an existing Koa app mounts us.
 */
export function createDemoApp(options: DemoAppOptions): { app: Koa; users: KnexUserStore } {
  const users = new KnexUserStore(options.knex, options.iterations ? { iterations: options.iterations } : {});
  const jwt = createSimpleJwt({
    // Three security names: access tokens only, sliding tokens only, either.
    authTokenClasses: { jwt: [AccessToken], jwt_sliding: [SlidingToken], jwt_any: [AccessToken, SlidingToken] },
    ...options.settings,
    signingKey: options.signingKey,
    userStore: users,
  });

  const app = new Koa();
  // 1. Makes the instance reachable to @Security routes and renders errors as Simple JWT does.
  app.use(jwt.middleware());
  // 2. POST /api/token, /api/token/refresh, /api/token/verify, /api/token/sliding, /api/token/sliding/refresh.
  app.use(jwt.routes({ prefix: '/api' }));
  // 3. The app's own tsoa routes.
  const router = new Router({ prefix: '/api' });
  RegisterRoutes(router);
  app.use(router.routes()).use(router.allowedMethods());
  return { app, users };
}
