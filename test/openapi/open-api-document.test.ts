import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openApiDocument } from '../../src/openapi/open-api-document.js';
import type { OpenApiDocument } from '../../src/openapi/open-api-types.js';

const committed = JSON.parse(readFileSync(new URL('../../spec/openapi.json', import.meta.url), 'utf8')) as OpenApiDocument;
const SIX = ['/token', '/token/refresh', '/token/verify', '/token/blacklist', '/token/sliding', '/token/sliding/refresh'];

test('openApiDocument returns spec/openapi.json with the mount prefix as its server', () => {
  const document = openApiDocument({ prefix: '/api' });
  assert.deepEqual(document.servers?.map((server) => server.url), ['/api']);
  assert.deepEqual(Object.keys(document.paths).sort(), [...SIX].sort());
  assert.deepEqual(document.paths, committed.paths);
  assert.deepEqual(document.components?.schemas, committed.components?.schemas);
});

test('openApiDocument normalises the prefix: none, "/" and a trailing slash', () => {
  assert.equal(openApiDocument().servers?.[0]?.url, '/');
  assert.equal(openApiDocument({ prefix: '/' }).servers?.[0]?.url, '/');
  assert.equal(openApiDocument({ prefix: '/auth/v1/' }).servers?.[0]?.url, '/auth/v1');
});

test('openApiDocument makes every security name an HTTP bearer scheme, jwt by default', () => {
  assert.deepEqual(Object.keys(openApiDocument().components?.securitySchemes ?? {}), ['jwt']);
  const schemes = openApiDocument({ securityNames: ['jwt', 'jwt_sliding'] }).components?.securitySchemes ?? {};
  assert.deepEqual(Object.keys(schemes), ['jwt', 'jwt_sliding']);
  for (const scheme of Object.values(schemes)) {
    assert.deepEqual({ ...(scheme as object), description: undefined }, { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: undefined });
  }
});

test('openApiDocument leaves out POST /token/blacklist with blacklist false', () => {
  const paths = Object.keys(openApiDocument({ blacklist: false }).paths);
  assert.equal(paths.includes('/token/blacklist'), false);
  assert.equal(paths.length, 5);
});

test('openApiDocument returns a copy each time: changing one changes neither the next nor the file', () => {
  const first = openApiDocument();
  first.info.title = 'changed';
  delete first.paths['/token'];
  const second = openApiDocument();
  assert.equal(second.info.title, committed.info.title);
  assert.ok(second.paths['/token']);
});

test('openApiDocument rejects a prefix that is not a path and bad security names with a TypeError', () => {
  assert.throws(() => openApiDocument({ prefix: 'api' }), { name: 'TypeError', message: /prefix must be a path/ });
  assert.throws(() => openApiDocument({ prefix: '/api?x=1' }), TypeError);
  assert.throws(() => openApiDocument({ securityNames: [''] }), { name: 'TypeError', message: /securityNames/ });
  assert.throws(() => openApiDocument({ securityNames: 'jwt' as unknown as string[] }), TypeError);
});

test('openApiDocument names the login field of an e-mail user model in the credential schema and examples', () => {
  const document = openApiDocument({ usernameField: 'email' });
  const schema = document.components?.schemas?.TokenObtainPairRequest as { properties: Record<string, unknown>; required: string[] };
  assert.deepEqual(Object.keys(schema.properties), ['email', 'password']);
  assert.deepEqual(schema.required, ['email', 'password']);
  const text = JSON.stringify({ token: document.paths['/token'], sliding: document.paths['/token/sliding'], schemas: document.components?.schemas });
  assert.doesNotMatch(text, /"username"/);
  assert.match(JSON.stringify(document.paths['/token']), /"email":"alice"/);
  // Other operations are left as they are.
  assert.deepEqual(document.paths['/token/refresh'], committed.paths['/token/refresh']);
  assert.throws(() => openApiDocument({ usernameField: 'password' }), /usernameField/);
});
