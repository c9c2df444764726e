import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { ManualClock, setUpDatabase, startDemo } from '../support/demo.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';

// Headers and bodies as the reference Simple JWT server (DRF 3.14) sends them.
const clock = new ManualClock();
let db: TestDatabase;
let server: TestServer;

before(async () => {
  db = await setUpDatabase();
  let users;
  ({ server, users } = await startDemo(db, { clock, blacklistStore: new KnexBlacklistStore(db.knex), rotateRefreshTokens: true }));
  await users.createUser({ username: 'alice', password: 'alice-password' });
});
after(async () => {
  await server?.close();
  await db?.drop();
});

/** A raw request: fetch refuses methods such as TRACE. */
function raw(method: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(server.url + path, { method }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
    });
    request.on('error', reject);
    request.end();
  });
}

const PARSES = ['application/json', 'application/x-www-form-urlencoded'];
const field = (label: string, readOnly = false) => ({ type: 'string', required: !readOnly, read_only: readOnly, label });

describe('headers of every token view answer', () => {
  test('a 200, a 400, a 401 and a 405 all carry Content-Type application/json and Allow: POST, OPTIONS', async () => {
    const ok = await server.post('/api/token', { username: 'alice', password: 'alice-password' });
    const invalid = await server.post('/api/token/refresh', {});
    const refused = await server.post('/api/token/verify', { token: 'x' });
    const wrongMethod = await server.request('/api/token/refresh', { method: 'PUT' });
    for (const [response, status] of [[ok, 200], [invalid, 400], [refused, 401], [wrongMethod, 405]] as const) {
      assert.equal(response.status, status);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.headers.get('allow'), 'POST, OPTIONS');
    }
    assert.deepEqual(refused.body, { detail: 'Token is invalid', code: 'token_not_valid' });
  });

  test('an error rendered by jwt.middleware() on a protected route is application/json too', async () => {
    const response = await server.request('/api/me');
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.deepEqual(response.body, { detail: 'Authentication credentials were not provided.' });
  });
});

describe('OPTIONS on a token view', () => {
  const cases: [string, unknown][] = [
    ['/api/token/', {
      name: 'Token Obtain Pair',
      description: 'Takes a set of user credentials and returns an access and refresh JSON web\ntoken pair to prove the authentication of those credentials.',
      renders: ['application/json'], parses: PARSES,
      actions: { POST: { username: field('Username'), password: field('Password') } },
    }],
    ['/api/token/refresh', {
      name: 'Token Refresh',
      description: 'Takes a refresh type JSON web token and returns an access type JSON web\ntoken if the refresh token is valid.',
      renders: ['application/json'], parses: PARSES,
      actions: { POST: { refresh: field('Refresh'), access: field('Access', true) } },
    }],
    ['/api/token/verify/', {
      name: 'Token Verify',
      description: "Takes a token and indicates if it is valid.  This view provides no\ninformation about a token's fitness for a particular use.",
      renders: ['application/json'], parses: PARSES,
      actions: { POST: { token: field('Token') } },
    }],
    ['/api/token/blacklist', {
      name: 'Token Blacklist',
      description: 'Takes a token and blacklists it. Must be used with the\n`rest_framework_simplejwt.token_blacklist` app installed.',
      renders: ['application/json'], parses: PARSES,
      actions: { POST: { refresh: field('Refresh') } },
    }],
    ['/api/token/sliding', {
      name: 'Token Obtain Sliding',
      description: 'Takes a set of user credentials and returns a sliding JSON web token to\nprove the authentication of those credentials.',
      renders: ['application/json'], parses: PARSES,
      actions: { POST: { username: field('Username'), password: field('Password') } },
    }],
    ['/api/token/sliding/refresh/', {
      name: 'Token Refresh Sliding',
      description: "Takes a sliding JSON web token and returns a new, refreshed version if the\ntoken's refresh period has not expired.",
      renders: ['application/json'], parses: PARSES,
      actions: { POST: { token: field('Token') } },
    }],
  ];
  for (const [path, body] of cases) {
    test(`answers 200 with DRF's metadata document at ${path}`, async () => {
      const response = await server.request(path, { method: 'OPTIONS' });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.equal(response.headers.get('allow'), 'POST, OPTIONS');
      assert.deepEqual(response.body, body);
      assert.equal(response.text, JSON.stringify(body), 'key order as DRF sends it');
    });
  }

  test('an unknown path under /token is left to the app', async () => {
    assert.equal((await server.request('/api/token/nope', { method: 'OPTIONS' })).status, 404);
    assert.equal((await server.request('/api/token/nope', { method: 'DELETE' })).status, 404);
    // The demo app's own router answers 501 to PROPFIND anywhere; the token routes add nothing.
    assert.notEqual((await raw('PROPFIND', '/api/token/nope')).status, 405);
  });
});

describe('methods a token view does not serve', () => {
  for (const method of ['TRACE', 'PROPFIND', 'SEARCH', 'MKCOL', 'PURGE', 'PATCH', 'DELETE', 'GET']) {
    test(`${method} answers DRF's 405 with its JSON body and Allow`, async () => {
      const response = await raw(method, '/api/token/refresh/');
      assert.equal(response.status, 405);
      assert.equal(response.headers['content-type'], 'application/json');
      assert.equal(response.headers.allow, 'POST, OPTIONS');
      assert.equal(response.text, JSON.stringify({ detail: `Method "${method}" not allowed.` }));
    });
  }

  test('HEAD answers 405 with Allow and no body', async () => {
    const response = await raw('HEAD', '/api/token');
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'POST, OPTIONS');
    assert.equal(response.text, '');
  });
});
