import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setUpDatabase, startDemo } from '../support/demo.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { KnexFamilyStore } from '../../src/postgres/knex-family-store.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';
import { launchChromium, skipWithoutChromium } from '../support/chromium.js';

const SCREENSHOT = fileURLToPath(new URL('../../test-artifacts/login.png', import.meta.url));
const COOKIE = '__Host-refresh';
/** Shortened so the page's silent refresh happens within the test: it refreshes halfway, after 1 s. */
const ACCESS_LIFETIME = 2;

let db: TestDatabase;
let server: TestServer;
let browser: Browser | undefined;

const skip = skipWithoutChromium;

before(async () => {
  db = await setUpDatabase();
  let users;
  // The demo's recommended configuration: rotation with reuse detection, so the sessions API is mounted.
  ({ server, users } = await startDemo(db, {
    refreshCookie: true,
    accessTokenLifetime: ACCESS_LIFETIME,
    blacklistStore: new KnexBlacklistStore(db.knex),
    familyStore: new KnexFamilyStore(db.knex),
    rotateRefreshTokens: true,
    blacklistAfterRotation: true,
  }));
  await users.createUser({ username: 'demo', password: 'demo-password' });
  // Another session of the same user, from another client, for the page's sessions list.
  const other = await server.post('/api/token', { username: 'demo', password: 'demo-password' }, { 'user-agent': 'other-client/1.0' });
  assert.equal(other.status, 200);
});
after(async () => {
  await browser?.close();
  await server?.close();
  await db?.drop();
});

/** The refresh cookie as the browser holds it (all of its attributes), if it holds it. */
async function refreshCookie(context: BrowserContext) {
  return (await context.cookies(server.url)).find((cookie) => cookie.name === COOKIE);
}

/** The page's `document`, typed for what the test reads (this project compiles without the DOM library). */
interface PageDocument {
  cookie: string;
  querySelector(selector: string): { textContent: string | null } | null;
}

/** What the page's own script can see of its cookies. (Serialised into the page: no outer names.) */
const documentCookie = (page: Page): Promise<string> => page.evaluate(() => (globalThis as unknown as { document: PageDocument }).document.cookie);

test('the login page signs in, shows the user, refreshes silently, signs out, and never lets script read the refresh cookie', { skip }, async () => {
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const refreshes: number[] = [];
  page.on('response', (response) => {
    if (response.url().endsWith('/api/token/refresh')) refreshes.push(response.status());
  });

  // http://127.0.0.1 is a secure context for Chromium, so it keeps a Secure (__Host-) cookie.
  assert.equal((await page.goto(`${server.url}/`))?.status(), 200);
  await page.locator('#login').waitFor({ state: 'visible' });
  // On load the page tried to resume a session: no cookie, so no token (400 "This field is required.").
  assert.deepEqual(refreshes, [400]);

  await page.fill('input[name=password]', 'demo-password');
  await page.click('button[type=submit]');
  await page.locator('#account').waitFor({ state: 'visible' });
  assert.match(await page.locator('#user').innerText(), /^demo \(id \d+\)$/);
  // The sessions list: this browser's session and the other client's, newest first.
  await page.locator('#sessions-box').waitFor({ state: 'visible' });
  const sessions = await page.locator('#sessions li').allInnerTexts();
  assert.equal(sessions.length, 2, sessions.join('\n'));
  assert.match(sessions[0] ?? '', /^This browser: signed in /);
  assert.match(sessions[1] ?? '', /^Another session: signed in .*, other-client\/1\.0$/);
  const cookie = await refreshCookie(context);
  assert.ok(cookie, 'the browser keeps the refresh cookie');
  assert.deepEqual([cookie.httpOnly, cookie.secure, cookie.sameSite, cookie.path], [true, true, 'Strict', '/']);
  assert.doesNotMatch(await documentCookie(page), /refresh/);

  // The access token lives 2 s; the page renews it halfway, with the cookie and the CSRF header.
  await page.waitForFunction(() => Number((globalThis as unknown as { document: PageDocument }).document.querySelector('#refreshes')?.textContent) >= 1, null, { timeout: 15_000 });
  assert.equal(refreshes.at(-1), 200);
  assert.match(await page.locator('#user').innerText(), /^demo /, '/api/me answered with the renewed access token');
  assert.doesNotMatch(await documentCookie(page), /refresh/);

  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  await page.click('#logout');
  await page.locator('#login').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#status').innerText(), 'Signed out.');
  assert.equal(await refreshCookie(context), undefined, 'signing out cleared the cookie');
  assert.equal(await documentCookie(page), '');

  // A reload finds no session to resume.
  await page.reload();
  await page.locator('#login').waitFor({ state: 'visible' });
  assert.equal(refreshes.at(-1), 400);
  assert.deepEqual(errors, []);
  await context.close();
});
