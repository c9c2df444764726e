// The memory a BlacklistMirror needs per blacklisted token, and its lookup:
// `node --expose-gc --import tsx bench/blacklist-memory.ts`. Fills a JavaScript Set of 32-hex
// jtis (what the mirror held before) and a JtiSet (what it holds now) with N random jtis and
// reports the heap growth (ArrayBuffers included) and the time of one lookup, hit or miss.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { JtiSet } from '../src/stores/jti-set.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function memory(): number {
  gc!();
  gc!();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Nanoseconds per call of `has` over `jtis`, best of 5 rounds. */
function lookup(has: (jti: string) => boolean, jtis: string[]): number {
  let best = Infinity;
  let found = 0;
  for (let round = 0; round < 5; round += 1) {
    const start = performance.now();
    for (const jti of jtis) if (has(jti)) found += 1;
    best = Math.min(best, ((performance.now() - start) * 1e6) / jtis.length);
  }
  if (found < 0) throw new Error('unreachable');
  return best;
}

const SAMPLE = 100_000;
const CASES = [
  ['Set', 100_000],
  ['JtiSet', 100_000],
  ['Set', 1_000_000],
  ['JtiSet', 1_000_000],
  ['JtiSet', 10_000_000],
] as const;

if (process.argv[2] === undefined) {
  // Each case in a process of its own, so that no case counts another's garbage.
  console.log('| structure | blacklisted tokens held | memory | bytes per token | lookup, hit | lookup, miss |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (let i = 0; i < CASES.length; i += 1) {
    const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), String(i)], { encoding: 'utf8' });
    process.stdout.write(output);
  }
  process.stdout.write(execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'growth'], { encoding: 'utf8' }));
} else if (process.argv[2] === 'growth') {
  // A loaded mirror's set keeps taking blacklistings until it grows: the pause one add may cause,
  // then the background moves (DRAIN_SLOTS per turn of the event loop, as the mirror does them).
  const entries = 10_000_000;
  const set = new JtiSet(entries);
  const jtis = randomBytes(16 * entries);
  for (let offset = 0; offset < jtis.length; offset += 800_000) set.addAll(jtis.subarray(offset, offset + 800_000));
  let longestAdd = 0;
  let adds = 0;
  while (!set.resizing) {
    const jti = randomBytes(16).toString('hex');
    const start = performance.now();
    set.add(jti);
    longestAdd = Math.max(longestAdd, performance.now() - start);
    adds += 1;
  }
  const misses = Array.from({ length: SAMPLE }, () => randomBytes(16).toString('hex'));
  const during = lookup((jti) => set.has(jti), misses);
  let longestStep = 0;
  let steps = 0;
  for (let more = true; more; steps += 1) {
    const start = performance.now();
    more = set.migrate(32_768);
    longestStep = Math.max(longestStep, performance.now() - start);
  }
  console.log('');
  console.log(`Growth at ${entries.toLocaleString('en')} jtis (sized for them): after ${adds.toLocaleString('en')} more adds the table grows; the longest add took ${longestAdd.toFixed(2)} ms; the move took ${steps} steps of 32,768 slots, the longest ${longestStep.toFixed(1)} ms; a lookup (miss) during the move ${during.toFixed(0)} ns.`);
} else {
  const [kind, entries] = CASES[Number(process.argv[2])]!;
  const misses = Array.from({ length: SAMPLE }, () => randomBytes(16).toString('hex'));
  const jtis = randomBytes(16 * entries);
  const hits = Array.from({ length: Math.min(SAMPLE, entries) }, (_, i) => jtis.toString('hex', i * 16, i * 16 + 16));
  const before = memory();
  let has: (jti: string) => boolean;
  if (kind === 'Set') {
    const set = new Set<string>();
    for (let i = 0; i < entries; i += 1) set.add(jtis.toString('hex', i * 16, i * 16 + 16));
    has = (jti) => set.has(jti);
  } else {
    const set = new JtiSet();
    // In batches of 50,000, as the mirror's load adds them; the table grows as it fills.
    for (let offset = 0; offset < jtis.length; offset += 800_000) set.addAll(jtis.subarray(offset, offset + 800_000));
    has = (jti) => set.has(jti);
  }
  const after = memory();
  const bytes = (after - before) / entries;
  console.log(`| ${kind} | ${entries.toLocaleString('en')} | ${((after - before) / 2 ** 20).toFixed(1)} MB | ${bytes.toFixed(1)} | ${lookup(has, hits).toFixed(0)} ns | ${lookup(has, misses).toFixed(0)} ns |`);
}
