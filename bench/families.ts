// The cost of refresh-token families: `DATABASE_URL=... node --import tsx bench/families.ts`.
// 1. Per refresh (rotation with blacklistAfterRotation), without and with a family store (reuse
//    detection on): the Node process's CPU time (user + system, µs) and the SQL statements sent,
//    over sequential refresh chains. PostgreSQL's own CPU is not in the µs; statements are.
// 2. How long a `revoked_before` set on one instance takes to reach another instance's memory
//    (LISTEN/NOTIFY), over repeated revocations.
import { createTestDatabase } from '../examples/support/database.js';
import { createSimpleJwt, KnexBlacklistStore, KnexFamilyStore, KnexUserStore, migrate } from '../src/index.js';
import type { SimpleJwt } from '../src/index.js';

const CHAINS = Number(process.env.CHAINS ?? 20);
const LENGTH = Number(process.env.LENGTH ?? 25);
const REVOCATIONS = Number(process.env.REVOCATIONS ?? 50);

const db = await createTestDatabase();
try {
  await migrate(db.knex);
  let statements = 0;
  db.knex.on('query', () => void (statements += 1));
  const users = new KnexUserStore(db.knex, { iterations: 1000 });
  const user = await users.createUser({ username: 'bench', password: 'bench-password' });
  const base = { signingKey: 'families-bench-signing-key-of-32-bytes!', userStore: users, blacklistStore: new KnexBlacklistStore(db.knex), rotateRefreshTokens: true, blacklistAfterRotation: true };
  const plain = createSimpleJwt(base);
  const families = await KnexFamilyStore.start(db.knex, { connection: db.connectionString });
  const withFamilies = createSimpleJwt({ ...base, familyStore: families });

  async function measure(jwt: SimpleJwt): Promise<{ cpuMicros: number; statements: number; wallMicros: number }> {
    let cpu = 0;
    let wall = 0;
    let sent = 0;
    for (let chain = 0; chain < CHAINS; chain += 1) {
      let refresh = (await jwt.issueTokenPair(user)).refresh;
      for (let step = 0; step < LENGTH; step += 1) {
        const before = statements;
        const usage = process.cpuUsage();
        const start = performance.now();
        refresh = (await jwt.refreshAccessToken(refresh)).refresh!;
        wall += performance.now() - start;
        const used = process.cpuUsage(usage);
        cpu += used.user + used.system;
        sent += statements - before;
      }
    }
    const n = CHAINS * LENGTH;
    return { cpuMicros: cpu / n, statements: sent / n, wallMicros: (wall * 1000) / n };
  }

  // Warm-up, then alternate to spread the machine's noise over both.
  await measure(plain);
  await measure(withFamilies);
  const runs = { plain: [] as Awaited<ReturnType<typeof measure>>[], families: [] as Awaited<ReturnType<typeof measure>>[] };
  for (let round = 0; round < 3; round += 1) {
    runs.plain.push(await measure(plain));
    runs.families.push(await measure(withFamilies));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const summary = (list: Awaited<ReturnType<typeof measure>>[]) => ({
    cpu: median(list.map((each) => each.cpuMicros)),
    statements: median(list.map((each) => each.statements)),
    wall: median(list.map((each) => each.wallMicros)),
  });
  const a = summary(runs.plain);
  const b = summary(runs.families);
  console.log(`Refresh with rotation + blacklistAfterRotation, ${CHAINS} chains of ${LENGTH}, median of 3 rounds:`);
  console.log('| | Node CPU per refresh | SQL statements per refresh | wall time per refresh |');
  console.log('|---|---:|---:|---:|');
  console.log(`| without families | ${a.cpu.toFixed(0)} µs | ${a.statements.toFixed(2)} | ${a.wall.toFixed(0)} µs |`);
  console.log(`| with families (reuse detection) | ${b.cpu.toFixed(0)} µs | ${b.statements.toFixed(2)} | ${b.wall.toFixed(0)} µs |`);
  console.log(`| cost of the bookkeeping | +${(b.cpu - a.cpu).toFixed(0)} µs (x${(b.cpu / a.cpu).toFixed(2)}) | +${(b.statements - a.statements).toFixed(2)} | +${(b.wall - a.wall).toFixed(0)} µs (x${(b.wall / a.wall).toFixed(2)}) |`);

  // 2. revoked_before from instance A to instance B.
  const other = await KnexFamilyStore.start(db.knex, { connection: db.connectionString });
  const delays: number[] = [];
  for (let i = 0; i < REVOCATIONS; i += 1) {
    const userId = `bench-${i}`;
    const at = new Date();
    const start = performance.now();
    await families.revokeUserBefore(userId, at);
    while (other.revokedBefore(userId) !== at.getTime()) await new Promise((resolve) => setImmediate(resolve));
    delays.push(performance.now() - start);
  }
  delays.sort((x, y) => x - y);
  const pick = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!.toFixed(1);
  console.log(`\nrevoked_before from one instance to another's memory (write + NOTIFY), ${REVOCATIONS} revocations:`);
  console.log(`p50 ${pick(0.5)} ms, p95 ${pick(0.95)} ms, max ${delays[delays.length - 1]!.toFixed(1)} ms (bound: 100 ms)`);
  await other.close();
  await families.close();
} finally {
  await db.drop();
}
