// The authentication pipeline alone, in one process, without HTTP: `npm run bench:pipeline`
// (compiled by tsc into .tmp/bench-build and run by node, as the HTTP bench runs its servers).
// What `koaAuthentication` (the function tsoa calls for @Security) costs per call, in µs, for each
// stateful and stateless setting the HTTP bench measures. A loopback HTTP request costs 25–50 µs
// of server CPU on this kind of machine and varies by tens of percent between runs; this figure
// varies by a few percent, so it is the one to compare when changing the pipeline.
//
// Every call gets a fresh header string (as a request read from a socket does: its hash is not yet
// computed) and a fresh context. The loop itself (string from a pool, context object) is measured
// too and subtracted.
// Env: DATABASE_URL (else an embedded PostgreSQL), PIPELINE_CALLS (per run, default 100,000),
// PIPELINE_RUNS (default 9, the median kept).
import { createTestDatabase } from '../examples/support/database.js';
import {
  AccessToken,
  BlacklistMirror,
  CachedUserStore,
  createSimpleJwt,
  KnexBlacklistStore,
  KnexUserStore,
  koaAuthentication,
  migrate,
  SlidingToken,
} from '../src/index.js';
import { attachInstance } from '../src/koa/instance-context.js';
import type { Request } from 'koa';
import type { SimpleJwt } from '../src/index.js';

const calls = Number(process.env.PIPELINE_CALLS ?? 100_000);
const runs = Number(process.env.PIPELINE_RUNS ?? 9);

const db = await createTestDatabase();
await migrate(db.knex);
const knexUsers = new KnexUserStore(db.knex, { iterations: 1 });
const user = await knexUsers.createUser({ username: 'bench', password: 'bench-password' });
const cachedUsers = await CachedUserStore.start(knexUsers, { connection: db.connectionString });
const mirror = await BlacklistMirror.start(new KnexBlacklistStore(db.knex), { connection: db.connectionString });
const signingKey = 'k'.repeat(64);
const classes = { authTokenClasses: { jwt: [AccessToken], jwt_sliding: [SlidingToken] } };

const stateless = createSimpleJwt({ ...classes, signingKey, statelessSecurityNames: ['jwt'] });
const cached = createSimpleJwt({ ...classes, signingKey, userStore: cachedUsers, blacklistStore: mirror });
const access = (await stateless.issueTokenPair(user)).access;
const sliding = (await SlidingToken.forUser(cached.context, user)).sign();

/** A request as tsoa hands it to the authentication module: what koaAuthentication reads and writes. */
function requestFor(instance: SimpleJwt, header: string): Request {
  const ctx = { state: {} } as unknown as Request['ctx'];
  const request = { ctx, headers: { authorization: header } } as unknown as Request;
  attachInstance(ctx, instance);
  return request;
}

/** µs per call of `call` over fresh copies of `header`: the median of `runs` runs. */
async function measure(header: string, call: (header: string) => unknown): Promise<number> {
  const bytes = Buffer.from(header, 'latin1');
  const perRun: number[] = [];
  for (let run = 0; run < runs + 1; run += 1) {
    const pool = Array.from({ length: calls }, () => bytes.toString('latin1'));
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i += 1) await call(pool[i]!);
    const micros = Number(process.hrtime.bigint() - started) / calls / 1000;
    if (run > 0) perRun.push(micros); // the first run warms up
  }
  return perRun.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const rows: [label: string, instance: SimpleJwt, securityName: string, token: string][] = [
  ['access token, stateless', stateless, 'jwt', access],
  ['access token, user from CachedUserStore', cached, 'jwt', access],
  ['sliding token, BlacklistMirror + CachedUserStore', cached, 'jwt_sliding', sliding],
];
try {
  const loop = await measure(`Bearer ${access}`, async (header) => requestFor(stateless, header));
  console.log(`koaAuthentication per call, ${calls.toLocaleString('en')} calls × ${runs} runs (median), the loop's own ${loop.toFixed(3)} µs subtracted\n`);
  console.log('| configuration | µs per call |');
  console.log('|---|---:|');
  for (const [label, instance, name, token] of rows) {
    const micros = await measure(`Bearer ${token}`, (header) => koaAuthentication(requestFor(instance, header), name));
    console.log(`| ${label} | ${(micros - loop).toFixed(2)} |`);
  }
} finally {
  await Promise.allSettled([cachedUsers.close(), mirror.close()]);
  await db.drop();
}
