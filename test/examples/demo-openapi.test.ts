import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setUpDatabase, startDemo } from '../support/demo.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';
import { launchChromium, skipWithoutChromium } from '../support/chromium.js';

const SCREENSHOT = fileURLToPath(new URL('../../test-artifacts/docs.png', import.meta.url));
const OPERATIONS = ['token_obtain_pair', 'token_refresh', 'token_verify', 'token_blacklist', 'token_obtain_sliding', 'token_refresh_sliding'];

let db: TestDatabase;
let server: TestServer;

before(async () => {
  db = await setUpDatabase();
  ({ server } = await startDemo(db));
});
after(async () => {
  await server?.close();
  await db?.drop();
});

test('GET /api/openapi.json serves the demo\'s merged document: its /me operations and our token routes', async () => {
  const response = await server.request('/api/openapi.json');
  assert.equal(response.status, 200);
  const document = response.body as { servers: { url: string }[]; paths: Record<string, Record<string, { operationId?: string }>>; components: { securitySchemes: object } };
  assert.deepEqual(document.servers.map((entry) => entry.url), ['/api']);
  assert.deepEqual(Object.keys(document.paths).filter((path) => path.startsWith('/me')), ['/me', '/me/notes', '/me/sliding', '/me/any']);
  // The demo has no blacklist store, so POST /token/blacklist is neither mounted nor listed.
  const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
  assert.deepEqual(ids.filter((id) => id?.startsWith('token_')).sort(), OPERATIONS.filter((id) => id !== 'token_blacklist').sort());
  assert.equal((await server.post('/api/token/blacklist', { refresh: 'x' })).status, 404);
  assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), ['jwt', 'jwt_any', 'jwt_sliding']);
  // Every listed token path is really served there.
  for (const path of Object.keys(document.paths).filter((each) => each.startsWith('/token'))) {
    assert.equal((await server.post(`/api${path}`, {})).status, 400, path);
  }
});

test(
  'GET /api/docs renders every operation in headless Chromium, offline',
  { skip: skipWithoutChromium },
  async () => {
    // With a blacklist store all six operations are mounted and documented.
    const blacklisting = await startDemo(db, { blacklistStore: new KnexBlacklistStore(db.knex) });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const elsewhere: string[] = [];
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(blacklisting.server.url) || url.startsWith('data:')) return route.continue();
        elsewhere.push(url);
        return route.abort();
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      const response = await page.goto(`${blacklisting.server.url}/api/docs`);
      assert.equal(response?.status(), 200);
      for (const id of OPERATIONS) {
        const block = page.locator(`#operations-token-${id}`);
        await block.waitFor({ state: 'visible', timeout: 20_000 });
        assert.match(await block.locator('.opblock-summary-method').innerText(), /POST/);
      }
      // The app's own operations (tsoa names them after the methods) are on the same page.
      for (const id of ['Me', 'MeBySlidingToken', 'MeByAnyToken']) {
        await page.locator(`#operations-demo-${id}`).waitFor({ state: 'attached', timeout: 20_000 });
        assert.equal(await page.locator(`#operations-demo-${id}`).count(), 1, id);
      }
      // Open one operation: its summary, request example and error responses are on the page.
      // Swagger UI shows the block first and fills it over the next frames (the example and the
      // responses table come later), so wait until the text we check is there, not for the block.
      await page.locator('#operations-token-token_obtain_pair .opblock-summary').click();
      const selector = '#operations-token-token_obtain_pair .opblock-body';
      const statuses = ['200', '400', '401', '415', '503'];
      await page
        .waitForFunction(
          ({ selector, statuses }) => {
            // Runs in the page (this project's tsconfig has no DOM types).
            const { document } = globalThis as unknown as { document: { querySelector(selector: string): { innerText: string } | null } };
            const text = document.querySelector(selector)?.innerText ?? '';
            return /correct horse battery staple/.test(text) && statuses.every((status) => new RegExp(`\\b${status}\\b`).test(text));
          },
          { selector, statuses },
          { timeout: 20_000 },
        )
        // On a timeout, the assertions below say what the block held instead.
        .catch(() => undefined);
      const text = await page.locator(selector).innerText();
      assert.match(text, /correct horse battery staple/);
      for (const status of statuses) assert.match(text, new RegExp(`\\b${status}\\b`));
      assert.match(await page.locator('.info .title').innerText(), /koa-simple-jwt demo/);

      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      assert.deepEqual(elsewhere, [], 'the page asked for nothing outside the app');
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await blacklisting.server.close();
    }
  },
);
