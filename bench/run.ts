// `npm run bench`: each server configuration in its own process (pinned to CPU 0 when taskset
// exists), driven by autocannon from this process (CPU 1), every result as a ratio to the bare
// Koa route measured in the same run. Writes bench/results.json.
//
// Env: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_CONNECTIONS (default 50),
// BENCH_MEMORY_REQUESTS (default 1,000,000), ITERATIONS (PBKDF2 cost of the bench user, default
// Django's 1,000,000), DATABASE_URL (else an embedded PostgreSQL).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { createTestDatabase } from '../examples/support/database.js';
import { createSimpleJwt, KnexUserStore, migrate } from '../src/index.js';
import { SlidingToken } from '../src/tokens/sliding-token.js';
import { DJANGO_DEFAULT_ITERATIONS } from '../src/stores/django-password.js';
import type { ChildProcess } from 'node:child_process';
import type { Config } from './server.js';

const duration = Number(process.env.BENCH_DURATION ?? 10);
const warmup = Number(process.env.BENCH_WARMUP ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const memoryRequests = Number(process.env.BENCH_MEMORY_REQUESTS ?? 1_000_000);
const iterations = Number(process.env.ITERATIONS ?? DJANGO_DEFAULT_ITERATIONS);
const signingKey = randomBytes(32).toString('hex');
const pin = spawnSync('taskset', ['--version']).status === 0;

// A database of this run's own (on DATABASE_URL's server, or an embedded one), dropped at the end.
const db = await createTestDatabase();
await migrate(db.knex);
const users = new KnexUserStore(db.knex, { iterations });
const user = await users.createUser({ username: 'bench', password: 'bench-password' });
const jwt = createSimpleJwt({ signingKey, userStore: users, accessTokenLifetime: 3600, slidingTokenLifetime: 3600 });
const { access, refresh } = await jwt.issueTokenPair(user);
const sliding = (await SlidingToken.forUser(jwt.context, user)).sign();

interface Result {
  config: Config;
  label: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  ratioToBare?: number;
}

function startServer(config: Config): Promise<{ child: ChildProcess; url: string }> {
  const command = pin ? 'taskset' : process.execPath;
  const args = [...(pin ? ['-c', '0', process.execPath] : []), '--import', 'tsx', 'bench/server.ts', config];
  const child = spawn(command, args, {
    env: { ...process.env, DATABASE_URL: db.connectionString, SIGNING_KEY: signingKey, ITERATIONS: String(iterations) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${config} server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

type Options = Parameters<typeof autocannon>[0];

function fire(options: Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

/** A fresh refresh token per request: with rotation and blacklisting each is good once. */
function rotationRequests(): Options['requests'] {
  return [
    {
      method: 'POST',
      path: '/api/token/refresh',
      headers: json,
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ refresh: nextRefresh() }) }),
    },
  ];
}
const refreshPool: string[] = [];
function nextRefresh(): string {
  return refreshPool.pop() ?? refresh;
}

const plans: { config: Config; label: string; request: (url: string) => Options }[] = [
  { config: 'bare', label: 'bare Koa route', request: (url) => ({ url: `${url}/api/me` }) },
  { config: 'authenticate-only', label: 'Koa route calling jwt.authenticate (access token, stateless), no tsoa', request: (url) => ({ url: `${url}/api/me`, headers: bearer(access) }) },
  { config: 'access-stateless', label: '@Security route, access token, stateless', request: (url) => ({ url: `${url}/api/me`, headers: bearer(access) }) },
  { config: 'access-user', label: '@Security route, access token, user looked up', request: (url) => ({ url: `${url}/api/me`, headers: bearer(access) }) },
  { config: 'sliding-blacklist-db', label: 'sliding token, blacklist checked in PostgreSQL', request: (url) => ({ url: `${url}/api/me/sliding`, headers: bearer(sliding) }) },
  { config: 'sliding-blacklist-memory', label: 'sliding token, blacklist checked in memory (LISTEN/NOTIFY)', request: (url) => ({ url: `${url}/api/me/sliding`, headers: bearer(sliding) }) },
  {
    config: 'obtain',
    label: `POST /token (PBKDF2 ${iterations.toLocaleString('en')} iterations)`,
    // Each login costs one PBKDF2 run on the server's core: 2 connections, so requests do not time out queueing.
    request: (url) => ({ url: `${url}/api/token`, method: 'POST', headers: json, body: JSON.stringify({ username: 'bench', password: 'bench-password' }), connections: 2 }),
  },
  { config: 'refresh', label: 'POST /token/refresh, no rotation', request: (url) => ({ url: `${url}/api/token/refresh`, method: 'POST', headers: json, body: JSON.stringify({ refresh }) }) },
  { config: 'refresh-rotate', label: 'POST /token/refresh, rotation + blacklist', request: (url) => ({ url, requests: rotationRequests() }) },
  { config: 'verify', label: 'POST /token/verify', request: (url) => ({ url: `${url}/api/token/verify`, method: 'POST', headers: json, body: JSON.stringify({ token: access }) }) },
];

const only = process.argv.slice(2);
const results: Result[] = [];
for (const plan of plans) {
  if (only.length > 0 && plan.config !== 'bare' && !only.includes(plan.config)) continue;
  if (plan.config === 'refresh-rotate') {
    refreshPool.length = 0;
    const needed = 8000 * (duration + warmup);
    for (let i = 0; i < needed; i += 1) refreshPool.push((await jwt.issueTokenPair(user)).refresh);
  }
  const { child, url } = await startServer(plan.config);
  try {
    const options = plan.request(url);
    await fire({ connections, ...options, duration: warmup });
    const result = await fire({ connections, ...options, duration });
    results.push({
      config: plan.config,
      label: plan.label,
      requestsPerSecond: Math.round(result.requests.average),
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
      errors: result.errors + result.non2xx + result.timeouts,
    });
    process.stderr.write(`${plan.label}: ${Math.round(result.requests.average)} req/s\n`);
  } finally {
    await stopServer(child);
  }
}
const bare = results.find((r) => r.config === 'bare')!.requestsPerSecond;
for (const result of results) result.ratioToBare = Math.round((result.requestsPerSecond / bare) * 100) / 100;

// Memory across many authenticated requests on the user-lookup route.
let memory: { requests: number; rssBeforeMb: number; rssAfterMb: number; growthPercent: number } | undefined;
if (memoryRequests > 0 && (only.length === 0 || only.includes('memory'))) {
  const { child, url } = await startServer('access-user');
  try {
    const rss = async () => ((await (await fetch(`${url}/bench/rss`)).json()) as { rss: number }).rss;
    await fire({ url: `${url}/api/me`, headers: bearer(access), connections, amount: 20_000 });
    const before = await rss();
    await fire({ url: `${url}/api/me`, headers: bearer(access), connections, amount: memoryRequests });
    const after = await rss();
    memory = { requests: memoryRequests, rssBeforeMb: +(before / 2 ** 20).toFixed(1), rssAfterMb: +(after / 2 ** 20).toFixed(1), growthPercent: +(((after - before) / before) * 100).toFixed(1) };
  } finally {
    await stopServer(child);
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const report = {
  date: new Date().toISOString(),
  machine,
  method: `autocannon, ${connections} connections, ${warmup} s warm-up then ${duration} s per configuration; server ${pin ? 'pinned to CPU 0, load generator on the other core' : 'not pinned'}; database ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}`,
  results,
  memory,
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);

console.log(`\n${report.machine}\n${report.method}\n`);
console.log('| configuration | req/s | p50 ms | p99 ms | errors | × bare |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.label} | ${r.requestsPerSecond} | ${r.latencyP50Ms} | ${r.latencyP99Ms} | ${r.errors} | ${r.ratioToBare?.toFixed(2)} |`);
if (memory) console.log(`\nRSS across ${memory.requests.toLocaleString('en')} authenticated requests: ${memory.rssBeforeMb} MB → ${memory.rssAfterMb} MB (${memory.growthPercent} %)`);
await db.drop();
