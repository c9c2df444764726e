// One benchmark server configuration in its own process. bench/run.ts compiles this file (and what
// it imports) with tsc (bench/tsconfig.json, into .tmp/bench-build) and starts
// `node .tmp/bench-build/bench/server.js <config>`: plain JavaScript, as users run the library.
// Reads DATABASE_URL, SIGNING_KEY and ITERATIONS; prints "ready <port>" when listening. It reads
// no file relative to itself and runs no migration (the driver migrates the database), so the
// compiled copy needs nothing next to it.
//
// Every configuration but `bare` and `authenticate-only` is the same app: jwt.middleware(), the
// token routes under /api and the bench's own tsoa routes (bench/controllers, generated into
// bench/generated/routes.ts) under /api. Only the settings and the route requested differ.
import Koa from 'koa';
import knexFactory from 'knex';
import { Router } from '@koa/router';
import {
  AccessToken,
  BlacklistMirror,
  CachedUserStore,
  createSimpleJwt,
  KnexBlacklistStore,
  KnexUserStore,
  SlidingToken,
} from '../src/index.js';
import { RegisterRoutes } from './generated/routes.js';
import type { SimpleJwtOptions, UserStore } from '../src/index.js';
import type { AddressInfo } from 'node:net';

export const CONFIGS = [
  'bare',
  'tsoa-public',
  'authenticate-only',
  'authenticate-only-sliding',
  'access-stateless',
  'access-user',
  'access-user-cached',
  'sliding-blacklist-db',
  'sliding-blacklist-memory',
  'obtain',
  'refresh',
  'refresh-rotate',
  'refresh-rotate-memory',
  'refresh-rotate-unbatched',
  'access-user-unbatched',
  'sliding-blacklist-db-unbatched',
  'verify',
] as const;
export type Config = (typeof CONFIGS)[number];

const config = process.argv[2] as Config;
if (!CONFIGS.includes(config)) throw new Error(`unknown config ${config}; one of ${CONFIGS.join(', ')}`);
const connection = process.env.DATABASE_URL!;
const signingKey = process.env.SIGNING_KEY!;
const iterations = Number(process.env.ITERATIONS);

const knex = knexFactory({ client: 'pg', connection, pool: { min: 2, max: 10 } });
let app: Koa;
/** What holds a listening connection, closed on SIGTERM. */
const listeners: { close(): Promise<void> }[] = [];

if (config === 'bare') {
  // The absolute yardstick: one Koa middleware, no router, no authentication, a body of the same shape.
  app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.path === '/api/me') ctx.body = { id: '1', username: 'bench' };
    else await next();
  });
} else if (config === 'authenticate-only' || config === 'authenticate-only-sliding') {
  // The authentication pipeline and nothing else (no tsoa, no router), against the bare route: an
  // access token, stateless; or a sliding token checked against the blacklist, with its user, both
  // in memory.
  const sliding = config === 'authenticate-only-sliding';
  const settings: Omit<SimpleJwtOptions, 'signingKey'> = { statelessSecurityNames: ['jwt'] };
  if (sliding) {
    const users = await CachedUserStore.start(new KnexUserStore(knex), { connection });
    const mirror = await BlacklistMirror.start(new KnexBlacklistStore(knex), { connection });
    listeners.push(users, mirror);
    Object.assign(settings, { statelessSecurityNames: [], authTokenClasses: { jwt: [SlidingToken] }, userStore: users, blacklistStore: mirror });
  }
  const jwt = createSimpleJwt({ ...settings, signingKey });
  app = new Koa();
  app.use(jwt.middleware());
  app.use(async (ctx, next) => {
    if (ctx.path !== '/api/me') return next();
    const { user } = await jwt.authenticate(ctx.get('authorization'), 'jwt');
    ctx.body = { id: String(user.id), username: user.username };
  });
} else {
  // The tsoa app: GET /api/public (tsoa-public) is the same route shape without authentication.
  // The -unbatched configurations send every statement on its own (before statements were coalesced).
  const unbatched = config.endsWith('-unbatched');
  const knexUsers = new KnexUserStore(knex, { ...(iterations ? { iterations } : {}), ...(unbatched ? { lookupBatching: false } : {}) });
  const cachedUsers = config === 'access-user-cached' || config === 'sliding-blacklist-memory' || config === 'refresh-rotate-memory';
  const userStore: UserStore = cachedUsers ? await CachedUserStore.start(knexUsers, { connection }) : knexUsers;
  if (userStore instanceof CachedUserStore) listeners.push(userStore);
  const settings: Omit<SimpleJwtOptions, 'signingKey' | 'userStore' | 'authTokenClasses'> = {};
  if (config === 'access-stateless') Object.assign(settings, { statelessSecurityNames: ['jwt'] });
  if (config.startsWith('sliding') || config.startsWith('refresh-rotate')) {
    const store = new KnexBlacklistStore(knex, unbatched ? { rotationBatching: false, lookupBatching: false } : {});
    const inMemory = config === 'sliding-blacklist-memory' || config === 'refresh-rotate-memory';
    const mirror = inMemory ? await BlacklistMirror.start(store, { connection }) : undefined;
    if (mirror) listeners.push(mirror);
    Object.assign(settings, { blacklistStore: mirror ?? store });
  }
  if (config.startsWith('refresh-rotate')) Object.assign(settings, { rotateRefreshTokens: true, blacklistAfterRotation: true });
  const jwt = createSimpleJwt({
    authTokenClasses: { jwt: [AccessToken], jwt_sliding: [SlidingToken] },
    ...settings,
    signingKey,
    userStore,
  });
  app = new Koa();
  app.use(jwt.middleware());
  app.use(jwt.routes({ prefix: '/api' }));
  const router = new Router({ prefix: '/api' });
  RegisterRoutes(router);
  app.use(router.routes()).use(router.allowedMethods());
}

// BENCH_DEBUG=1: every second, the pool's use and each listener's health on stderr.
if (process.env.BENCH_DEBUG) {
  const pool = (knex.client as { pool: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
  setInterval(async () => {
    const health = await Promise.all(listeners.map((listener) => (listener as { health?: () => Promise<unknown> }).health?.()));
    process.stderr.write(`${config} pool used ${pool.numUsed()} free ${pool.numFree()} pending ${pool.numPendingAcquires()} ${JSON.stringify(health)}\n`);
  }, 1000).unref();
}

// Resident memory, read by the driver before and after the long run. Put first in every
// configuration alike (Koa composes its middleware list when it starts listening).
// And the process's CPU time (user + system, µs), read before and after each slice: CPU time per
// request is far steadier than requests/s on a shared machine.
app.middleware.unshift(async (ctx, next) => {
  if (ctx.path === '/bench/rss') ctx.body = { rss: process.memoryUsage().rss };
  else if (ctx.path === '/bench/cpu') {
    const { user, system } = process.cpuUsage();
    ctx.body = { cpu: user + system };
  } else await next();
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  // Requests still queued for a database connection fail when the pool goes: not worth a log line.
  app.silent = true;
  server.close();
  void Promise.allSettled(listeners.map((l) => l.close()))
    .then(() => knex.destroy())
    .finally(() => process.exit(0));
});
