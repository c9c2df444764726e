import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeOpenApi } from '../../src/openapi/merge-open-api.js';
import { openApiDocument } from '../../src/openapi/open-api-document.js';
import { demoOpenApiDocument } from '../../examples/demo/app.js';
import type { OpenApiDocument } from '../../src/openapi/open-api-types.js';

const OPERATIONS = ['token_obtain_pair', 'token_refresh', 'token_verify', 'token_blacklist', 'token_obtain_sliding', 'token_refresh_sliding'];

function userDocument(server: string | undefined): OpenApiDocument {
  return {
    openapi: '3.0.0',
    info: { title: 'shop', version: '1.0.0' },
    ...(server === undefined ? {} : { servers: [{ url: server }] }),
    paths: { '/orders': { get: { operationId: 'list_orders', responses: { 200: { description: 'Orders' } } } } },
    components: {
      schemas: { Order: { type: 'object' } },
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', description: 'Ours, in the shop' } },
    },
    tags: [{ name: 'token', description: "The shop's words for it" }],
  };
}

function operationIds(document: OpenApiDocument): string[] {
  return Object.values(document.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) => (operation as { operationId?: string }).operationId ?? []),
  );
}

test('mergeOpenApi: the demo document lists the user\'s /me operations and our six', () => {
  const document = demoOpenApiDocument({ securityNames: ['jwt', 'jwt_sliding', 'jwt_any'], blacklist: true });
  assert.deepEqual(document.servers?.map((server) => server.url), ['/api']);
  for (const path of ['/me', '/me/sliding', '/me/any']) assert.ok(document.paths[path]?.get, path);
  assert.deepEqual(operationIds(document).filter((id) => id.startsWith('token_')).sort(), [...OPERATIONS].sort());
  assert.equal(document.paths['/token']?.post !== undefined, true);
  assert.deepEqual(Object.keys(document.components?.securitySchemes ?? {}).sort(), ['jwt', 'jwt_any', 'jwt_sliding']);
  assert.ok(document.components?.schemas?.Me);
  assert.ok(document.components?.schemas?.TokenPairResponse);
});

test('mergeOpenApi writes our paths relative to the user\'s server', () => {
  const ours = openApiDocument({ prefix: '/api/auth' });
  assert.ok(mergeOpenApi(userDocument('/api'), ours).paths['/auth/token']);
  assert.ok(mergeOpenApi(userDocument('https://shop.example/api/'), ours).paths['/auth/token/refresh']);
  assert.ok(mergeOpenApi(userDocument(undefined), ours).paths['/api/auth/token']);
  assert.ok(mergeOpenApi(userDocument('/'), openApiDocument()).paths['/token']);
  // An explicit prefix wins over our document's server.
  assert.ok(mergeOpenApi(userDocument('/'), ours, { prefix: '/login' }).paths['/login/token']);
});

test('mergeOpenApi gives our paths their own servers when the prefix is outside the user\'s server path', () => {
  const merged = mergeOpenApi(userDocument('https://shop.example/v1'), openApiDocument({ prefix: '/auth' }));
  assert.deepEqual(merged.paths['/token']?.servers, [{ url: 'https://shop.example/auth' }]);
  assert.deepEqual(merged.servers, [{ url: 'https://shop.example/v1' }]);
  assert.equal(merged.paths['/orders']?.servers, undefined);
});

test('mergeOpenApi keeps the user\'s info, servers, security schemes and tags, and adds ours', () => {
  const user = userDocument('/');
  const merged = mergeOpenApi(user, openApiDocument({ securityNames: ['jwt', 'jwt_admin'] }));
  assert.deepEqual(merged.info, user.info);
  assert.equal((merged.components?.securitySchemes?.jwt as { description: string }).description, 'Ours, in the shop');
  assert.ok(merged.components?.securitySchemes?.jwt_admin);
  assert.deepEqual(merged.tags, user.tags);
  assert.ok(merged.components?.schemas?.Order);
  assert.ok(merged.components?.schemas?.FieldErrors);
  assert.deepEqual(user, userDocument('/'), 'the user document is not modified');
});

test('mergeOpenApi refuses a path, an operationId or a differing component defined by both', () => {
  const ours = openApiDocument();
  const samePath = userDocument('/');
  samePath.paths['/token'] = {};
  assert.throws(() => mergeOpenApi(samePath, ours), /both documents define the path "\/token"/);
  const sameId = userDocument('/');
  (sameId.paths['/orders']?.get as { operationId: string }).operationId = 'token_refresh';
  assert.throws(() => mergeOpenApi(sameId, ours), /operationId "token_refresh"/);
  const sameSchema = userDocument('/');
  sameSchema.components = { schemas: { FieldErrors: { type: 'string' } } };
  assert.throws(() => mergeOpenApi(sameSchema, ours), /components\.schemas\.FieldErrors/);
  // An identical component is fine.
  const identical = userDocument('/');
  identical.components = { schemas: { FieldErrors: ours.components?.schemas?.FieldErrors } };
  assert.ok(mergeOpenApi(identical, ours).paths['/token']);
});

test('mergeOpenApi: appPrefix puts the own routes where the app mounts them when tsoa wrote the server "/"', () => {
  const merged = mergeOpenApi(userDocument('/'), openApiDocument({ prefix: '/api' }), { appPrefix: '/api' });
  assert.deepEqual(merged.servers, [{ url: '/api' }]);
  assert.ok('/orders' in merged.paths && '/token' in merged.paths, Object.keys(merged.paths).join(', '));
  const untouched = mergeOpenApi(userDocument('/shop'), openApiDocument({ prefix: '/shop' }), { appPrefix: '/api' });
  assert.deepEqual(untouched.servers, [{ url: '/shop' }], 'a basePath tsoa wrote wins');
});

test('mergeOpenApi: a security name used by an own operation but missing from its securityDefinitions gets a scheme', () => {
  const user = userDocument('/api');
  user.paths['/orders'] = { get: { operationId: 'list_orders', security: [{ jwt_admin: ['admin'] }, { jwt: [] }], responses: { 200: { description: 'Orders' } } } };
  const merged = mergeOpenApi(user, openApiDocument({ prefix: '/api', securityNames: ['jwt', 'jwt_sliding'] }));
  const schemes = (merged.components as { securitySchemes: Record<string, { type: string; scheme?: string; description?: string }> }).securitySchemes;
  assert.equal(schemes.jwt_admin?.type, 'http');
  assert.equal(schemes.jwt_admin?.scheme, 'bearer');
  assert.equal(schemes.jwt?.description, 'Ours, in the shop', "the user's own definition is kept");
  assert.ok(schemes.jwt_sliding, 'ours are added as before');
});
