import Koa from 'koa';
import { createSimpleJwt, KnexBlacklistStore, KnexUserStore, koaAuthentication, AccessToken, SlidingToken } from '../../src/index.js';
import { ITERATIONS, SIGNING_KEY } from './demo.js';
import { serve } from './http.js';
import type { Context } from 'koa';
import type { TestDatabase } from '../../examples/support/database.js';
import type { SimpleJwt, SimpleJwtOptions } from '../../src/index.js';
import type { TestServer } from './http.js';

/**
 * One app serving both wire profiles from one instance (same users, keys and blacklist):
 * Simple JWT's routes under `/api`, Ninja JWT's under `/ninja`, and protected `GET` routes that
 * authenticate as tsoa's generated code does (the authentication module, then `ctx.throw` with
 * its error): `/api/me` (security name `jwt`, Simple JWT's answers), `/ninja/me` (`ninja`, Ninja
 * JWT's `JWTAuth`), `/ninja/me/sliding` (`ninja_sliding`) and `/ninja/me/stateless`
 * (`ninja_stateless`, `JWTTokenUserAuth`).
 */
export async function startTwoProfileApp(
  db: TestDatabase,
  settings: Omit<SimpleJwtOptions, 'signingKey' | 'userStore'> = {},
  ninjaRoutes: Parameters<SimpleJwt['routes']>[0] = { profile: 'ninja-jwt', prefix: '/ninja' },
): Promise<{ server: TestServer; users: KnexUserStore; jwt: SimpleJwt }> {
  const users = new KnexUserStore(db.knex, { iterations: ITERATIONS });
  const jwt = createSimpleJwt({
    authTokenClasses: { jwt: [AccessToken], ninja: [AccessToken], ninja_sliding: [SlidingToken], ninja_stateless: [AccessToken] },
    securityProfiles: { ninja: 'ninja-jwt', ninja_sliding: 'ninja-jwt', ninja_stateless: 'ninja-jwt' },
    statelessSecurityNames: ['ninja_stateless'],
    blacklistStore: new KnexBlacklistStore(db.knex),
    ...settings,
    signingKey: SIGNING_KEY,
    userStore: users,
  });
  const app = new Koa();
  app.silent = true;
  app.use(jwt.middleware());
  app.use(jwt.routes({ prefix: '/api' }));
  app.use(jwt.routes(ninjaRoutes));
  const protectedRoutes: Record<string, string> = {
    '/api/me': 'jwt',
    '/ninja/me': 'ninja',
    '/ninja/me/sliding': 'ninja_sliding',
    '/ninja/me/stateless': 'ninja_stateless',
  };
  app.use(async (ctx: Context, next) => {
    const securityName = protectedRoutes[ctx.path];
    if (!securityName || ctx.method !== 'GET') return next();
    let user: unknown;
    try {
      user = await koaAuthentication(ctx.request, securityName, []);
    } catch (error) {
      // What tsoa's generated route does with a rejection.
      const status = (error as { status?: number }).status ?? 401;
      ctx.throw(status, (error as Error).message, error as object);
    }
    const { id, username } = user as { id: unknown; username?: unknown };
    ctx.body = { id, username: username ?? null };
  });
  return { server: await serve(app), users, jwt };
}
