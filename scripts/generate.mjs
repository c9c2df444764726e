// Regenerates the tsoa routes (src/generated/routes.ts), the OpenAPI spec (spec/openapi.json), the
// Ninja JWT profile's routes and spec (src/generated/ninja-routes.ts, spec/ninja-jwt.json), the
// demo app's routes and spec (examples/demo/generated/), the benchmark's routes
// (bench/generated/routes.ts) and the client SDK's types (sdk/schema.d.ts, sdk/ninja-jwt-schema.d.ts).
// The route template is derived from the installed tsoa's own on every run, so it follows tsoa
// upgrades: see src/koa/tsoa-route-template.ts for the changes (the same as `koa-simple-jwt
// tsoa-template` writes for users' projects).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
// Run with tsx (`npm run generate`): the template rules live in src/, shared with the CLI's tsoa-template.
import { deriveKoaRouteTemplate } from '../src/koa/tsoa-route-template.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve('@tsoa/cli/package.json'));
const original = readFileSync(join(cliDir, 'dist/routeGeneration/templates/koa.hbs'), 'utf8');
mkdirSync(join(root, 'scripts/templates'), { recursive: true });
const template = deriveKoaRouteTemplate(original);
writeFileSync(join(root, 'scripts/templates/koa-router15.hbs'), template);

if (process.argv.includes('--template-only')) process.exit(0);
const tsoa = join(cliDir, 'dist/cli.js');
const openapiTypescript = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin/cli.js');
// The library's own routes and spec, then the demo app's (a user's tsoa project), then the
// benchmark's (routes only: nothing serves its spec), then the SDK.
execFileSync(process.execPath, [tsoa, 'spec-and-routes'], { cwd: root, stdio: 'inherit' });
// The Ninja JWT profile's routes and spec (src/generated/ninja-routes.ts, spec/ninja-jwt.json).
execFileSync(process.execPath, [tsoa, 'spec-and-routes', '-c', 'tsoa.ninja.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [tsoa, 'spec-and-routes', '-c', 'examples/demo/tsoa.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [tsoa, 'routes', '-c', 'bench/tsoa.json'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [openapiTypescript, 'spec/openapi.json', '-o', 'sdk/schema.d.ts'], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [openapiTypescript, 'spec/ninja-jwt.json', '-o', 'sdk/ninja-jwt-schema.d.ts'], { cwd: root, stdio: 'inherit' });
