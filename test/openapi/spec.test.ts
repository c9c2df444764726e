import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { demoOpenApiDocument } from '../../examples/demo/app.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const redocly = join(dirname(createRequire(import.meta.url).resolve('@redocly/cli/package.json')), 'bin/cli.js');

interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string; anyOf?: { $ref: string }[] }; examples?: Record<string, { value: unknown }> }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: unknown }> };
}

const spec = JSON.parse(await readFile(join(root, 'spec/openapi.json'), 'utf8')) as Spec;
const operations = Object.entries(spec.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ path, method, operation })));
const byId = new Map(operations.map((entry) => [entry.operation.operationId, entry]));
/** The token operations (Simple JWT's views); the sessions operations are ours. */
const tokenOperations = operations.filter(({ operation }) => operation.tags?.includes('token'));

/** The component names a response's JSON schema refers to. */
function refs(operation: Operation, status: string): string[] {
  const schema = operation.responses[status]?.content?.['application/json']?.schema;
  const all = schema?.anyOf ?? (schema?.$ref ? [{ $ref: schema.$ref }] : []);
  return all.map((entry) => entry.$ref.replace('#/components/schemas/', '')).sort();
}

/** Runs `redocly lint` on a file and returns its JSON report's totals. */
async function lint(file: string): Promise<{ errors: number; warnings: number; ignored: number; problems: unknown[] }> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const run = promisify(execFile)(process.execPath, [redocly, 'lint', file, '--format=json'], { cwd: root, env, maxBuffer: 16 << 20 });
  // Exit code 1 means errors; the JSON report is printed either way.
  const { stdout } = await run.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number; ignored: number }; problems: unknown[] };
  return { ...report.totals, problems: report.problems };
}

test('the spec has the four sessions operations, each under the jwt security scheme with 401, 500 and 503', () => {
  const sessions = operations.filter(({ operation }) => operation.tags?.includes('sessions'));
  assert.deepEqual(sessions.map(({ path, method, operation }) => `${method.toUpperCase()} ${path} ${operation.operationId}`).sort(), [
    'DELETE /token/sessions/{id} token_sessions_revoke',
    'GET /token/sessions token_sessions_list',
    'POST /token/logout-all token_logout_all',
    'POST /token/sessions/revoke-others token_sessions_revoke_others',
  ]);
  for (const { operation } of sessions) {
    assert.deepEqual((operation as Operation & { security?: unknown }).security, [{ jwt: [] }], operation.operationId);
    for (const status of ['401', '500', '503']) assert.ok(operation.responses[status], `${operation.operationId} ${status}`);
  }
});

test('the spec has the six token operations, each with its operationId, POST path and tag', () => {
  assert.deepEqual(
    tokenOperations.map(({ path, method, operation }) => `${method.toUpperCase()} ${path} ${operation.operationId}`).sort(),
    [
      'POST /token token_obtain_pair',
      'POST /token/blacklist token_blacklist',
      'POST /token/refresh token_refresh',
      'POST /token/sliding token_obtain_sliding',
      'POST /token/sliding/refresh token_refresh_sliding',
      'POST /token/verify token_verify',
    ],
  );
  for (const { operation } of tokenOperations) assert.deepEqual(operation.tags, ['token'], operation.operationId);
});

test('every token operation has a summary, a description, and a request body and 200 body with examples', () => {
  for (const { operation } of tokenOperations) {
    const id = operation.operationId;
    assert.ok(operation.summary, `${id}: summary`);
    assert.ok((operation.description ?? '').length > 40, `${id}: description`);
    const request = operation.requestBody?.content['application/json'];
    assert.ok(request?.schema, `${id}: request schema`);
    assert.ok(request?.example, `${id}: request example`);
    const ok = operation.responses['200']?.content?.['application/json'];
    assert.ok(ok?.schema, `${id}: 200 schema`);
    assert.ok(Object.keys(ok?.examples ?? {}).length > 0, `${id}: 200 examples`);
  }
});

test('every token operation documents 400, 401, 413, 415, 500 and 503 with the bodies it really sends, and takes JSON or a form', () => {
  const tokenEndpoints = ['token_refresh', 'token_refresh_sliding'];
  for (const { operation } of tokenOperations) {
    const id = operation.operationId ?? '';
    // The obtain operations are throttled (loginThrottle): 429 with Retry-After.
    const throttled = id.startsWith('token_obtain') ? ['429'] : [];
    assert.deepEqual(Object.keys(operation.responses).sort(), ['200', '400', '401', '413', '415', ...throttled, '500', '503'], id);
    for (const status of throttled) {
      assert.deepEqual(refs(operation, status), ['DetailErrorBody'], `${id} ${status}`);
      assert.ok((operation.responses[status] as { headers?: Record<string, unknown> }).headers?.['Retry-After'], `${id} 429: Retry-After`);
    }
    const content = operation.requestBody?.content ?? {};
    assert.deepEqual(Object.keys(content), ['application/json', 'application/x-www-form-urlencoded'], id);
    assert.deepEqual(content['application/x-www-form-urlencoded']?.schema, content['application/json']?.schema, `${id}: one schema for both`);
    assert.deepEqual(refs(operation, '400'), ['DetailErrorBody', 'FieldErrors'], id);
    const expected401 = id.startsWith('token_obtain')
      ? ['AccountErrorBody']
      : tokenEndpoints.includes(id)
        ? ['AccountErrorBody', 'TokenErrorBody']
        : ['TokenErrorBody'];
    assert.deepEqual(refs(operation, '401'), expected401, id);
    for (const status of ['413', '415', '500', '503']) assert.deepEqual(refs(operation, status), ['DetailErrorBody'], `${id} ${status}`);
    const challenge = (operation.responses['401'] as { headers?: Record<string, unknown> }).headers;
    assert.ok(challenge?.['WWW-Authenticate'], `${id} 401: the WWW-Authenticate header every 401 carries`);
    for (const status of ['400', '401', '413', '415', '500', '503']) {
      assert.ok(Object.keys(operation.responses[status]?.content?.['application/json']?.examples ?? {}).length > 0, `${id} ${status}: examples`);
    }
  }
  const blacklist = byId.get('token_blacklist')?.operation;
  const examples = Object.values(blacklist?.responses['401']?.content?.['application/json']?.examples ?? {}).map((example) => example.value);
  assert.deepEqual(examples[0], { detail: 'Token is blacklisted', code: 'token_not_valid' });
});

test('400 field errors are a map of field to a list of messages; 401 token errors may list messages', () => {
  const { schemas } = spec.components;
  assert.deepEqual(schemas.FieldErrors?.additionalProperties, { items: { type: 'string' }, type: 'array' });
  assert.deepEqual(schemas.TokenErrorBody?.required, ['detail', 'code']);
  assert.ok(schemas.TokenErrorBody?.properties?.messages);
  assert.deepEqual(schemas.AccountErrorBody?.required, ['detail']);
});

test('redocly lint (recommended rules) finds no error and no warning in spec/openapi.json', async () => {
  const report = await lint('spec/openapi.json');
  assert.deepEqual(report, { errors: 0, warnings: 0, ignored: 0, problems: [] });
});

test('redocly lint finds no error and no warning in the demo\'s merged document', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksjwt-lint-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(demoOpenApiDocument({ securityNames: ['jwt', 'jwt_sliding', 'jwt_any'], blacklist: true, usernameField: 'username', jwksPath: '/.well-known/jwks.json' })));
    const report = await lint(file);
    assert.deepEqual(report, { errors: 0, warnings: 0, ignored: 0, problems: [] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('redocly lint reports a spec that breaks a recommended rule (the check can fail)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksjwt-lint-'));
  try {
    const broken = structuredClone(spec) as Spec & { info?: { license?: unknown } };
    delete broken.paths['/token']?.post?.summary;
    delete (broken as { info: { license?: unknown } }).info.license;
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(broken));
    const report = await lint(file);
    assert.ok(report.errors + report.warnings >= 2, JSON.stringify(report));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
