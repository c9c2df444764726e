// BlacklistMirror at scale: `node --expose-gc --import tsx bench/blacklist-sync.ts`.
// Uses a throw-away database on DATABASE_URL's server (an embedded PostgreSQL without it). For each size
// in MIRROR_BENCH_ROWS (default 1000000; e.g. 1000000,3000000,10000000) it fills Simple JWT's
// tables (32-hex jtis, every outstanding row blacklisted) with generate_series, then starts a
// mirror in a fresh process (one app instance) and prints: time to in-sync, heap and RSS of that
// process, the database time of one steady-state check, the time another writer's blacklisting
// takes to reach the mirror, and the mirror's lookup. The instance runs compiled by tsc
// (bench/tsconfig.json, into .tmp/bench-build), in plain node, as an app runs the published
// JavaScript: its RSS is an app's, without tsx's loader.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../examples/support/database.js';
import { migrate } from '../src/stores/migrate.js';

const sizes = (process.env.MIRROR_BENCH_ROWS ?? '1000000').split(',').map(Number);
const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', `${root}bench/tsconfig.json`], { cwd: root, stdio: 'inherit' });
const instance = `${root}.tmp/bench-build/bench/blacklist-sync-instance.js`;
const db = await createTestDatabase();
const { knex } = db;

interface Result {
  rows: number;
  inSyncMs: number;
  loadCpuMs: number;
  databaseCpuMs: number | null;
  heapMB: number;
  rssMB: number;
  checkDbMs: number;
  checkMs: number;
  propagationMs: number;
  lookupNs: number;
  fullReadMs: number | null;
}

try {
  await migrate(knex);
  const results: Result[] = [];
  let filled = 0;
  for (const rows of sizes) {
    const fillStart = performance.now();
    await fill(filled, rows);
    filled = rows;
    process.stderr.write(`# ${rows.toLocaleString('en')} rows filled in ${((performance.now() - fillStart) / 1000).toFixed(0)} s\n`);
    results.push(await measure(rows));
  }
  console.log('| blacklisted rows | in sync at start | CPU of the load: instance, PostgreSQL | heap | RSS (whole process) | DB time of a steady-state check | a check, round trip | another writer\'s blacklisting seen after | lookup | before: one full read into a Set |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.rows.toLocaleString('en')} | ${(r.inSyncMs / 1000).toFixed(2)} s | ${(r.loadCpuMs / 1000).toFixed(2)} s, ${r.databaseCpuMs === null ? '?' : `${(r.databaseCpuMs / 1000).toFixed(2)} s`} | ${r.heapMB.toFixed(0)} MB | ${r.rssMB.toFixed(0)} MB | ${r.checkDbMs.toFixed(3)} ms | ${r.checkMs.toFixed(2)} ms | ${r.propagationMs.toFixed(1)} ms | ${r.lookupNs.toFixed(0)} ns | ${r.fullReadMs === null ? 'skipped' : `${(r.fullReadMs / 1000).toFixed(2)} s`} |`,
    );
  }
} finally {
  await db.drop();
}

/** Rows from..to, every one blacklisted, in two statements; triggers off (they would announce each row). */
async function fill(from: number, to: number): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL session_replication_role = replica');
    await trx.raw(
      `INSERT INTO token_blacklist_outstandingtoken (jti, token, created_at, expires_at)
       SELECT md5(i::text), 't', now(), now() + interval '1 day' FROM generate_series(?::bigint, ?::bigint) i`,
      [from + 1, to],
    );
    await trx.raw(
      `INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)
       SELECT id, now() FROM token_blacklist_outstandingtoken o WHERE o.id > (SELECT coalesce(max(token_id), 0) FROM token_blacklist_blacklistedtoken) ORDER BY id`,
    );
    // The summary the triggers would have kept.
    await trx.raw('DELETE FROM koa_simple_jwt_blacklist_summary');
    await trx.raw(
      `INSERT INTO koa_simple_jwt_blacklist_summary (shard, entries, checksum)
       SELECT 0, count(*), coalesce(sum(((id & 4294967295) * 1540483477) & 4294967295), 0) % 281474976710656 FROM token_blacklist_blacklistedtoken`,
    );
  });
  await knex.raw('VACUUM ANALYZE token_blacklist_outstandingtoken');
  await knex.raw('VACUUM ANALYZE token_blacklist_blacklistedtoken');
}

/** One app instance in its own process: its report is one JSON line. */
async function measure(rows: number): Promise<Result> {
  const child = spawn(process.execPath, ['--expose-gc', instance], {
    env: { ...process.env, DATABASE_URL: db.connectionString },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`instance exited with ${String(code)}`);
  return { rows, ...(JSON.parse(out.trim().split('\n').pop()!) as Omit<Result, 'rows'>) };
}
