// `npm run bench`: each server configuration in its own process (pinned to CPU 0 when taskset
// exists), driven by autocannon from this process (CPU 1). Every result is given as a ratio to two
// yardsticks measured in the same run: the bare Koa middleware (`bare`) and the same tsoa app's
// route without authentication (`tsoa-public`). Writes bench/results.json.
//
// The servers run as users run the library: compiled JavaScript under plain `node`. This driver
// first compiles bench/server.ts and what it imports (src/, bench/) with tsc (bench/tsconfig.json)
// into .tmp/bench-build; the driver itself may run under tsx.
//
// Usage: npm run bench [-- <config>... [memory]]: only those configurations (bare and tsoa-public
// always run); `memory` runs the RSS measurement.
// Env: BENCH_DURATION (s measured per configuration, default 10), BENCH_ROUNDS (default 10: slices
// of BENCH_DURATION / BENCH_ROUNDS s, each preceded by one slice of each yardstick; medians kept),
// BENCH_WARMUP (s, default 2),
// BENCH_CONNECTIONS (default 50),
// BENCH_MEMORY_REQUESTS (default 1,000,000), ITERATIONS (PBKDF2 cost of the bench user, default
// Django's 1,000,000), DATABASE_URL (else an embedded PostgreSQL), BENCH_CPU_PROF (a folder: the
// servers run with `node --cpu-prof` and write their profiles there).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { createTestDatabase } from '../examples/support/database.js';
import { createSimpleJwt, KnexUserStore, migrate } from '../src/index.js';
import { SlidingToken } from '../src/tokens/sliding-token.js';
import { DJANGO_DEFAULT_ITERATIONS } from '../src/stores/django-password.js';
import type { ChildProcess } from 'node:child_process';
import type { Config } from './server.js';

// `npm run bench -- --compare <Simple JWT URL>`: the side-by-side comparison (bench/compare.ts) instead.
if (process.argv.includes('--compare')) {
  await import('./compare.js');
  process.exit(0);
}
const duration = Number(process.env.BENCH_DURATION ?? 10);
const warmup = Number(process.env.BENCH_WARMUP ?? 2);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const memoryRequests = Number(process.env.BENCH_MEMORY_REQUESTS ?? 1_000_000);
const iterations = Number(process.env.ITERATIONS ?? DJANGO_DEFAULT_ITERATIONS);
const signingKey = randomBytes(32).toString('hex');
const pin = spawnSync('taskset', ['--version']).status === 0;
// The load generator (this process, all its threads) on CPU 1, the servers on CPU 0.
if (pin) spawnSync('taskset', ['-a', '-c', '-p', '1', String(process.pid)], { stdio: 'ignore' });
const cpuProfileDir = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined;

// Compile the servers: a fresh output folder, so nothing stale is ever run.
const root = fileURLToPath(new URL('..', import.meta.url));
const buildDir = resolve(root, '.tmp/bench-build');
const serverScript = resolve(buildDir, 'bench/server.js');
rmSync(buildDir, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', resolve(root, 'bench/tsconfig.json')], { cwd: root, stdio: 'inherit' });

// A database of this run's own (on DATABASE_URL's server, or an embedded one), dropped at the end.
const db = await createTestDatabase();
await migrate(db.knex);
const users = new KnexUserStore(db.knex, { iterations });
const user = await users.createUser({ username: 'bench', password: 'bench-password' });
const jwt = createSimpleJwt({ signingKey, userStore: users, accessTokenLifetime: 3600, slidingTokenLifetime: 3600 });
const { access, refresh } = await jwt.issueTokenPair(user);
const sliding = (await SlidingToken.forUser(jwt.context, user)).sign();

/**
 * A configuration's median slice: its req/s and that slice's latencies; errors of all slices. A
 * yardstick has a slice per round and configuration, the others one per round.
 */
interface Result {
  config: Config;
  label: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  /** req/s of each slice, in order. */
  rounds: number[];
  /** Median over the slices of req/s ÷ the bare route's req/s measured just before. */
  ratioToBare?: number;
  /** Median over the slices of req/s ÷ GET /api/public's (tsoa-public) req/s measured just before. */
  ratioToUnauthenticated?: number;
  /** The server's CPU time (user + system) per request, µs: median over the slices. */
  cpuMicrosPerRequest: number;
  /** Median over the slices of the bare route's CPU time per request (just before) ÷ this one's. */
  cpuRatioToBare?: number;
  /** The same, against tsoa-public. */
  cpuRatioToUnauthenticated?: number;
}

let started = 0;
function startServer(config: Config): Promise<{ child: ChildProcess; url: string }> {
  const command = pin ? 'taskset' : process.execPath;
  started += 1;
  const profileName = `${String(started).padStart(2, '0')}-${config}.cpuprofile`;
  const profile = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`, `--cpu-prof-name=${profileName}`] : [];
  const args = [...(pin ? ['-c', '0', process.execPath] : []), ...profile, serverScript, config];
  const child = spawn(command, args, {
    cwd: root,
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

// The yardsticks get the same Authorization header as the authenticated rows, and ignore it.
interface Plan {
  config: Config;
  label: string;
  request: (url: string) => Options;
}
const plans: Plan[] = [
  { config: 'bare', label: 'bare Koa middleware (no router, no authentication)', request: (url) => ({ url: `${url}/api/me`, headers: bearer(access) }) },
  { config: 'tsoa-public', label: 'tsoa route, no authentication (same app)', request: (url) => ({ url: `${url}/api/public`, headers: bearer(access) }) },
  { config: 'authenticate-only', label: 'Koa middleware calling jwt.authenticate (access token, stateless), no tsoa', request: (url) => ({ url: `${url}/api/me`, headers: bearer(access) }) },
  {
    config: 'authenticate-only-sliding',
    label: 'Koa middleware calling jwt.authenticate (sliding token, BlacklistMirror + CachedUserStore), no tsoa',
    request: (url) => ({ url: `${url}/api/me`, headers: bearer(sliding) }),
  },
  { config: 'access-stateless', label: '@Security route, access token, stateless', request: (url) => ({ url: `${url}/api/me`, headers: bearer(access) }) },
  { config: 'access-user', label: '@Security route, access token, user from PostgreSQL', request: (url) => ({ url: `${url}/api/me`, headers: bearer(access) }) },
  { config: 'access-user-cached', label: '@Security route, access token, user from CachedUserStore', request: (url) => ({ url: `${url}/api/me`, headers: bearer(access) }) },
  { config: 'sliding-blacklist-db', label: 'sliding token, blacklist and user from PostgreSQL', request: (url) => ({ url: `${url}/api/me/sliding`, headers: bearer(sliding) }) },
  { config: 'sliding-blacklist-memory', label: 'sliding token, BlacklistMirror + CachedUserStore (in memory)', request: (url) => ({ url: `${url}/api/me/sliding`, headers: bearer(sliding) }) },
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
const yardsticks: Config[] = ['bare', 'tsoa-public'];
const selected = plans.filter((plan) => only.length === 0 || yardsticks.includes(plan.config) || only.includes(plan.config));

interface Measurement {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  cpuMicrosPerRequest: number;
}
/** The server process's CPU time so far, µs. */
async function cpuTime(url: string): Promise<number> {
  return ((await (await fetch(`${url}/bench/cpu`)).json()) as { cpu: number }).cpu;
}
// Every selected server runs for the whole measurement, each in its own process (an idle one costs
// nothing). In each round, every configuration's slice comes right after a slice of each
// yardstick (bare, tsoa-public, configuration), and its ratios are taken against those two: on a
// shared machine whose speed drifts by tens of percent within seconds, only slices measured
// back to back compare fairly. Each row keeps its median slice and its median ratio.
const slice = duration / rounds;
if (selected.some((plan) => plan.config === 'refresh-rotate')) {
  const needed = 8000 * (duration + warmup);
  for (let i = 0; i < needed; i += 1) refreshPool.push((await jwt.issueTokenPair(user)).refresh);
}
const servers = new Map<Config, { child: ChildProcess; url: string }>();
/** Every slice of each configuration (the yardsticks have one per configuration and round). */
const slices = new Map<Config, Measurement[]>();
/** Each slice of a configuration with the yardstick slices measured just before it. */
const pairs = new Map<Config, { own: Measurement; bare: Measurement; unauthenticated: Measurement }[]>();
const [barePlan, publicPlan] = yardsticks.map((config) => plans.find((plan) => plan.config === config)!) as [Plan, Plan];
const others = selected.filter((plan) => !yardsticks.includes(plan.config));

async function measureSlice(plan: Plan, round: number): Promise<Measurement> {
  const { url } = servers.get(plan.config)!;
  const cpuBefore = await cpuTime(url);
  const result = await fire({ connections, ...plan.request(url), duration: slice });
  const cpuAfter = await cpuTime(url);
  const measurement = {
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    cpuMicrosPerRequest: (cpuAfter - cpuBefore) / Math.max(1, result.requests.total),
  };
  slices.set(plan.config, [...(slices.get(plan.config) ?? []), measurement]);
  process.stderr.write(`round ${round}/${rounds}, ${plan.label}: ${measurement.requestsPerSecond} req/s\n`);
  // Let this slice's stragglers (a PBKDF2 run, queued queries) finish before the next one.
  await new Promise((done) => setTimeout(done, plan.config === 'obtain' ? 1000 : 300));
  return measurement;
}

function pair(config: Config, entry: { own: Measurement; bare: Measurement; unauthenticated: Measurement }): void {
  pairs.set(config, [...(pairs.get(config) ?? []), entry]);
}

try {
  for (const plan of selected) servers.set(plan.config, await startServer(plan.config));
  for (const plan of selected) await fire({ connections, ...plan.request(servers.get(plan.config)!.url), duration: warmup });
  for (let round = 1; round <= rounds; round += 1) {
    for (const plan of others.length > 0 ? others : [undefined]) {
      const bare = await measureSlice(barePlan, round);
      const unauthenticated = await measureSlice(publicPlan, round);
      pair('bare', { own: bare, bare, unauthenticated });
      pair('tsoa-public', { own: unauthenticated, bare, unauthenticated });
      if (plan) pair(plan.config, { own: await measureSlice(plan, round), bare, unauthenticated });
    }
  }
} finally {
  for (const { child } of servers.values()) await stopServer(child);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const results: Result[] = selected.map((plan) => {
  const list = slices.get(plan.config)!;
  const middle = [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor((list.length - 1) / 2)]!;
  return {
    config: plan.config,
    label: plan.label,
    requestsPerSecond: middle.requestsPerSecond,
    latencyP50Ms: middle.latencyP50Ms,
    latencyP99Ms: middle.latencyP99Ms,
    errors: list.reduce((sum, m) => sum + m.errors, 0),
    rounds: list.map((m) => m.requestsPerSecond),
    cpuMicrosPerRequest: +median(list.map((m) => m.cpuMicrosPerRequest)).toFixed(1),
  };
});
const ratioTo = (result: Result, yardstick: 'bare' | 'unauthenticated', value: (m: Measurement) => number) => {
  const list = pairs.get(result.config)!;
  return Math.round(median(list.map((entry) => value(entry.own) / value(entry[yardstick]))) * 100) / 100;
};
const throughput = (m: Measurement) => m.requestsPerSecond;
const cpuSpeed = (m: Measurement) => 1 / m.cpuMicrosPerRequest;
for (const result of results) {
  result.ratioToBare = ratioTo(result, 'bare', throughput);
  result.ratioToUnauthenticated = ratioTo(result, 'unauthenticated', throughput);
  result.cpuRatioToBare = ratioTo(result, 'bare', cpuSpeed);
  result.cpuRatioToUnauthenticated = ratioTo(result, 'unauthenticated', cpuSpeed);
}

// Resident memory across many authenticated requests on the fully in-memory configuration.
let memory: { config: Config; requests: number; rssBeforeMb: number; rssAfterMb: number; growthPercent: number } | undefined;
if (memoryRequests > 0 && (only.length === 0 || only.includes('memory'))) {
  const { child, url } = await startServer('sliding-blacklist-memory');
  try {
    const rss = async () => ((await (await fetch(`${url}/bench/rss`)).json()) as { rss: number }).rss;
    const request = { url: `${url}/api/me/sliding`, headers: bearer(sliding), connections };
    await fire({ ...request, amount: 20_000 });
    const before = await rss();
    await fire({ ...request, amount: memoryRequests });
    const after = await rss();
    memory = { config: 'sliding-blacklist-memory', requests: memoryRequests, rssBeforeMb: +(before / 2 ** 20).toFixed(1), rssAfterMb: +(after / 2 ** 20).toFixed(1), growthPercent: +(((after - before) / before) * 100).toFixed(1) };
  } finally {
    await stopServer(child);
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const report = {
  date: new Date().toISOString(),
  machine,
  method: `autocannon, ${connections} connections, ${warmup} s warm-up then ${duration} s per configuration in ${rounds} rounds of ${+slice.toFixed(2)} s slices, each configuration's slice right after one of each yardstick (median slice; ratios: median over the slices of the ratio to the yardstick slices just before; CPU: the server's user + system time per request, from process.cpuUsage() around each slice); server compiled by tsc, run by node${cpuProfileDir ? ' --cpu-prof' : ''}, ${pin ? 'pinned to CPU 0, load generator on the other core' : 'not pinned'}; database ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}`,
  results,
  memory,
};
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);

console.log(`\n${report.machine}\n${report.method}\n`);
console.log('| configuration | req/s | p50 ms | p99 ms | errors | × bare | × unauthenticated | CPU µs/request | CPU × bare | CPU × unauthenticated |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const cells = [r.label, r.requestsPerSecond, r.latencyP50Ms, r.latencyP99Ms, r.errors, r.ratioToBare?.toFixed(2), r.ratioToUnauthenticated?.toFixed(2), r.cpuMicrosPerRequest.toFixed(1), r.cpuRatioToBare?.toFixed(2), r.cpuRatioToUnauthenticated?.toFixed(2)];
  console.log(`| ${cells.join(' | ')} |`);
}
if (memory) console.log(`\nRSS across ${memory.requests.toLocaleString('en')} authenticated requests (${memory.config}): ${memory.rssBeforeMb} MB → ${memory.rssAfterMb} MB (${memory.growthPercent} %)`);
await db.drop();
