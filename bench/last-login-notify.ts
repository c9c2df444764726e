// Login commits with and without a NOTIFY: `node --import tsx bench/last-login-notify.ts`.
// pgbench runs the statement KnexUserStore.updateLastLogin sends, from BENCH_CLIENTS (default 16)
// connections over 200 users, in interleaved rounds: once with migration
// 20260104000000_user_notify's trigger (every UPDATE notifies) and once with
// 20260106000000_user_notify_columns' (a last_login write does not). Prints commits/s (medians).
// Needs pgbench on PATH and DATABASE_URL (a database of its own is created and dropped).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../examples/support/database.js';
import { KnexUserStore, migrate } from '../src/index.js';

const clients = Number(process.env.BENCH_CLIENTS ?? 16);
const seconds = Number(process.env.BENCH_DURATION ?? 6);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const db = await createTestDatabase();
try {
  await migrate(db.knex);
  const users = new KnexUserStore(db.knex, { iterations: 1 });
  for (let i = 0; i < 200; i += 1) await users.createUser({ username: `u${i}`, password: 'pw' });
  const ids = (await db.knex('auth_user').pluck('id')) as number[];
  const dir = mkdtempSync(join(tmpdir(), 'ksjwt-login-'));
  const script = join(dir, 'login.sql');
  writeFileSync(script, `\\set i random(0, ${ids.length - 1})\nupdate auth_user set last_login = now() where id = (${Math.min(...ids)} + :i);\n`);
  // Some instance is listening, as in production: the queue is written to only when someone listens.
  const listener = new (await import('pg')).default.Client({ connectionString: db.connectionString });
  await listener.connect();
  await listener.query('LISTEN koa_simple_jwt_user');
  const migration = (await import('../migrations/20260106000000_user_notify_columns.js' as string)) as { up(k: unknown): Promise<void>; down(k: unknown): Promise<void> };
  const results: Record<'notify every update' | 'column filter', number[]> = { 'notify every update': [], 'column filter': [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const variant of ['notify every update', 'column filter'] as const) {
      if (variant === 'column filter') await migration.up(db.knex);
      else await migration.down(db.knex);
      const out = execFileSync('pgbench', ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', script, db.connectionString], { encoding: 'utf8' });
      const tps = Number(/tps = ([0-9.]+)/.exec(out)?.[1]);
      results[variant].push(tps);
    }
  }
  await listener.end();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`| updateLastLogin commits/s (${clients} connections, pgbench, medians of ${rounds}) | commits/s |`);
  console.log('|---|---:|');
  for (const [variant, values] of Object.entries(results)) console.log(`| ${variant} | ${Math.round(median(values)).toLocaleString('en')} (${values.map(Math.round).join(', ')}) |`);
} finally {
  await db.drop();
}
