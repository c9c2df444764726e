import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimpleJwt } from '../../src/create-simple-jwt.js';
import { openApiDocument } from '../../src/openapi/open-api-document.js';
import type { OpenApiDocument } from '../../src/openapi/open-api-types.js';

type Operation = {
  security?: unknown;
  parameters?: { in: string; name: string; required: boolean }[];
  requestBody?: { required?: boolean };
  responses: Record<string, { headers?: Record<string, { schema: { example: string } }>; content?: Record<string, { example?: unknown }> }>;
};
const post = (document: OpenApiDocument, path: string): Operation => (document.paths[path] as { post: Operation }).post;
const schema = (document: OpenApiDocument, name: string) => document.components?.schemas?.[name] as { properties: Record<string, unknown>; required?: string[] };
const READING = ['/token/refresh', '/token/blacklist', '/token/sliding/refresh'];
const WRITING = ['/token', '/token/refresh', '/token/sliding', '/token/sliding/refresh'];

test('openApiDocument without refreshCookie describes no cookie', () => {
  const document = openApiDocument({ prefix: '/api' });
  assert.equal(document.components?.securitySchemes?.refreshCookie, undefined);
  for (const path of WRITING) assert.equal(post(document, path).responses['200']?.headers, undefined, path);
  for (const path of READING) {
    assert.deepEqual(post(document, path).parameters ?? [], [], path);
    assert.equal(post(document, path).responses['403'], undefined, path);
  }
  assert.deepEqual(schema(document, 'TokenRefreshRequest').required, ['refresh']);
});

test('openApiDocument with the app\'s refreshCookie describes the cookie scheme, Set-Cookie and the CSRF header', () => {
  const jwt = createSimpleJwt({ signingKey: 'test-signing-key-of-at-least-32-bytes!!', refreshCookie: { trustedOrigins: ['https://app.example.com'] } });
  const document = openApiDocument({ prefix: '/api', refreshCookie: jwt.settings.refreshCookie });
  const scheme = document.components?.securitySchemes?.refreshCookie as Record<string, string>;
  assert.deepEqual([scheme.type, scheme.in, scheme.name], ['apiKey', 'cookie', '__Host-refresh']);
  assert.match(scheme.description ?? '', /X-CSRF-Protection.*https:\/\/app\.example\.com/);
  for (const path of WRITING) {
    assert.equal(post(document, path).responses['200']?.headers?.['Set-Cookie']?.schema.example, '__Host-refresh=<token>; Max-Age=86400; Path=/; Secure; HttpOnly; SameSite=Strict', path);
  }
  assert.equal(post(document, '/token/blacklist').responses['200']?.headers?.['Set-Cookie']?.schema.example, '__Host-refresh=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict');
  for (const path of READING) {
    const operation = post(document, path);
    assert.deepEqual(operation.security, [{}, { refreshCookie: [] }], path);
    assert.deepEqual(operation.parameters?.map((each) => [each.in, each.name, each.required]), [['header', 'X-CSRF-Protection', false]], path);
    assert.equal(operation.requestBody?.required, false, path);
    assert.deepEqual(operation.responses['403']?.content?.['application/json']?.example, { detail: 'CSRF Failed: X-CSRF-Protection header missing.' });
  }
  assert.deepEqual(schema(document, 'TokenRefreshRequest').required, []);
  assert.deepEqual(schema(document, 'TokenRefreshSlidingRequest').required, []);
  // The pair still carries refresh in its body (refreshInBody defaults to true).
  assert.deepEqual(schema(document, 'TokenPairResponse').required, ['refresh', 'access']);
  // Obtain and verify read no cookie.
  assert.deepEqual(post(document, '/token').security, []);
  assert.equal(post(document, '/token/verify').responses['403'], undefined);
});

test('openApiDocument with refreshInBody: false leaves refresh out of the pair and refresh bodies and examples', () => {
  const document = openApiDocument({ refreshCookie: { name: 'rt', path: '/api/token', secure: false, refreshInBody: false, csrfHeader: 'X-Requested-With' } });
  assert.deepEqual(schema(document, 'TokenPairResponse').required, ['access']);
  assert.equal(schema(document, 'TokenPairResponse').properties.refresh, undefined);
  assert.equal(schema(document, 'TokenRefreshResponse').properties.refresh, undefined);
  assert.doesNotMatch(JSON.stringify(post(document, '/token').responses['200']), /"refresh"/);
  assert.equal(post(document, '/token').responses['200']?.headers?.['Set-Cookie']?.schema.example, 'rt=<token>; Max-Age=86400; Path=/api/token; HttpOnly; SameSite=Strict');
  assert.equal(post(document, '/token/refresh').parameters?.[0]?.name, 'X-Requested-With');
});

test('openApiDocument refuses a bad refreshCookie as the setting does', () => {
  assert.throws(() => openApiDocument({ refreshCookie: { path: '/x' } }), /openApiDocument: refreshCookie: a __Host- cookie must have Path=\//);
  assert.throws(() => openApiDocument({ refreshCookie: true, securityNames: ['refreshCookie'] }), /taken by the refresh cookie's scheme/);
});
