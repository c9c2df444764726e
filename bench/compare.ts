// Side by side with a running Simple JWT server:
//   npm run bench -- --compare http://127.0.0.1:8001
//   (or node --import tsx bench/compare.ts http://127.0.0.1:8001)
// The server is expected to be configured as ../shared/reference-simplejwt (its URLs, the user
// alice / alice-password, rotation with blacklisting on). Tokens for it are minted with its own
// `manage.py mint_tokens` (REFERENCE_DIR, default /work/shared/reference-simplejwt); point
// REFERENCE_DIR at your Django project to compare with your own deployment.
//
// Each case runs wrk (-t1, BENCH_CONNECTIONS connections, default 50) for BENCH_SLICE seconds
// (default 5) against Simple JWT, then against koa-simple-jwt with the plain Knex stores, then with
// CachedUserStore + BlacklistMirror where that applies, in BENCH_ROUNDS interleaved rounds (default
// 3); the median slice is kept and each ratio is the median of the per-round ratios. CPU per
// request is each server's own CPU time (all its processes, /proc) over the slice; "PostgreSQL" is
// the CPU time of the server backends connected to that server's database (pg_stat_activity →
// /proc), which is the PostgreSQL work per request where pg_stat_statements is not installed.
// Both servers and PostgreSQL must run on this machine for the CPU columns. Writes
// bench/compare-results.json and prints a Markdown table.
import { execFileSync, spawn } from 'node:child_process';
import { pbkdf2, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import knexFactory from 'knex';
import { createTestDatabase } from '../examples/support/database.js';
import { createSimpleJwt, KnexBlacklistStore, KnexUserStore, migrate } from '../src/index.js';
import { SlidingToken } from '../src/tokens/sliding-token.js';
import type { ChildProcess } from 'node:child_process';
import type { Config } from './server.js';

const referenceUrl = process.argv.slice(2).find((arg) => /^https?:\/\//.test(arg));
if (!referenceUrl) throw new Error('usage: npm run bench -- --compare http://127.0.0.1:8001');
const referenceDir = process.env.REFERENCE_DIR ?? '/work/shared/reference-simplejwt';
const referenceDb = process.env.REFERENCE_DB ?? 'simplejwt_ref';
const slice = Number(process.env.BENCH_SLICE ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const iterations = Number(process.env.ITERATIONS ?? 260_000);
const only = (process.env.BENCH_CASES ?? '').split(',').filter(Boolean);
const signingKey = randomBytes(32).toString('hex');
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'ksjwt-compare-'));
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

// Our servers, compiled as users run them (see bench/run.ts).
const buildDir = resolve(root, '.tmp/bench-build');
rmSync(buildDir, { recursive: true, force: true });
execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', resolve(root, 'bench/tsconfig.json')], { cwd: root, stdio: 'inherit' });

// Both servers on one PostgreSQL, or the comparison measures two databases: ours gets a throw-away
// database on DATABASE_URL's server, which must be the one the reference uses.
if (!process.env.DATABASE_URL) {
  throw new Error('set DATABASE_URL to the PostgreSQL server the Simple JWT server uses (e.g. postgres://postgres@127.0.0.1:5432/postgres): both must share one server');
}
const db = await createTestDatabase();
const ourDb = new URL(db.connectionString).pathname.slice(1);
await migrate(db.knex);
const users = new KnexUserStore(db.knex, { iterations });
const user = await users.createUser({ username: 'alice', password: 'alice-password' });
// Issued as the obtain view issues them: recorded as outstanding.
const jwt = createSimpleJwt({ signingKey, userStore: users, blacklistStore: new KnexBlacklistStore(db.knex), accessTokenLifetime: 3600, slidingTokenLifetime: 3600 });
const ours = { ...(await jwt.issueTokenPair(user)), sliding: (await SlidingToken.forUser(jwt.context, user)).sign() };

process.stderr.write('minting tokens...\n');
const reference = { access: (await mint('access', 1))[0]!, sliding: (await mint('sliding', 1))[0]! };

/** What wrk sends: a method, a path, headers and a body, or a fresh refresh token per request. */
interface Request {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: string;
  /** Single-use refresh tokens, one per request, from the `reference` or `ours` pool. */
  refreshFile?: 'reference' | 'ours';
}
interface Case {
  name: string;
  reference: Request;
  knex: { config: Config; request: Request };
  memory?: { config: Config; request: Request };
  connections?: number;
}
const bearer = (path: string, token: string): Request => ({ method: 'GET', path, token });
const post = (path: string, body: object): Request => ({ method: 'POST', path, body: JSON.stringify(body) });
const baseCases: Case[] = [
  { name: 'GET unauthenticated route', reference: { method: 'GET', path: '/api/ping/' }, knex: { config: 'tsoa-public', request: { method: 'GET', path: '/api/public' } } },
  {
    name: 'access token, user from the database',
    reference: bearer('/api/me/', reference.access),
    knex: { config: 'access-user', request: bearer('/api/me', ours.access) },
    memory: { config: 'access-user-cached', request: bearer('/api/me', ours.access) },
  },
  { name: 'access token, stateless', reference: bearer('/api/me-stateless/', reference.access), knex: { config: 'access-stateless', request: bearer('/api/me', ours.access) } },
  {
    name: 'sliding token (blacklist + user)',
    reference: bearer('/api/me-sliding/', reference.sliding),
    knex: { config: 'sliding-blacklist-db', request: bearer('/api/me/sliding', ours.sliding) },
    memory: { config: 'sliding-blacklist-memory', request: bearer('/api/me/sliding', ours.sliding) },
  },
  { name: 'POST /token/verify', reference: post('/api/token/verify/', { token: reference.access }), knex: { config: 'verify', request: post('/api/token/verify', { token: ours.access }) } },
  {
    name: 'POST /token/refresh, rotation + blacklist, a fresh token per request',
    reference: { method: 'POST', path: '/api/token/refresh/', refreshFile: 'reference' },
    knex: { config: 'refresh-rotate', request: { method: 'POST', path: '/api/token/refresh', refreshFile: 'ours' } },
    memory: { config: 'refresh-rotate-memory', request: { method: 'POST', path: '/api/token/refresh', refreshFile: 'ours' } },
  },
  {
    name: `POST /token (PBKDF2 ${iterations.toLocaleString('en')})`,
    reference: post('/api/token/', { username: 'alice', password: 'alice-password' }),
    knex: { config: 'obtain', request: post('/api/token', { username: 'alice', password: 'alice-password' }) },
    connections: 4,
  },
];
/**
 * The database cases again with every statement on its own (lookupBatching and rotationBatching
 * false: the server's `-unbatched` configurations), as before statements were coalesced.
 */
const UNBATCHED: readonly Config[] = ['access-user', 'sliding-blacklist-db', 'refresh-rotate'];
const allCases: Case[] = baseCases.flatMap((c) =>
  UNBATCHED.includes(c.knex.config)
    ? [c, { name: `${c.name}, no batching`, reference: { ...c.reference }, knex: { ...c.knex, config: `${c.knex.config}-unbatched` as Config } }]
    : [c],
);
const cases = allCases.filter((c) => only.length === 0 || only.some((o) => c.name.includes(o)));

/** Tokens minted by the reference's own command (as its obtain view records them), in parallel. */
async function mint(kind: 'access' | 'refresh' | 'sliding', count: number): Promise<string[]> {
  const processes = Math.min(8, count);
  const files = await Promise.all(
    Array.from({ length: processes }, (_, i) => {
      const out = join(work, `reference-${kind}-${i}.txt`);
      const share = Math.ceil(count / processes);
      return new Promise<string>((done, fail) => {
        const child = spawn('/usr/bin/python3', ['manage.py', 'mint_tokens', '--kind', kind, '--count', String(share), '--out', out], { cwd: referenceDir, stdio: 'ignore' });
        child.on('exit', (code) => (code === 0 ? done(out) : fail(new Error(`mint_tokens exited with ${code}`))));
      });
    }),
  );
  return files.flatMap((file) => readFileSync(file, 'utf8').split('\n').filter(Boolean));
}
// Single-use refresh tokens for the rotation cases, sized from this machine kind's rates (x1.5):
// one share per slice that rotates.
const referenceRotations = cases.filter((c) => c.reference.refreshFile !== undefined).length;
const ourRotations = cases.reduce((sum, c) => sum + [c.knex, c.memory].filter((entry) => entry?.request.refreshFile !== undefined).length, 0);
const referenceRefresh = referenceRotations > 0 ? await mint('refresh', Math.ceil(600 * 1.5 * slice * rounds * referenceRotations)) : [];
const ourRefresh: string[] = [];
if (ourRotations > 0) {
  const count = Math.ceil(4000 * 1.5 * slice * rounds * ourRotations);
  for (let i = 0; i < count; i += 100) {
    const batch = await Promise.all(Array.from({ length: 100 }, () => jwt.issueTokenPair(user)));
    ourRefresh.push(...batch.map((pair) => pair.refresh));
  }
}
process.stderr.write(`minted ${referenceRefresh.length} + ${ourRefresh.length} refresh tokens\n`);
// Each rotating slice takes the same share of its pool (the pools shrink as slices take them).
const referenceShare = Math.ceil(referenceRefresh.length / Math.max(1, rounds * referenceRotations));
const ourShare = Math.ceil(ourRefresh.length / Math.max(1, rounds * ourRotations));
/** The next `share` of a pool of single-use tokens, as a file for wrk. */
function tokenFile(pool: string[], share: number): string {
  const file = join(work, `tokens-${randomBytes(6).toString('hex')}.txt`);
  writeFileSync(file, `${pool.splice(0, Math.ceil(share)).join('\n')}\n`);
  return file;
}

/** A wrk Lua script for `request`: each thread reads the token file once and pops one per request. */
function script(request: Request): string {
  const file = join(work, `${randomBytes(6).toString('hex')}.lua`);
  const headers = [`wrk.headers["Content-Type"] = "application/json"`];
  if (request.token) headers.push(`wrk.headers["Authorization"] = "Bearer ${request.token}"`);
  const lua = request.refreshFile
    ? `${headers.join('\n')}
local tokens, i = {}, 0
for line in io.lines("${request.refreshFile === 'reference' ? tokenFile(referenceRefresh, referenceShare) : tokenFile(ourRefresh, ourShare)}") do tokens[#tokens + 1] = line end
request = function()
  i = i + 1
  -- Out of fresh tokens: the last one again (a 401, counted as an error).
  return wrk.format("POST", "${request.path}", nil, '{"refresh":"' .. (tokens[i] or tokens[#tokens]) .. '"}')
end
`
    : `${headers.join('\n')}
wrk.method = "${request.method}"
wrk.path = "${request.path}"
${request.body ? `wrk.body = '${request.body}'` : ''}
`;
  writeFileSync(file, lua);
  return file;
}

/** CPU ticks (user + system) used so far by one process; undefined once it is gone. */
function cpuTicks(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
/** Seconds of CPU (user + system) used so far by these processes. */
function cpuSeconds(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (cpuTicks(pid) ?? 0), 0) / clockTicks;
}
const admin = knexFactory({ client: 'pg', connection: db.connectionString, pool: { min: 0, max: 1 } });
async function backends(database: string): Promise<number[]> {
  const { rows } = await admin.raw('select pid from pg_stat_activity where datname = ? and pid <> pg_backend_pid()', [database]);
  return (rows as { pid: number }[]).map((row) => row.pid);
}
/**
 * The CPU time of a database's backends over a slice. Backends come and go (Django closes a
 * connection after CONN_MAX_AGE, a pool reaps idle ones), so the list is polled every 100 ms:
 * each backend counts from its first reading (from 0 when it started during the slice: its
 * start-up is part of the work) to its last one.
 */
function backendCpu(database: string): { stop(): Promise<number> } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let started = false;
  const poll = async () => {
    for (const pid of await backends(database)) {
      const ticks = cpuTicks(pid);
      if (ticks === undefined) continue;
      if (!first.has(pid)) first.set(pid, started ? 0 : ticks);
      last.set(pid, ticks);
    }
  };
  const ready = poll().then(() => (started = true));
  const timer = setInterval(() => void poll().catch(() => {}), 100);
  return {
    async stop() {
      await ready;
      clearInterval(timer);
      await poll();
      let ticks = 0;
      for (const [pid, ticksAtFirst] of first) ticks += last.get(pid)! - ticksAtFirst;
      return ticks / clockTicks;
    },
  };
}
function listeningPids(url: string): number[] {
  const port = new URL(url).port || '80';
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  return [...out.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
}

interface Slice {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  cpuUs: number;
  pgUs: number;
}
function latencyMs(text: string): number {
  const match = /([0-9.]+)(us|ms|s)/.exec(text);
  if (!match) return NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}
async function run(url: string, request: Request, serverPids: number[], database: string, count: number): Promise<Slice> {
  const pg = backendCpu(database);
  const cpu0 = cpuSeconds(serverPids);
  const out = await new Promise<string>((done, fail) => {
    const child = spawn('wrk', ['-t1', `-c${count}`, `-d${slice}s`, '--latency', '-s', script(request), url]);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? done(text) : fail(new Error(`wrk exited with ${code}: ${text}`))));
  });
  const cpu = cpuSeconds(serverPids) - cpu0;
  const pgCpu = await pg.stop();
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + Number(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)?.slice(1).reduce((a, b) => a + Number(b), 0) ?? 0);
  await new Promise((done) => setTimeout(done, 300));
  return {
    rps: Math.round(Number(/Requests\/sec:\s+([0-9.]+)/.exec(out)?.[1] ?? 0)),
    p50: latencyMs(/50%\s+(\S+)/.exec(out)?.[1] ?? ''),
    p99: latencyMs(/99%\s+(\S+)/.exec(out)?.[1] ?? ''),
    errors,
    cpuUs: total > 0 ? (cpu * 1e6) / total : NaN,
    pgUs: total > 0 ? (pgCpu * 1e6) / total : NaN,
  };
}

const servers = new Map<Config, { child: ChildProcess; url: string }>();
function startServer(config: Config): Promise<{ child: ChildProcess; url: string }> {
  // BENCH_CPU_PROF=<folder>: a CPU profile of each of our servers (as bench/run.ts writes them).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`, `--cpu-prof-name=${config}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, resolve(buildDir, 'bench/server.js'), config], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: db.connectionString, SIGNING_KEY: signingKey, ITERATIONS: String(iterations) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    child.once('exit', (code) => fail(new Error(`${config} server exited with ${code}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match) done({ child, url: `http://127.0.0.1:${match[1]}` });
    });
  });
}

/** PBKDF2 runs per second on the thread pool, as many at once as its threads: the login ceiling. */
async function hasherLimit(seconds: number): Promise<number> {
  const run = promisify(pbkdf2);
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: threads }, async () => {
      while (performance.now() < end) {
        await run('alice-password', 'salt', iterations, 32, 'sha256');
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

type Side = 'reference' | 'knex' | 'memory';
const results = new Map<string, Record<Side, Slice[]>>();
const referencePids = listeningPids(referenceUrl);
let hasher = NaN;
try {
  for (const c of cases) {
    for (const entry of [c.knex, c.memory]) if (entry && !servers.has(entry.config)) servers.set(entry.config, await startServer(entry.config));
  }
  const pidOf = (config: Config) => [servers.get(config)!.child.pid!];
  for (let round = 1; round <= rounds; round += 1) {
    // The reference's access and sliding tokens live 5 minutes (its settings): fresh ones each
    // round, or later rounds would measure its 401s.
    if (round > 1) {
      const fresh = { access: (await mint('access', 1))[0]!, sliding: (await mint('sliding', 1))[0]! };
      for (const c of cases) {
        for (const kind of ['access', 'sliding'] as const) {
          if (c.reference.token === reference[kind]) c.reference.token = fresh[kind];
          if (c.reference.body?.includes(reference[kind])) c.reference.body = c.reference.body.replace(reference[kind], fresh[kind]);
        }
      }
      Object.assign(reference, fresh);
    }
    for (const c of cases) {
      const count = c.connections ?? connections;
      const record = results.get(c.name) ?? { reference: [], knex: [], memory: [] };
      results.set(c.name, record);
      record.reference.push(await run(referenceUrl, c.reference, referencePids, referenceDb, count));
      for (const [side, entry] of [['knex', c.knex], ['memory', c.memory]] as const) {
        if (!entry) continue;
        record[side].push(await run(servers.get(entry.config)!.url, entry.request, pidOf(entry.config), ourDb, count));
      }
      process.stderr.write(`round ${round}/${rounds} ${c.name}: ${(['reference', 'knex', 'memory'] as const).map((s) => `${s} ${record[s].at(-1)?.rps ?? '-'}`).join(', ')} req/s\n`);
    }
  }
  hasher = await hasherLimit(5);
} finally {
  for (const { child } of servers.values()) {
    child.removeAllListeners('exit');
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(forced);
  }
  await admin.destroy();
}

// Errors in any slice (not only the median ones the table shows): a non-2xx answer is measured as fast as a 200.
for (const [name, record] of results) {
  for (const side of ['reference', 'knex', 'memory'] as const) {
    const errors = record[side].reduce((sum, slice) => sum + slice.errors, 0);
    if (errors > 0) process.stderr.write(`warning: ${name}, ${side}: ${errors} error responses over the rounds\n`);
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
const middle = (list: Slice[]) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor((list.length - 1) / 2)]!;
const ratio = (own: Slice[], theirs: Slice[]) => median(own.map((s, i) => s.rps / theirs[i]!.rps));
const report = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  method: `wrk -t1 -c${connections} (logins: -c4), ${rounds} interleaved rounds of ${slice} s slices, medians; CPU from /proc; PostgreSQL = CPU of the backends of each server's database`,
  reference: referenceUrl,
  hasherRunsPerSecond: +hasher.toFixed(1),
  cases: [...results].map(([name, record]) => ({
    name,
    reference: middle(record.reference),
    knex: middle(record.knex),
    knexRatio: +ratio(record.knex, record.reference).toFixed(2),
    memory: record.memory.length ? middle(record.memory) : undefined,
    memoryRatio: record.memory.length ? +ratio(record.memory, record.reference).toFixed(2) : undefined,
  })),
};
writeFileSync(new URL('./compare-results.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
const f = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en', { maximumFractionDigits: digits }));
console.log(`\n${report.machine}\n${report.method}\nPBKDF2 ${iterations.toLocaleString('en')} on the thread pool: ${f(hasher, 1)} runs/s\n`);
console.log('| case | Simple JWT req/s | ours, Knex | ratio | ours, cached + mirror | ratio | p50 / p99 ms (SJ · Knex) | server CPU µs/req (SJ → Knex) | PostgreSQL CPU µs/req (SJ → Knex) |');
console.log('|---|---:|---:|---:|---:|---:|---|---:|---:|');
for (const c of report.cases) {
  console.log(
    `| ${c.name} | ${f(c.reference.rps)} | ${f(c.knex.rps)} | ${f(c.knexRatio, 2)}× | ${f(c.memory?.rps)} | ${c.memoryRatio === undefined ? '–' : `${f(c.memoryRatio, 2)}×`} | ${f(c.reference.p50, 1)}/${f(c.reference.p99, 1)} · ${f(c.knex.p50, 1)}/${f(c.knex.p99, 1)} | ${f(c.reference.cpuUs)} → ${f(c.knex.cpuUs)} | ${f(c.reference.pgUs)} → ${f(c.knex.pgUs)} |`,
  );
}
rmSync(work, { recursive: true, force: true });
await db.drop();
