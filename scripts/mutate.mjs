// `npm run mutate [-- group ...]`: Stryker over the security core, one module group at a time
// (groups in stryker.config.mjs; default: all), niced, then one combined score from the JSON
// reports in reports/mutation/. On demand only, not in `npm test` or CI. See test/MUTATION.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

process.env.MUTATE_GROUP = 'password'; // lets the config load to list its groups
const { groups } = await import('../stryker.config.mjs');
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in groups));
if (unknown.length > 0) {
  console.error(`unknown group(s) ${unknown.join(', ')}; groups: ${Object.keys(groups).join(', ')}`);
  process.exit(2);
}
const run = asked.length > 0 ? asked : Object.keys(groups);
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' };

for (const name of run) {
  console.log(`\n== mutate ${name}: ${groups[name].mutate.join(' ')}`);
  const result = spawnSync('nice', ['-n', '19', 'node_modules/.bin/stryker', 'run', 'stryker.config.mjs'], {
    env: { ...env, MUTATE_GROUP: name },
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`stryker failed for group ${name} (exit ${result.status})`);
    process.exit(result.status ?? 1);
  }
}

// The combined score over every group that has a report, run now or earlier.
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
let detected = 0;
let undetected = 0;
console.log('\ngroup            killed  survived  score');
for (const name of Object.keys(groups)) {
  const file = `reports/mutation/${name}.json`;
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  let k = 0;
  let s = 0;
  for (const { mutants } of Object.values(report.files)) {
    for (const { status } of mutants) {
      if (DETECTED.has(status)) k += 1;
      else if (UNDETECTED.has(status)) s += 1;
    }
  }
  detected += k;
  undetected += s;
  console.log(`${name.padEnd(16)} ${String(k).padStart(6)}  ${String(s).padStart(8)}  ${((100 * k) / Math.max(1, k + s)).toFixed(1)} %`);
}
console.log(`${'all'.padEnd(16)} ${String(detected).padStart(6)}  ${String(undetected).padStart(8)}  ${((100 * detected) / Math.max(1, detected + undetected)).toFixed(1)} %`);
