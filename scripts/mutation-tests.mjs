// Runs the given test files in this one process (`node --import tsx scripts/mutation-tests.mjs
// <files>`): node:test collects the tests of every file it imports and exits 1 when one fails.
// One start-up (node, tsx, the modules) instead of one per file: Stryker's command runner runs
// this for every mutant (stryker.config.mjs), where start-up was most of the time.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

for (const file of process.argv.slice(2)) await import(pathToFileURL(resolve(file)).href);
