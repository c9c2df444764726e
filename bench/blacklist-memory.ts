// The memory a BlacklistMirror needs per blacklisted token: `node --expose-gc --import tsx bench/blacklist-memory.ts`.
// Fills a mirror-shaped Set (32-hex jtis) with N entries and reports the heap growth.
import { randomBytes } from 'node:crypto';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

const results: { entries: number; megabytes: number; bytesPerEntry: number }[] = [];
for (const entries of [10_000, 100_000, 1_000_000]) {
  const before = heap();
  const set = new Set<string>();
  for (let i = 0; i < entries; i += 1) set.add(randomBytes(16).toString('hex'));
  const after = heap();
  results.push({ entries, megabytes: +((after - before) / 2 ** 20).toFixed(1), bytesPerEntry: Math.round((after - before) / entries) });
  set.clear();
}
console.log('| blacklisted tokens held | heap | bytes per token |');
console.log('|---:|---:|---:|');
for (const r of results) console.log(`| ${r.entries.toLocaleString('en')} | ${r.megabytes} MB | ${r.bytesPerEntry} |`);
