import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deriveKoaRouteTemplate } from '../../src/koa/tsoa-route-template.js';

const require = createRequire(import.meta.url);
const installed = readFileSync(join(dirname(require.resolve('@tsoa/cli/package.json')), 'dist/routeGeneration/templates/koa.hbs'), 'utf8');

test('deriveKoaRouteTemplate adapts the installed tsoa template: router import, recast kept, one-name fast path', () => {
  const template = deriveKoaRouteTemplate(installed);
  assert.match(template, /import type \{ Router as KoaRouter \} from '@koa\/router';/);
  assert.doesNotMatch(template, /import type \* as KoaRouter/);
  assert.match(template, /void koaAuthenticationRecasted;/);
  assert.match(template, /runSingleAuthenticationMiddleware/);
  // tsoa's general case stays for routes with several security names.
  assert.match(template, /Promise\.any\(secMethodOrPromises\)/);
});

test('deriveKoaRouteTemplate fails loudly, naming what it missed, when tsoa changes its template', () => {
  assert.throws(() => deriveKoaRouteTemplate(installed.replace("import type * as KoaRouter from '@koa/router';", '')), /KoaRouter/);
  assert.throws(() => deriveKoaRouteTemplate('{{! empty }}'), /authenticateMiddleware/);
});

test('the committed demo routes use the fast path (they were generated with this template)', () => {
  const routes = readFileSync(new URL('../../examples/demo/generated/routes.ts', import.meta.url), 'utf8');
  assert.match(routes, /runSingleAuthenticationMiddleware/);
});
