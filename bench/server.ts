// One benchmark server configuration in its own process: `tsx bench/server.ts <config>`.
// Reads DATABASE_URL, SIGNING_KEY and ITERATIONS; prints "ready <port>" when listening.
import Koa from 'koa';
import knexFactory from 'knex';
import { createDemoApp } from '../examples/demo/app.js';
import { createSimpleJwt } from '../src/index.js';
import { BlacklistMirror } from '../src/stores/blacklist-mirror.js';
import { KnexBlacklistStore } from '../src/stores/knex-blacklist-store.js';
import type { SimpleJwtOptions } from '../src/index.js';
import type { AddressInfo } from 'node:net';

export const CONFIGS = [
  'bare',
  'authenticate-only',
  'access-stateless',
  'access-user',
  'sliding-blacklist-db',
  'sliding-blacklist-memory',
  'obtain',
  'refresh',
  'refresh-rotate',
  'verify',
] as const;
export type Config = (typeof CONFIGS)[number];

const config = process.argv[2] as Config;
if (!CONFIGS.includes(config)) throw new Error(`unknown config ${config}; one of ${CONFIGS.join(', ')}`);
const connection = process.env.DATABASE_URL!;
const signingKey = process.env.SIGNING_KEY!;

const knex = knexFactory({ client: 'pg', connection, pool: { min: 2, max: 10 } });
let app: Koa;
let mirror: BlacklistMirror | undefined;

if (config === 'bare') {
  // The yardstick: a Koa route with no authentication, answering a body of the same shape.
  app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.path === '/api/me') ctx.body = { id: '1', username: 'bench' };
    else await next();
  });
} else if (config === 'authenticate-only') {
  // The same route with the authentication pipeline and nothing else (no tsoa, no router): what
  // authentication itself costs, against the bare route.
  const jwt = createSimpleJwt({ signingKey, statelessSecurityNames: ['jwt'] });
  app = new Koa();
  app.use(jwt.middleware());
  app.use(async (ctx, next) => {
    if (ctx.path !== '/api/me') return next();
    const { user } = await jwt.authenticate(ctx.get('authorization'), 'jwt');
    ctx.body = { id: String(user.id), username: user.username };
  });
} else {
  const settings: Omit<SimpleJwtOptions, 'signingKey' | 'userStore'> = {};
  if (config === 'access-stateless') Object.assign(settings, { statelessSecurityNames: ['jwt'] });
  if (config.startsWith('sliding') || config === 'refresh-rotate') {
    const store = new KnexBlacklistStore(knex);
    mirror = config === 'sliding-blacklist-memory' ? await BlacklistMirror.start(store, { connection }) : undefined;
    Object.assign(settings, { blacklistStore: mirror ?? store });
  }
  if (config === 'refresh-rotate') Object.assign(settings, { rotateRefreshTokens: true, blacklistAfterRotation: true });
  ({ app } = createDemoApp({ knex, signingKey, settings, iterations: Number(process.env.ITERATIONS) }));
}

// Resident memory, read by the driver before and after the long run. Put first in every
// configuration alike (Koa composes its middleware list when it starts listening).
app.middleware.unshift(async (ctx, next) => {
  if (ctx.path === '/bench/rss') ctx.body = { rss: process.memoryUsage().rss };
  else await next();
});
const listener = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`ready ${(listener.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  listener.close();
  void mirror?.close();
  void knex.destroy().finally(() => process.exit(0));
});
