import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import Koa from 'koa';
import { openApiRoute } from '../../src/koa/open-api-route.js';
import { openApiDocument } from '../../src/openapi/open-api-document.js';
import { serve } from '../support/http.js';
import type { TestServer } from '../support/http.js';

let server: TestServer;

before(async () => {
  const app = new Koa();
  app.use(openApiRoute({ path: '/api/openapi.json', document: openApiDocument({ prefix: '/api' }) }));
  app.use((ctx) => {
    ctx.body = 'next';
  });
  server = await serve(app);
});
after(() => server?.close());

test('openApiRoute answers GET on its path with the document as JSON', async () => {
  const response = await server.request('/api/openapi.json');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const document = response.body as { openapi: string; servers: { url: string }[]; paths: object };
  assert.equal(document.openapi, '3.0.0');
  assert.deepEqual(document.servers.map((entry) => entry.url), ['/api']);
  assert.ok('/token/refresh' in document.paths);
});

test('openApiRoute answers 304 to a request that holds the current ETag', async () => {
  const first = await server.request('/api/openapi.json');
  const etag = first.headers.get('etag');
  assert.ok(etag);
  // node:http rather than fetch: fetch adds `Cache-Control: no-cache` to a conditional request,
  // which (rightly) makes the server answer in full.
  const status = await new Promise<number | undefined>((resolve, reject) => {
    get(`${server.url}/api/openapi.json`, { headers: { 'if-none-match': etag } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
  assert.equal(status, 304);
  const stale = await new Promise<number | undefined>((resolve, reject) => {
    get(`${server.url}/api/openapi.json`, { headers: { 'if-none-match': '"other"' } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
  assert.equal(stale, 200);
});

test('openApiRoute answers HEAD without a body and leaves other paths and methods to next', async () => {
  const head = await server.request('/api/openapi.json', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.equal((await server.request('/api/openapi.json/x')).text, 'next');
  assert.equal((await server.request('/api/openapi.json', { method: 'POST' })).text, 'next');
});

test('openApiRoute rejects a path that is not a path and a document that is not OpenAPI', () => {
  const document = openApiDocument();
  assert.throws(() => openApiRoute({ path: 'openapi.json', document }), TypeError);
  assert.throws(() => openApiRoute({ path: '/', document }), TypeError);
  assert.throws(() => openApiRoute({ path: '/openapi.json', document: {} as typeof document }), /must be an OpenAPI document/);
});
