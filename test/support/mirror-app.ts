// A second app instance in its own process for the propagation test: the demo app with its
// blacklist held in memory by a BlacklistMirror. Prints "ready <port>"; GET /mirror/state tells
// the mirror's state. Env: DATABASE_URL, SIGNING_KEY, RECONNECT_DELAY_MS.
import knexFactory from 'knex';
import { createDemoApp } from '../../examples/demo/app.js';
import { BlacklistMirror } from '../../src/stores/blacklist-mirror.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import type { AddressInfo } from 'node:net';

const connection = process.env.DATABASE_URL!;
const knex = knexFactory({ client: 'pg', connection, pool: { min: 0, max: 4 } });
const mirror = await BlacklistMirror.start(new KnexBlacklistStore(knex), {
  connection,
  reconnectDelayMs: Number(process.env.RECONNECT_DELAY_MS ?? 100),
});
const { app } = createDemoApp({ knex, signingKey: process.env.SIGNING_KEY!, settings: { blacklistStore: mirror }, iterations: 1000 });
app.silent = true;
app.middleware.unshift(async (ctx, next) => {
  if (ctx.path === '/mirror/state') ctx.body = { state: mirror.state, size: mirror.size };
  else await next();
});
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => {
  server.close();
  void mirror.close().then(() => knex.destroy()).finally(() => process.exit(0));
});
