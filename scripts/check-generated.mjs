// Fails when the committed tsoa routes (the library's, the demo's, the benchmark's), spec/, the
// demo's spec or sdk/schema.d.ts differ from what the controllers generate now.
// Generates into scratch locations at the same depth (so relative imports match) and compares.
import { readFileSync, writeFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsoa = join(dirname(require.resolve('@tsoa/cli/package.json')), 'dist/cli.js');
const openapiTypescript = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin/cli.js');

// Derive the template exactly as generate.mjs does.
execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/generate.mjs'), '--template-only'], { cwd: root, stdio: 'inherit' });

const config = JSON.parse(readFileSync(join(root, 'tsoa.json'), 'utf8'));
const scratchRoutes = 'src/.generated-check';
const scratchSpec = '.tmp/spec-check';
const scratchDemo = 'examples/demo/.generated-check';
const scratchBench = 'bench/.generated-check';
const scratchSdk = '.tmp/sdk-check/schema.d.ts';
const demoConfigPath = join(root, '.tmp/tsoa.demo-check.json');
const benchConfigPath = join(root, '.tmp/tsoa.bench-check.json');
const ninjaConfigPath = join(root, '.tmp/tsoa.ninja-check.json');
const scratchNinjaSdk = '.tmp/sdk-check/ninja-jwt-schema.d.ts';
config.routes.routesDir = scratchRoutes;
config.spec.outputDirectory = scratchSpec;
mkdirSync(join(root, '.tmp'), { recursive: true });
const configPath = join(root, '.tmp/tsoa.check.json');
writeFileSync(configPath, JSON.stringify(config));
try {
  execFileSync(process.execPath, [tsoa, 'spec-and-routes', '-c', configPath], { cwd: root, stdio: 'inherit' });
  const ninja = JSON.parse(readFileSync(join(root, 'tsoa.ninja.json'), 'utf8'));
  ninja.routes.routesDir = scratchRoutes;
  ninja.spec.outputDirectory = scratchSpec;
  writeFileSync(ninjaConfigPath, JSON.stringify(ninja));
  execFileSync(process.execPath, [tsoa, 'spec-and-routes', '-c', ninjaConfigPath], { cwd: root, stdio: 'inherit' });
  const demo = JSON.parse(readFileSync(join(root, 'examples/demo/tsoa.json'), 'utf8'));
  demo.routes.routesDir = scratchDemo;
  demo.spec.outputDirectory = scratchDemo;
  writeFileSync(demoConfigPath, JSON.stringify(demo));
  execFileSync(process.execPath, [tsoa, 'spec-and-routes', '-c', demoConfigPath], { cwd: root, stdio: 'inherit' });
  const bench = JSON.parse(readFileSync(join(root, 'bench/tsoa.json'), 'utf8'));
  bench.routes.routesDir = scratchBench;
  writeFileSync(benchConfigPath, JSON.stringify(bench));
  execFileSync(process.execPath, [tsoa, 'routes', '-c', benchConfigPath], { cwd: root, stdio: 'inherit' });
  // The SDK types are derived from the committed spec: a stale spec is reported above.
  execFileSync(process.execPath, [openapiTypescript, 'spec/openapi.json', '-o', scratchSdk], { cwd: root, stdio: 'pipe' });
  execFileSync(process.execPath, [openapiTypescript, 'spec/ninja-jwt.json', '-o', scratchNinjaSdk], { cwd: root, stdio: 'pipe' });
  const pairs = [
    [join(root, 'examples/demo/generated/routes.ts'), join(root, scratchDemo, 'routes.ts')],
    [join(root, 'examples/demo/generated/openapi.json'), join(root, scratchDemo, 'openapi.json')],
    [join(root, 'bench/generated/routes.ts'), join(root, scratchBench, 'routes.ts')],
    [join(root, 'sdk/schema.d.ts'), join(root, scratchSdk)],
    [join(root, 'src/generated/routes.ts'), join(root, scratchRoutes, 'routes.ts')],
    [join(root, 'spec/openapi.json'), join(root, scratchSpec, 'openapi.json')],
    [join(root, 'src/generated/ninja-routes.ts'), join(root, scratchRoutes, 'ninja-routes.ts')],
    [join(root, 'spec/ninja-jwt.json'), join(root, scratchSpec, 'ninja-jwt.json')],
    [join(root, 'sdk/ninja-jwt-schema.d.ts'), join(root, scratchNinjaSdk)],
  ];
  const stale = pairs.filter(([committed, fresh]) => !existsSync(committed) || readFileSync(committed, 'utf8') !== readFileSync(fresh, 'utf8'));
  if (stale.length > 0) {
    console.error(`Generated files are stale: ${stale.map(([c]) => c.slice(root.length + 1)).join(', ')}. Run "npm run generate" and commit the result.`);
    process.exitCode = 1;
  } else {
    console.log('Generated routes (library, Ninja JWT profile, demo, bench), spec/, the demo spec and the sdk/ types are up to date.');
  }
} finally {
  rmSync(join(root, scratchRoutes), { recursive: true, force: true });
  rmSync(join(root, scratchSpec), { recursive: true, force: true });
  rmSync(join(root, scratchDemo), { recursive: true, force: true });
  rmSync(join(root, scratchBench), { recursive: true, force: true });
  rmSync(join(root, dirname(scratchSdk)), { recursive: true, force: true });
  rmSync(configPath, { force: true });
  rmSync(demoConfigPath, { force: true });
  rmSync(benchConfigPath, { force: true });
  rmSync(ninjaConfigPath, { force: true });
}
