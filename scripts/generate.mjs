// Regenerates the tsoa routes (src/generated/routes.ts), the OpenAPI spec (spec/openapi.json), the
// demo app's routes and spec (examples/demo/generated/), the benchmark's routes
// (bench/generated/routes.ts) and the client SDK's types (sdk/schema.d.ts).
// tsoa's Koa template imports @koa/router as a namespace type; @koa/router 15 exports a named
// `Router` type. The template is derived from the installed one on every run, so it follows
// tsoa upgrades, with that one line changed.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve('@tsoa/cli/package.json'));
const original = readFileSync(join(cliDir, 'dist/routeGeneration/templates/koa.hbs'), 'utf8');
const from = "import type * as KoaRouter from '@koa/router';";
if (!original.includes(from)) throw new Error(`tsoa's koa template changed: "${from}" not found; update scripts/generate.mjs`);
mkdirSync(join(root, 'scripts/templates'), { recursive: true });
// The second change keeps noUnusedLocals quiet when no controller of ours uses @Security.
const recast = 'const koaAuthenticationRecasted = ';
if (!original.includes(recast)) throw new Error('tsoa\'s koa template changed: koaAuthenticationRecasted not found; update scripts/generate.mjs');
const template = original
  .replace(from, "import type { Router as KoaRouter } from '@koa/router';")
  .replace(/(const koaAuthenticationRecasted = [^\n]*\n)/, '$1void koaAuthenticationRecasted;\n');
writeFileSync(join(root, 'scripts/templates/koa-router15.hbs'), template);

if (process.argv.includes('--template-only')) process.exit(0);
const tsoa = join(cliDir, 'dist/cli.js');
const openapiTypescript = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin/cli.js');
// The library's own routes and spec, then the demo app's (a user's tsoa project), then the
// benchmark's (routes only: nothing serves its spec), then the SDK.
execFileSync(process.execPath, [tsoa, 'spec-and-routes'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [tsoa, 'spec-and-routes', '-c', 'examples/demo/tsoa.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [tsoa, 'routes', '-c', 'bench/tsoa.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [openapiTypescript, 'spec/openapi.json', '-o', 'sdk/schema.d.ts'], { cwd: root, stdio: 'inherit' });
