// One app instance for bench/blacklist-sync.ts: starts a BlacklistMirror on DATABASE_URL and
// prints its measurements as one JSON line.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import knexFactory from 'knex';
import pg from 'pg';
import { BlacklistMirror, LISTENER_APPLICATION_NAME } from '../src/stores/blacklist-mirror.js';
import { KnexBlacklistStore } from '../src/stores/knex-blacklist-store.js';

const gc = (globalThis as { gc?: () => void }).gc!;
const connection = process.env.DATABASE_URL!;
const knex = knexFactory({ client: 'pg', connection, pool: { min: 0, max: 2 } });
const store = new KnexBlacklistStore(knex);
await knex.raw('select 1');
gc();
const heapBefore = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

const start = performance.now();
const cpuStart = process.cpuUsage();
const mirror = await BlacklistMirror.start(store, { connection });
const inSyncMs = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
const loadCpuMs = (cpu.user + cpu.system) / 1000;
// The listening connection's backend did the load's reading: its CPU time, when PostgreSQL runs on
// this host (/proc of its process readable), else null.
const databaseCpuMs = await backendCpuMs();
if (mirror.state !== 'in-sync') throw new Error(`not in sync: ${mirror.state}`);
gc();
gc();
const memory = process.memoryUsage();
const heapMB = (memory.heapUsed + memory.arrayBuffers - heapBefore) / 2 ** 20;
const rssMB = memory.rss / 2 ** 20;

// The steady-state check's statement, as the database runs it (planning and execution; best of 10).
let checkDbMs = Infinity;
for (let i = 0; i < 10; i += 1) {
  const explain = await knex.raw(
    `EXPLAIN (ANALYZE, FORMAT JSON) SELECT txid_current_snapshot()::text AS snapshot, coalesce(sum(entries), 0)::text AS entries,
            (coalesce(sum(checksum), 0) % 281474976710656)::text AS checksum FROM koa_simple_jwt_blacklist_summary`,
  );
  const plan = explain.rows[0]['QUERY PLAN'][0] as { 'Planning Time': number; 'Execution Time': number };
  checkDbMs = Math.min(checkDbMs, plan['Planning Time'] + plan['Execution Time']);
}
// A whole check from the mirror's side (blacklistUser of nobody: a check waiting for its mark).
const checks: number[] = [];
for (let i = 0; i < 20; i += 1) {
  const t = performance.now();
  await mirror.blacklistUser('0', new Date());
  checks.push(performance.now() - t);
}

// Another writer (its own connection, as another instance or Django) blacklists a recorded token.
const writer = new pg.Client({ connectionString: connection });
await writer.connect();
const seen: number[] = [];
for (let i = 0; i < 30; i += 1) {
  const jti = randomBytes(16).toString('hex');
  await writer.query(`INSERT INTO token_blacklist_outstandingtoken (jti, token, expires_at) VALUES ($1, 't', now() + interval '1 day')`, [jti]);
  await writer.query('INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = $1', [jti]);
  const committed = performance.now();
  while (!(await mirror.isBlacklisted(jti))) await new Promise((resolve) => setImmediate(resolve));
  seen.push(performance.now() - committed);
}
await writer.end();

// Lookups: misses (the common case: a valid token) and hits.
const misses = Array.from({ length: 100_000 }, () => randomBytes(16).toString('hex'));
let found = 0;
const lookups: number[] = [];
for (let round = 0; round < 5; round += 1) {
  const t = performance.now();
  for (const jti of misses) if (await mirror.isBlacklisted(jti)) found += 1;
  lookups.push(((performance.now() - t) * 1e6) / misses.length);
}
if (found !== 0) throw new Error('a random jti was found');

await mirror.close();

// What the mirror did before at start and at every resync (every minute): one SELECT of every jti
// into a Set, in the same conditions. Skipped past 3 M rows (pg buffers the whole result).
let fullReadMs: number | null = null;
if (mirror.size <= 3_000_000) {
  const reader = new pg.Client({ connectionString: connection });
  await reader.connect();
  const t = performance.now();
  const result = await reader.query<{ jti: string }>('SELECT o.jti FROM token_blacklist_blacklistedtoken b JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id');
  const set = new Set<string>();
  for (const row of result.rows) set.add(row.jti);
  fullReadMs = performance.now() - t;
  await reader.end();
}
await knex.destroy();
console.log(JSON.stringify({ inSyncMs, loadCpuMs, databaseCpuMs, heapMB, rssMB, checkDbMs, checkMs: median(checks), propagationMs: median(seen), lookupNs: Math.min(...lookups), fullReadMs }));

async function backendCpuMs(): Promise<number | null> {
  try {
    const { rows } = await knex.raw<{ rows: Array<{ pid: number }> }>('SELECT pid FROM pg_stat_activity WHERE application_name = ?', [LISTENER_APPLICATION_NAME]);
    if (rows.length !== 1) return null;
    const fields = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime (fields 14 and 15 of stat), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
