import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSimpleJwt } from '../../src/create-simple-jwt.js';
import { parseAuthorizationHeader } from '../../src/authentication/parse-authorization-header.js';
import { openApiDocument } from '../../src/openapi/open-api-document.js';
import type { OpenApiDocument } from '../../src/openapi/open-api-types.js';

const committed = JSON.parse(readFileSync(new URL('../../spec/openapi.json', import.meta.url), 'utf8')) as OpenApiDocument;
const SIX = ['/token', '/token/refresh', '/token/verify', '/token/blacklist', '/token/sliding', '/token/sliding/refresh'];

test('openApiDocument returns spec/openapi.json with the mount prefix as its server', () => {
  const document = openApiDocument({ prefix: '/api' });
  assert.deepEqual(document.servers?.map((server) => server.url), ['/api']);
  assert.deepEqual(Object.keys(document.paths).sort(), [...SIX].sort());
  assert.deepEqual(document.paths, Object.fromEntries(Object.entries(committed.paths).filter(([path]) => SIX.includes(path))));
  const { SessionResponse, RevokedSessionsResponse, ...tokenSchemas } = committed.components?.schemas ?? {};
  assert.ok(SessionResponse && RevokedSessionsResponse);
  assert.deepEqual(document.components?.schemas, tokenSchemas);
});

test('openApiDocument includes the sessions endpoints only with sessions true', () => {
  const sessions = ['/token/sessions', '/token/sessions/{id}', '/token/sessions/revoke-others', '/token/logout-all'];
  const document = openApiDocument({ prefix: '/api', sessions: true });
  assert.deepEqual(Object.keys(document.paths).sort(), [...SIX, ...sessions].sort());
  assert.deepEqual(document.paths, committed.paths);
  assert.deepEqual(document.tags?.map((tag) => tag.name), ['token', 'sessions']);
  assert.deepEqual(Object.keys(document.components?.securitySchemes ?? {}), ['jwt']);
  assert.deepEqual(openApiDocument({ prefix: '/api' }).tags?.map((tag) => tag.name), ['token']);
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

interface Scheme {
  type: string;
  in?: string;
  name?: string;
  scheme?: string;
  bearerFormat?: string;
  description: string;
}

function schemesOf(document: OpenApiDocument): Record<string, Scheme> {
  return (document.components?.securitySchemes ?? {}) as Record<string, Scheme>;
}

test('openApiDocument keeps the HTTP bearer scheme for the default header and keyword, in any header case', () => {
  const defaults = schemesOf(openApiDocument()).jwt;
  assert.deepEqual(defaults, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A token accepted by the security name "jwt", sent as `Authorization: Bearer <token>`.',
  });
  assert.deepEqual(schemesOf(openApiDocument({ authHeaderTypes: ['Bearer'], authHeaderName: 'authorization' })).jwt, defaults);
  assert.deepEqual(schemesOf(openApiDocument({ authHeaderTypes: 'Bearer', authHeaderName: 'HTTP_AUTHORIZATION' })).jwt, defaults);
  // Bearer first, another keyword accepted too: still bearer, and the description names both.
  const both = schemesOf(openApiDocument({ authHeaderTypes: ['Bearer', 'JWT'] })).jwt;
  assert.equal(both?.type, 'http');
  assert.match(both?.description ?? '', /also accepted: `JWT <token>`/);
});

test('openApiDocument makes every security name an apiKey scheme on Authorization with authHeaderTypes ["JWT"]', () => {
  const schemes = schemesOf(openApiDocument({ securityNames: ['jwt', 'jwt_sliding'], authHeaderTypes: ['JWT'] }));
  assert.deepEqual(Object.keys(schemes), ['jwt', 'jwt_sliding']);
  for (const scheme of Object.values(schemes)) {
    assert.deepEqual({ ...scheme, description: undefined }, { type: 'apiKey', in: 'header', name: 'Authorization', description: undefined });
    assert.match(scheme.description, /Send `JWT <token>` as the `Authorization` header/);
    assert.doesNotMatch(scheme.description, /Bearer/);
  }
});

test('openApiDocument makes the scheme an apiKey on the configured authHeaderName, naming every accepted keyword', () => {
  const custom = schemesOf(openApiDocument({ authHeaderName: 'x-access-token' })).jwt;
  assert.deepEqual({ ...custom, description: undefined }, { type: 'apiKey', in: 'header', name: 'x-access-token', description: undefined });
  assert.match(custom?.description ?? '', /Send `Bearer <token>` as the `x-access-token` header/);
  const django = schemesOf(openApiDocument({ authHeaderName: 'HTTP_X_ACCESS_TOKEN', authHeaderTypes: ['JWT', 'Token'] })).jwt;
  assert.equal(django?.name, 'x-access-token');
  assert.match(django?.description ?? '', /Send `JWT <token>` .*also accepted: `Token <token>`/);
});

test('openApiDocument uses apiKey for a lower-case "bearer" keyword, which the app matches case-sensitively', () => {
  const scheme = schemesOf(openApiDocument({ authHeaderTypes: ['bearer'] })).jwt;
  assert.equal(scheme?.type, 'apiKey');
  assert.match(scheme?.description ?? '', /`bearer <token>`/);
  // What a bearer client would send is not accepted; what the description says is.
  assert.equal(parseAuthorizationHeader('Bearer abc.def.ghi', ['bearer']), null);
  assert.equal(parseAuthorizationHeader('bearer abc.def.ghi', ['bearer']), 'abc.def.ghi');
});

test('openApiDocument given an instance\'s settings describes the header and value the instance accepts', () => {
  const jwt = createSimpleJwt({ signingKey: 'a-signing-key-that-is-32-bytes-long', authHeaderTypes: ['JWT'], authHeaderName: 'HTTP_X_ACCESS_TOKEN' });
  const scheme = schemesOf(openApiDocument({ authHeaderTypes: jwt.settings.authHeaderTypes, authHeaderName: jwt.settings.authHeaderName })).jwt;
  assert.equal(scheme?.type, 'apiKey');
  assert.equal(scheme?.name, jwt.settings.authHeaderName);
  const value = /Send `([^`]+)`/.exec(scheme?.description ?? '')?.[1]?.replace('<token>', 'abc.def.ghi');
  assert.equal(parseAuthorizationHeader(value, jwt.settings.authHeaderTypes), 'abc.def.ghi');
});

test('openApiDocument rejects a bad authHeaderTypes or authHeaderName with a TypeError naming it', () => {
  assert.throws(() => openApiDocument({ authHeaderTypes: [] }), { name: 'TypeError', message: /authHeaderTypes/ });
  assert.throws(() => openApiDocument({ authHeaderTypes: ['Bearer token'] }), { name: 'TypeError', message: /authHeaderTypes/ });
  assert.throws(() => openApiDocument({ authHeaderName: 'X Access' }), { name: 'TypeError', message: /authHeaderName/ });
  assert.throws(() => openApiDocument({ authHeaderName: '' }), { name: 'TypeError', message: /authHeaderName/ });
});
