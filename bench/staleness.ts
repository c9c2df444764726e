// How long a blacklisting takes to be honoured by another instance's BlacklistMirror:
// `node --import tsx bench/staleness.ts` (needs DATABASE_URL, and permission to signal the
// PostgreSQL server's processes: run it as root or as the server's user).
// 1. Healthy listener: time from the blacklisting's commit (its write resolved) to the first
//    `true` from the other instance's mirror.
// 2. Listener frozen: the listening connection's server process is stopped with SIGSTOP (as a
//    partition or a hung server would leave it), a token is blacklisted at a random moment, and the
//    mirror is polled until it refuses the token. Every `false` after the commit is a blacklisted
//    token accepted; the bound to meet is maxStalenessMs + 100 ms.
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase } from '../examples/support/database.js';
import { BlacklistMirror, KnexBlacklistStore, migrate } from '../src/index.js';
import { LISTENER_APPLICATION_NAME } from '../src/stores/blacklist-mirror.js';

const samples = Number(process.env.BENCH_SAMPLES ?? 10);
const maxStalenessMs = Number(process.env.MAX_STALENESS_MS ?? 1000);
const db = await createTestDatabase();
const database = new URL(db.connectionString).pathname.slice(1);
let sequence = 0;
const newToken = () => {
  sequence += 1;
  const jti = `${sequence.toString(16).padStart(8, '0')}${'e'.repeat(24)}`;
  return { jti, userId: null, token: `t-${jti}`, createdAt: null, expiresAt: new Date(Date.now() + 3600_000) };
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;
try {
  await migrate(db.knex);
  const writer = new KnexBlacklistStore(db.knex);
  const mirror = await BlacklistMirror.start(new KnexBlacklistStore(db.knex), { connection: db.connectionString, maxStalenessMs });

  const healthy: number[] = [];
  for (let i = 0; i < samples * 5; i += 1) {
    const token = newToken();
    await writer.blacklist(token);
    const committed = performance.now();
    while (!(await mirror.isBlacklisted(token.jti))) await new Promise(setImmediate);
    healthy.push(performance.now() - committed);
    await sleep(20);
  }

  const frozen: number[] = [];
  let accepted = 0;
  for (let i = 0; i < samples; i += 1) {
    const { rows } = await db.knex.raw('select pid from pg_stat_activity where application_name = ? and datname = ?', [LISTENER_APPLICATION_NAME, database]);
    const pid = Number(rows[0]?.pid);
    process.kill(pid, 'SIGSTOP');
    try {
      await sleep(Math.random() * maxStalenessMs);
      const token = newToken();
      await writer.blacklist(token);
      const committed = performance.now();
      while (!(await mirror.isBlacklisted(token.jti))) {
        accepted += 1;
        await sleep(1);
      }
      frozen.push(performance.now() - committed);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    while (!(await mirror.health()).trusted) await sleep(20);
  }
  await mirror.close();
  const row = (name: string, values: number[]) =>
    `| ${name} | ${values.length} | ${percentile(values, 0.5).toFixed(1)} | ${percentile(values, 0.99).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`;
  console.log(`| BlacklistMirror, maxStalenessMs ${maxStalenessMs} | samples | p50 ms | p99 ms | max ms |`);
  console.log('|---|---:|---:|---:|---:|');
  console.log(row('healthy listener: commit → refused by another instance', healthy));
  console.log(row('listener backend SIGSTOPped: commit → refused', frozen));
  console.log(`\nChecks that accepted a blacklisted token while frozen (polled every ~1 ms): ${accepted}; bound: ${maxStalenessMs + 100} ms.`);
} finally {
  await db.drop();
}
