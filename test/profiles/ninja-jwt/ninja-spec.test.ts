import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openApiDocument } from '../../../src/index.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const redocly = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');

interface Operation {
  operationId?: string;
  responses: Record<string, { headers?: unknown; content?: Record<string, { schema?: { $ref?: string; anyOf?: { $ref: string }[] } }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>; securitySchemes?: Record<string, unknown> };
  servers?: unknown;
}

const spec = JSON.parse(await readFile(join(root, 'spec/ninja-jwt.json'), 'utf8')) as Spec;
const operations = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));

async function lint(file: string): Promise<{ errors: number; warnings: number; ignored: number; problems: unknown[] }> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const run = promisify(execFile)(process.execPath, [redocly, 'lint', file, '--format=json'], { cwd: root, env, maxBuffer: 16 << 20 });
  const { stdout } = await run.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: unknown[] };
  return { ...report.totals, problems: report.problems };
}

test('spec/ninja-jwt.json has Ninja JWT\'s six paths and operation ids', () => {
  assert.deepEqual(
    operations.map(({ path, method, operation }) => `${method.toUpperCase()} ${path} ${operation.operationId}`).sort(),
    [
      'POST /token/blacklist token_blacklist',
      'POST /token/pair token_obtain_pair',
      'POST /token/refresh token_refresh',
      'POST /token/sliding token_obtain_sliding',
      'POST /token/sliding/refresh token_refresh_sliding',
      'POST /token/verify token_verify',
    ],
  );
});

test('it documents Ninja JWT\'s bodies: the echoed login name, refresh always returned, 400/401/422 shapes, no challenge header', () => {
  const { schemas } = spec.components;
  assert.deepEqual(Object.keys(schemas.NinjaTokenPairResponse?.properties ?? {}), ['username', 'refresh', 'access']);
  assert.deepEqual(schemas.NinjaTokenRefreshResponse?.required, ['refresh', 'access']);
  assert.deepEqual(schemas.NinjaSchemaErrorBody?.required, ['detail']);
  assert.deepEqual(schemas.NinjaErrorBody?.required, ['detail', 'code']);
  for (const { path, operation } of operations) {
    assert.ok(operation.responses['400'] && operation.responses['401'] && operation.responses['422'], path);
    assert.equal(operation.responses['401']?.headers, undefined, `${path}: Ninja JWT sends no WWW-Authenticate`);
  }
});

test('redocly lint (recommended rules) finds no error and no warning in spec/ninja-jwt.json and in a served copy', async () => {
  assert.deepEqual(await lint('spec/ninja-jwt.json'), { errors: 0, warnings: 0, ignored: 0, problems: [] });
  const dir = await mkdtemp(join(tmpdir(), 'ksjwt-ninja-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(openApiDocument({ profile: 'ninja-jwt', prefix: '/ninja', securityNames: [], usernameField: 'email' })));
    assert.deepEqual(await lint(file), { errors: 0, warnings: 0, ignored: 0, problems: [] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('openApiDocument({ profile: "ninja-jwt" }) keeps the mounted controllers\' paths, names the login field and uses bearer schemes', () => {
  const only = openApiDocument({ profile: 'ninja-jwt', prefix: '/ninja', controllers: ['default'], securityNames: ['ninja'], authHeaderTypes: ['JWT'] }) as unknown as Spec;
  assert.deepEqual(Object.keys(only.paths).sort(), ['/token/pair', '/token/refresh', '/token/verify']);
  assert.deepEqual(only.servers, [{ url: '/ninja', description: 'Where this app serves the token routes' }]);
  assert.equal((only.components.securitySchemes?.ninja as { scheme?: string }).scheme, 'bearer');
  const noBlacklist = openApiDocument({ profile: 'ninja-jwt', blacklist: false }) as unknown as Spec;
  assert.equal(noBlacklist.paths['/token/blacklist'], undefined);
  assert.ok(noBlacklist.paths['/token/sliding/refresh']);
  const email = openApiDocument({ profile: 'ninja-jwt', usernameField: 'email' }) as unknown as Spec;
  assert.deepEqual(Object.keys(email.components.schemas.NinjaTokenPairResponse?.properties ?? {}), ['email', 'refresh', 'access']);
  assert.deepEqual(Object.keys(email.components.schemas.NinjaTokenObtainRequest?.properties ?? {}), ['password', 'email']);
  assert.throws(() => openApiDocument({ profile: 'ninja-jwt', controllers: ['pair' as 'default'] }), /controllers must list/);
});
