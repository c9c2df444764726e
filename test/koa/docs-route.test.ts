import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Koa from 'koa';
import { docsRoute } from '../../src/koa/docs-route.js';
import { serve } from '../support/http.js';
import type { TestServer } from '../support/http.js';

const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
let server: TestServer;

before(async () => {
  const app = new Koa();
  app.use(docsRoute({ path: '/api/docs', specUrl: '/api/openapi.json?v=1&x="</script>', title: 'Shop <API>' }));
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = 'next';
  });
  server = await serve(app);
});
after(() => server?.close());

test('docsRoute serves the page at its path, with or without a trailing slash', async () => {
  for (const path of ['/api/docs', '/api/docs/']) {
    const page = await server.request(path);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.text, /<title>Shop &#60;API&#62;<\/title>/);
    assert.match(page.text, /<script src="\/api\/docs\/swagger-ui-bundle\.js"><\/script>/);
    assert.match(page.text, /<link rel="stylesheet" href="\/api\/docs\/swagger-ui\.css">/);
    // Everything the page loads is on this server: no absolute URL anywhere.
    assert.doesNotMatch(page.text, /https?:\/\//);
  }
});

test('docsRoute serves Swagger UI\'s files from the swagger-ui-dist package', async () => {
  const bundle = await server.request('/api/docs/swagger-ui-bundle.js');
  assert.equal(bundle.status, 200);
  assert.match(bundle.headers.get('content-type') ?? '', /^text\/javascript/);
  assert.equal(bundle.text, await readFile(join(swaggerUi, 'swagger-ui-bundle.js'), 'utf8'));
  const css = await server.request('/api/docs/swagger-ui.css');
  assert.match(css.headers.get('content-type') ?? '', /^text\/css/);
  const icon = await server.request('/api/docs/favicon-32x32.png');
  assert.equal(icon.headers.get('content-type'), 'image/png');
});

test('docsRoute starts Swagger UI on the spec URL, escaped, with the online validator off', async () => {
  const init = await server.request('/api/docs/init.js');
  assert.equal(init.status, 200);
  assert.match(init.text, /url: "\/api\/openapi\.json\?v=1&x=\\"\\u003c\/script>"/);
  assert.match(init.text, /validatorUrl: null/);
});

test('docsRoute leaves other files of the package, other paths and other methods to next', async () => {
  for (const path of ['/api/docs/index.html', '/api/docs/package.json', '/api/docs/../package.json', '/api/docsx', '/api']) {
    assert.equal((await server.request(path)).text, 'next', path);
  }
  assert.equal((await server.request('/api/docs', { method: 'POST' })).text, 'next');
});

test('docsRoute rejects a root path and a missing spec URL', () => {
  assert.throws(() => docsRoute({ path: '/', specUrl: '/openapi.json' }), TypeError);
  assert.throws(() => docsRoute({ path: 'docs', specUrl: '/openapi.json' }), TypeError);
  assert.throws(() => docsRoute({ path: '/docs', specUrl: '' }), /specUrl/);
});
