import { after, before, describe, test } from 'node:test';
import { request as httpRequest } from 'node:http';
import assert from 'node:assert/strict';
import { ITERATIONS, ManualClock, SIGNING_KEY, setUpDatabase, startDemo } from '../support/demo.js';
import { claimsOf, serve } from '../support/http.js';
import { createDemoApp } from '../../examples/demo/app.js';
import { createSimpleJwt, KnexBlacklistStore, SettingsError } from '../../src/index.js';
import type { SimpleJwtOptions } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestResponse, TestServer } from '../support/http.js';

const CREDENTIALS = { username: 'carol', password: 'carol-password' };
const ATTRIBUTES = 'Path=/; Secure; HttpOnly; SameSite=Strict';
const CLEARED = `__Host-refresh=; Max-Age=0; ${ATTRIBUTES}`;
const CSRF = { 'x-csrf-protection': '1' };

let db: TestDatabase;
const servers: TestServer[] = [];
before(async () => {
  db = await setUpDatabase();
  const { users } = await start({});
  await users.createUser(CREDENTIALS);
});
after(async () => {
  for (const server of servers) await server.close();
  await db?.drop();
});

async function start(settings: Omit<SimpleJwtOptions, 'signingKey' | 'userStore'>) {
  // A clock of its own: Max-Age is exp minus now, which a real clock could tick between.
  const started = await startDemo(db, { refreshCookie: true, blacklistStore: new KnexBlacklistStore(db.knex), clock: new ManualClock(), ...settings });
  servers.push(started.server);
  return started;
}

/** The cookie's value as a browser would send it back, from a Set-Cookie header. */
function cookieFrom(response: TestResponse): string {
  const header = response.headers.get('set-cookie') ?? '';
  const pair = header.split(';')[0] ?? '';
  assert.match(pair, /^__Host-refresh=./);
  return pair;
}

/** A POST through node:http: fetch does not let a caller set `Origin`, a browser's header. */
function rawPost(url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('refreshCookie on the obtain endpoints', () => {
  test('POST /token sets __Host-refresh with exactly these attributes and Max-Age the refresh lifetime', async () => {
    const { server } = await start({});
    const response = await server.post('/api/token', CREDENTIALS);
    assert.equal(response.status, 200);
    const body = response.body as { refresh: string; access: string };
    assert.equal(response.headers.get('set-cookie'), `__Host-refresh=${body.refresh}; Max-Age=86400; ${ATTRIBUTES}`);
  });

  test('refreshInBody: false leaves only the access token in the body', async () => {
    const { server } = await start({ refreshCookie: { refreshInBody: false } });
    const response = await server.post('/api/token', CREDENTIALS);
    assert.deepEqual(Object.keys(response.body as object), ['access']);
    assert.equal(claimsOf(cookieFrom(response).split('=')[1]).token_type, 'refresh');
  });

  test('a name without __Host- may narrow the path, drop Secure and use SameSite=Lax', async () => {
    const { server } = await start({ refreshCookie: { name: 'refresh', path: '/api/token', secure: false, sameSite: 'Lax' } });
    const response = await server.post('/api/token', CREDENTIALS);
    const { refresh } = response.body as { refresh: string };
    assert.equal(response.headers.get('set-cookie'), `refresh=${refresh}; Max-Age=86400; Path=/api/token; HttpOnly; SameSite=Lax`);
  });

  test('POST /token/sliding sets the sliding token as the cookie and keeps it in the body', async () => {
    const { server } = await start({ refreshCookie: { refreshInBody: false } });
    const response = await server.post('/api/token/sliding', CREDENTIALS);
    const { token } = response.body as { token: string };
    assert.equal(response.headers.get('set-cookie'), `__Host-refresh=${token}; Max-Age=300; ${ATTRIBUTES}`);
  });

  test('a failed login sets no cookie', async () => {
    const { server } = await start({});
    const response = await server.post('/api/token', { ...CREDENTIALS, password: 'wrong' });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('set-cookie'), null);
  });
});

describe('refresh and blacklist from the cookie', () => {
  test('POST /token/refresh with only the cookie and the CSRF header answers a new access token', async () => {
    const { server } = await start({ refreshCookie: { refreshInBody: false } });
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    const response = await server.request('/api/token/refresh', { method: 'POST', headers: { cookie, ...CSRF } });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body as object), ['access']);
    assert.equal(response.headers.get('set-cookie'), null, 'no rotation: the cookie stays as it is');
  });

  test('with rotation, the rotated refresh token replaces the cookie, with its remaining lifetime', async () => {
    const clock = new ManualClock();
    const { server } = await start({ clock, rotateRefreshTokens: true, blacklistAfterRotation: true, refreshCookie: { refreshInBody: false } });
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    clock.advance(100);
    const response = await server.post('/api/token/refresh', {}, { cookie, ...CSRF });
    assert.equal(response.status, 200);
    const rotated = cookieFrom(response);
    assert.notEqual(rotated, cookie);
    assert.match(response.headers.get('set-cookie') ?? '', /; Max-Age=86400; /);
    // The old cookie was consumed: sent again, it is refused and cleared.
    const again = await server.post('/api/token/refresh', {}, { cookie, ...CSRF });
    assert.deepEqual([again.status, again.body, again.headers.get('set-cookie')], [401, { detail: 'Token is blacklisted', code: 'token_not_valid' }, CLEARED]);
  });

  test('POST /token/sliding/refresh renews the sliding token from the cookie', async () => {
    const clock = new ManualClock();
    const { server } = await start({ clock });
    const cookie = cookieFrom(await server.post('/api/token/sliding', CREDENTIALS));
    clock.advance(60);
    const response = await server.post('/api/token/sliding/refresh', {}, { cookie, ...CSRF });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('set-cookie'), `__Host-refresh=${(response.body as { token: string }).token}; Max-Age=300; ${ATTRIBUTES}`);
  });

  test('an expired cookie is refused with 401 and cleared', async () => {
    const clock = new ManualClock();
    const { server } = await start({ clock });
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    clock.advance(86401);
    const response = await server.post('/api/token/refresh', {}, { cookie, ...CSRF });
    assert.deepEqual([response.status, response.body, response.headers.get('set-cookie')], [401, { detail: 'Token is expired', code: 'token_not_valid' }, CLEARED]);
  });

  test('a refresh token refused from the body leaves the cookie alone (only log out or a refused cookie clears it)', async () => {
    const clock = new ManualClock();
    const { server } = await start({ clock });
    const { refresh } = (await server.post('/api/token', CREDENTIALS)).body as { refresh: string };
    const cookie = `__Host-refresh=${refresh}`;
    clock.advance(86401);
    const response = await server.post('/api/token/refresh', { refresh });
    assert.deepEqual([response.status, response.headers.get('set-cookie')], [401, null]);
    const same = await server.post('/api/token/refresh', { refresh }, { cookie });
    assert.deepEqual([same.status, same.headers.get('set-cookie')], [401, null], 'the body token, the same as the cookie\'s');
  });

  test('a body token wins over the cookie and needs no CSRF header; a different one is a 400', async () => {
    const { server } = await start({});
    const first = await server.post('/api/token', CREDENTIALS);
    const cookie = cookieFrom(first);
    const { refresh } = first.body as { refresh: string };
    assert.equal((await server.post('/api/token/refresh', { refresh }, { cookie })).status, 200);
    const other = (await server.post('/api/token', CREDENTIALS)).body as { refresh: string };
    const mismatch = await server.post('/api/token/refresh', { refresh: other.refresh }, { cookie, ...CSRF });
    assert.deepEqual([mismatch.status, mismatch.body], [400, { refresh: ['Does not match the refresh cookie.'] }]);
    const blank = await server.post('/api/token/refresh', { refresh: ' ' }, { cookie, ...CSRF });
    assert.deepEqual([blank.status, blank.body], [400, { refresh: ['This field may not be blank.'] }]);
  });

  test('without the cookie or a body token, the field is required as before', async () => {
    const { server } = await start({});
    const response = await server.post('/api/token/refresh', {}, CSRF);
    assert.deepEqual([response.status, response.body], [400, { refresh: ['This field is required.'] }]);
  });

  test('without the cookie, a refresh without the CSRF header is the field\'s 400, not a CSRF 403', async () => {
    const { server } = await start({});
    const response = await server.post('/api/token/refresh', {});
    assert.deepEqual([response.status, response.body], [400, { refresh: ['This field is required.'] }]);
  });

  test('reads the cookie on the documented trailing-slash path too', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    assert.equal((await server.post('/api/token/refresh/', {}, { cookie })).status, 403, 'the CSRF header is still required');
    assert.equal((await server.post('/api/token/refresh/', {}, { cookie, ...CSRF })).status, 200);
  });

  test('a login from a browser that holds the cookie needs no CSRF header and replaces the cookie', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    const again = await server.post('/api/token', CREDENTIALS, { cookie });
    assert.equal(again.status, 200);
    assert.equal(cookieFrom(again), `__Host-refresh=${(again.body as { refresh: string }).refresh}`);
    const sliding = await server.post('/api/token/sliding', CREDENTIALS, { cookie });
    assert.equal(sliding.status, 200);
    assert.equal(cookieFrom(sliding), `__Host-refresh=${(sliding.body as { token: string }).token}`);
  });

  test('leaves the routes that take no refresh token alone: POST /token/verify with the cookie', async () => {
    const { server } = await start({});
    const first = await server.post('/api/token', CREDENTIALS);
    const response = await server.post('/api/token/verify', { token: (first.body as { access: string }).access }, { cookie: cookieFrom(first) });
    assert.deepEqual([response.status, response.body, response.headers.get('set-cookie')], [200, {}, null]);
  });

  test('reads the cookie in an app with app.keys (it is not a signed cookie)', async () => {
    const { app } = createDemoApp({ knex: db.knex, signingKey: SIGNING_KEY, settings: { refreshCookie: true, clock: new ManualClock() }, iterations: ITERATIONS });
    app.silent = true;
    app.keys = ['an-app-cookie-signing-key'];
    const server = await serve(app);
    servers.push(server);
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    const response = await server.post('/api/token/refresh', {}, { cookie, ...CSRF });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  test('only POST reads the cookie: another method on a token route is the router\'s 405', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    const response = await server.request('/api/token/refresh', { method: 'PUT', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('set-cookie'), null);
  });

  test('a body token equal to the cookie but for surrounding spaces is the same token', async () => {
    const { server } = await start({});
    const first = await server.post('/api/token', CREDENTIALS);
    const cookie = cookieFrom(first);
    const { refresh } = first.body as { refresh: string };
    assert.equal((await server.post('/api/token/refresh', { refresh: ` ${refresh} ` }, { cookie })).status, 200);
  });

  test('a body that is not a JSON object (null included) is DRF\'s 400 even with the cookie: the cookie fills no field of it', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    for (const [body, type] of [['[]', 'list'], ['"x"', 'str'], ['5', 'int']] as const) {
      const response = await server.request('/api/token/refresh', { method: 'POST', headers: { cookie, ...CSRF, 'content-type': 'application/json' }, body });
      assert.deepEqual([response.status, response.body], [400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${type}.`] }], body);
    }
    // A JSON null is DRF's "No data provided", with the cookie as without it (not an empty body).
    for (const headers of [{ cookie, ...CSRF }, {}]) {
      const response = await server.request('/api/token/refresh', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: 'null' });
      assert.deepEqual([response.status, response.body], [400, { non_field_errors: ['No data provided'] }], JSON.stringify(headers));
    }
  });

  test('a body token that is neither text nor a number gets the field\'s own 400, not a mismatch', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    for (const refresh of [true, {}]) {
      const response = await server.post('/api/token/refresh', { refresh }, { cookie, ...CSRF });
      assert.deepEqual([response.status, response.body], [400, { refresh: ['Not a valid string.'] }], JSON.stringify(refresh));
    }
  });

  test('a numeric body token is compared with the cookie as its text: a mismatch', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    const response = await server.post('/api/token/refresh', { refresh: 12 }, { cookie, ...CSRF });
    assert.deepEqual([response.status, response.body], [400, { refresh: ['Does not match the refresh cookie.'] }]);
  });
});

describe('CSRF checks on cookie-borne requests', () => {
  test('refuses a cookie-borne refresh without the CSRF header (403, DRF\'s body shape)', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    const response = await server.post('/api/token/refresh', {}, { cookie });
    assert.deepEqual([response.status, response.body], [403, { detail: 'CSRF Failed: X-CSRF-Protection header missing.' }]);
    assert.equal(response.headers.get('set-cookie'), null, 'a refused CSRF check does not log the user out');
  });

  test('refuses an Origin that is neither the API\'s nor trusted, and accepts both of those', async () => {
    const { server } = await start({ refreshCookie: { trustedOrigins: ['https://app.example.com'] } });
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    const url = `${server.url}/api/token/refresh`;
    const evil = await rawPost(url, { cookie, ...CSRF, origin: 'https://evil.example' });
    assert.deepEqual([evil.status, evil.body], [403, { detail: 'CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins.' }]);
    assert.equal((await rawPost(url, { cookie, ...CSRF, origin: 'null' })).status, 403);
    for (const origin of ['https://app.example.com', server.url]) {
      assert.equal((await rawPost(url, { cookie, ...CSRF, origin })).status, 200, origin);
    }
  });

  test('reads the CSRF header name from the settings', async () => {
    const { server } = await start({ refreshCookie: { csrfHeader: 'X-Requested-With' } });
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    assert.deepEqual((await server.post('/api/token/refresh', {}, { cookie, ...CSRF })).body, { detail: 'CSRF Failed: X-Requested-With header missing.' });
    assert.equal((await server.post('/api/token/refresh', {}, { cookie, 'x-requested-with': 'XMLHttpRequest' })).status, 200);
  });

  test('checks a cookie-borne log out too', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    assert.equal((await server.post('/api/token/blacklist', {}, { cookie })).status, 403);
  });
});

describe('log out (POST /token/blacklist)', () => {
  test('blacklists the cookie\'s token and clears the cookie; the cookie is then refused', async () => {
    const { server } = await start({});
    const cookie = cookieFrom(await server.post('/api/token', CREDENTIALS));
    const response = await server.post('/api/token/blacklist', {}, { cookie, ...CSRF });
    assert.deepEqual([response.status, response.body, response.headers.get('set-cookie')], [200, {}, CLEARED]);
    const refused = await server.post('/api/token/refresh', {}, { cookie, ...CSRF });
    assert.deepEqual([refused.status, refused.headers.get('set-cookie')], [401, CLEARED]);
  });

  test('clears the cookie when the token came in the body', async () => {
    const { server } = await start({});
    const { refresh } = (await server.post('/api/token', CREDENTIALS)).body as { refresh: string };
    const response = await server.post('/api/token/blacklist', { refresh });
    assert.deepEqual([response.status, response.headers.get('set-cookie')], [200, CLEARED]);
  });

  test('a log out refused for its body (400) keeps the cookie: only a 401 clears it', async () => {
    const { server } = await start({});
    const response = await server.post('/api/token/blacklist', { refresh: true });
    assert.deepEqual([response.status, response.body, response.headers.get('set-cookie')], [400, { refresh: ['Not a valid string.'] }, null]);
  });

  test('clears the cookie when a body token is refused (401), whatever the cookie holds', async () => {
    const { server } = await start({});
    const { refresh } = (await server.post('/api/token', CREDENTIALS)).body as { refresh: string };
    assert.equal((await server.post('/api/token/blacklist', { refresh })).status, 200);
    const again = await server.post('/api/token/blacklist', { refresh });
    assert.deepEqual([again.status, again.headers.get('set-cookie')], [401, CLEARED]);
  });
});

describe('the served OpenAPI document', () => {
  test('GET /api/openapi.json describes the cookie when the setting is on, and not when it is off', async () => {
    const on = (await (await start({ refreshCookie: { refreshInBody: false } })).server.request('/api/openapi.json')).body as { components: { securitySchemes: Record<string, { in?: string; name?: string }> } };
    assert.deepEqual([on.components.securitySchemes.refreshCookie?.in, on.components.securitySchemes.refreshCookie?.name], ['cookie', '__Host-refresh']);
    const off = (await (await start({ refreshCookie: false })).server.request('/api/openapi.json')).body as typeof on;
    assert.equal(off.components.securitySchemes.refreshCookie, undefined);
  });
});

describe('refreshCookie settings', () => {
  const base = { signingKey: 'test-signing-key-of-at-least-32-bytes!!' };
  for (const [label, refreshCookie, pattern] of [
    ['a __Host- name with a narrower path', { path: '/api/token' }, /__Host- cookie must have Path=\//],
    ['a __Host- name without Secure', { secure: false }, /must be Secure/],
    ['SameSite=None', { sameSite: 'None' }, /sameSite must be "Strict" or "Lax"/],
    ['an origin with a path', { trustedOrigins: ['https://app.example.com/login'] }, /is not an origin/],
    ['an unknown option', { refreshInbody: false }, /unknown option "refreshInbody"/],
  ] as const) {
    test(`refuses ${label} at startup, naming refreshCookie`, () => {
      assert.throws(() => createSimpleJwt({ ...base, refreshCookie: refreshCookie as never }), (error: unknown) => error instanceof SettingsError && error.setting === 'refreshCookie' && pattern.test(error.message));
    });
  }
});
