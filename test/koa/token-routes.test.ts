import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { ManualClock, setUpDatabase, startDemo } from '../support/demo.js';
import { claimsOf } from '../support/http.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';
import type { KnexUserStore } from '../../src/stores/knex-user-store.js';

const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };
const CHALLENGE = 'Bearer realm="api"';

let db: TestDatabase;
let server: TestServer;
let users: KnexUserStore;
const clock = new ManualClock();
const failedLogins: unknown[][] = [];

before(async () => {
  db = await setUpDatabase();
  ({ server, users } = await startDemo(db, {
    clock,
    onLoginFailed: (credentials, request) => {
      failedLogins.push([credentials, request !== undefined]);
    },
  }));
  await users.createUser({ username: 'alice', password: 'alice-password' });
  await users.createUser({ username: 'idle', password: 'idle-password', isActive: false });
});

after(async () => {
  await server?.close();
  await db?.drop();
});

describe('POST /token', () => {
  test('answers 200 with refresh then access, integer times, a hex jti and a string user id', async () => {
    const response = await server.post('/api/token', { username: 'alice', password: 'alice-password' });
    assert.equal(response.status, 200);
    const body = response.body as Record<string, string>;
    assert.deepEqual(Object.keys(body), ['refresh', 'access']);
    const refresh = claimsOf(body.refresh);
    const access = claimsOf(body.access);
    const now = Math.floor(clock.ms / 1000);
    assert.deepEqual(Object.keys(refresh), ['token_type', 'exp', 'iat', 'jti', 'user_id']);
    assert.equal(refresh.token_type, 'refresh');
    assert.equal(refresh.exp, now + 86400);
    assert.equal(refresh.iat, now);
    assert.match(String(refresh.jti), /^[0-9a-f]{32}$/);
    assert.equal(typeof refresh.user_id, 'string');
    assert.equal(access.token_type, 'access');
    assert.equal(access.exp, now + 300);
    assert.equal(access.iat, now);
    assert.notEqual(access.jti, refresh.jti);
    assert.equal(access.user_id, refresh.user_id);
  });

  test('accepts the documented trailing slash and a form body', async () => {
    const response = await server.request('/api/token/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=alice&password=alice-password',
    });
    assert.equal(response.status, 200);
    assert.ok((response.body as Record<string, string>).access);
  });

  test('trims whitespace around both fields, as DRF does', async () => {
    const response = await server.post('/api/token', { username: ' alice ', password: ' alice-password\n' });
    assert.equal(response.status, 200);
  });

  test('reports each missing field with DRF messages', async () => {
    const cases: [unknown, unknown][] = [
      [{}, { username: ['This field is required.'], password: ['This field is required.'] }],
      [{ username: 'alice' }, { password: ['This field is required.'] }],
      [{ password: 'x' }, { username: ['This field is required.'] }],
      [{ username: '', password: null }, { username: ['This field may not be blank.'], password: ['This field may not be null.'] }],
      [{ username: ['alice'], password: 'x' }, { username: ['Not a valid string.'] }],
    ];
    for (const [input, expected] of cases) {
      const response = await server.post('/api/token', input);
      assert.equal(response.status, 400, JSON.stringify(input));
      assert.deepEqual(response.body, expected);
    }
  });

  test('answers the same 401 for a wrong password, an unknown user and an inactive user', async () => {
    failedLogins.length = 0;
    for (const credentials of [
      { username: 'alice', password: 'wrong' },
      { username: 'nobody', password: 'alice-password' },
      { username: 'idle', password: 'idle-password' },
    ]) {
      const response = await server.post('/api/token', credentials);
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, NO_ACCOUNT);
      assert.equal(response.headers.get('www-authenticate'), CHALLENGE);
    }
    assert.deepEqual(failedLogins[0], [{ username: 'alice', password: '********************' }, true]);
    assert.equal(failedLogins.length, 3);
  });

  test('leaves last_login alone by default', async () => {
    const user = await users.findUser('username', 'alice');
    assert.equal(user?.lastLogin, null);
  });

  test('refuses malformed JSON, a non-object body, other media types and other methods', async () => {
    const malformed = await server.request('/api/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username": ' });
    assert.equal(malformed.status, 400);
    assert.match((malformed.body as { detail: string }).detail, /^JSON parse error - /);

    const list = await server.post('/api/token', ['alice']);
    assert.equal(list.status, 400);
    assert.deepEqual(list.body, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });

    const text = await server.request('/api/token', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'alice' });
    assert.equal(text.status, 415);
    assert.deepEqual(text.body, { detail: 'Unsupported media type "text/plain" in request.' });

    const get = await server.request('/api/token');
    assert.equal(get.status, 405);
    assert.deepEqual(get.body, { detail: 'Method "GET" not allowed.' });
    assert.equal(get.headers.get('allow'), 'POST, OPTIONS', "DRF's Allow header");
  });

  test('ignores an Authorization header, even a malformed one', async () => {
    const response = await server.post('/api/token', { username: 'alice', password: 'alice-password' }, { authorization: 'Bearer a b c' });
    assert.equal(response.status, 200);
  });

  test('treats an empty body as {}', async () => {
    const response = await server.request('/api/token', { method: 'POST' });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, { username: ['This field is required.'], password: ['This field is required.'] });
  });
});

describe('request bodies on the token endpoints', () => {
  const REQUIRED = { username: ['This field is required.'], password: ['This field is required.'] };
  const raw = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
    server.request('/api/token', { method: 'POST', headers, body });

  test('refuses a JSON null body with "No data provided" and a JSON "" body as a str', async () => {
    const nothing = await raw('null', { 'content-type': 'application/json' });
    assert.equal(nothing.status, 400);
    assert.deepEqual(nothing.body, { non_field_errors: ['No data provided'] });
    const text = await raw('""', { 'content-type': 'application/json' });
    assert.equal(text.status, 400);
    assert.deepEqual(text.body, { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] });
  });

  test('reads an empty body as {} whatever its Content-Type, even a refused one', async () => {
    const types: Record<string, string>[] = [{}, { 'content-type': 'application/json' }, { 'content-type': 'application/vnd.api+json' }, { 'content-type': 'text/plain' }];
    for (const headers of types) {
      const response = await raw(new Uint8Array(), headers);
      assert.equal(response.status, 400, JSON.stringify(headers));
      assert.deepEqual(response.body, REQUIRED);
    }
    // Chunked with no chunks (fetch would send Content-Length: 0): lenient JSON mode reads "".
    const chunked = await new Promise<{ status?: number; body: unknown }>((resolve, reject) => {
      const request = httpRequest(`${server.url}/api/token`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: response.statusCode, body: JSON.parse(text) }));
      });
      request.on('error', reject).end();
    });
    assert.equal(chunked.status, 400);
    assert.deepEqual(chunked.body, REQUIRED);
  });

  test('compares media types case-insensitively', async () => {
    const json = await raw(JSON.stringify({ username: 'alice', password: 'alice-password' }), { 'content-type': 'Application/JSON; Charset=UTF-8' });
    assert.equal(json.status, 200, json.text);
    const form = await raw('username=alice&password=alice-password', { 'content-type': 'APPLICATION/X-WWW-FORM-URLENCODED' });
    assert.equal(form.status, 200, form.text);
  });

  test('answers 415 for JSON variants and for a body without a Content-Type', async () => {
    const body = JSON.stringify({ username: 'alice', password: 'alice-password' });
    for (const type of ['application/vnd.api+json', 'application/ld+json', 'application/json-patch+json', 'application/csp-report']) {
      const response = await raw(body, { 'content-type': type });
      assert.equal(response.status, 415, type);
      assert.deepEqual(response.body, { detail: `Unsupported media type "${type}" in request.` });
    }
    // A byte body, so that fetch adds no Content-Type of its own.
    const untyped = await raw(new TextEncoder().encode(body));
    assert.equal(untyped.status, 415);
    assert.deepEqual(untyped.body, { detail: 'Unsupported media type "" in request.' });
  });

  test('reads form bodies flat: the last repeated key wins and bracketed keys are other keys', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const repeated = await raw('username=nobody&username=alice&password=alice-password', form);
    assert.equal(repeated.status, 200, repeated.text);
    for (const body of ['username[]=alice&password=alice-password', 'username[a]=alice&password=alice-password', 'username.a=alice&password=alice-password']) {
      const response = await raw(body, form);
      assert.equal(response.status, 400, body);
      assert.deepEqual(response.body, { username: ['This field is required.'] }, body);
    }
  });

  test('refuses NUL characters and unpaired surrogates in every field, from JSON and forms', async () => {
    const nul = await server.post('/api/token', { username: 'ali\0ce', password: '\ud800' });
    assert.equal(nul.status, 400);
    assert.deepEqual(nul.body, { username: ['Null characters are not allowed.'], password: ['Surrogate characters are not allowed: U+D800.'] });
    const form = await raw('username=alice&password=a%00b', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.deepEqual(form.body, { password: ['Null characters are not allowed.'] });
    const refresh = await server.post('/api/token/refresh', { refresh: 'a.b.c\udfff' });
    assert.deepEqual(refresh.body, { refresh: ['Surrogate characters are not allowed: U+DFFF.'] });
    const token = await server.post('/api/token/verify', { token: '\0' });
    assert.deepEqual(token.body, { token: ['Null characters are not allowed.'] });
  });

  test('reads bodies up to Django\'s 2.5 MB, forms as JSON, and answers a larger one with a JSON 413', async () => {
    const padding = 'x'.repeat(60_000);
    const form = await raw(`padding=${padding}&username=alice&password=alice-password`, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 200, form.text);
    const json = await raw(JSON.stringify({ padding, username: 'alice', password: 'alice-password' }), { 'content-type': 'application/json' });
    assert.equal(json.status, 200, json.text);
    const huge = await raw(JSON.stringify({ padding: 'x'.repeat(2_700_000) }), { 'content-type': 'application/json' });
    assert.equal(huge.status, 413);
    assert.deepEqual(huge.body, { detail: 'Request body exceeded 2621440 bytes.' });
  });

  test('trims Python\'s whitespace set: U+001C and U+0085 go, U+FEFF stays', async () => {
    const trimmed = await server.post('/api/token', { username: '\x1calice\x85', password: '\x1falice-password\u3000' });
    assert.equal(trimmed.status, 200, trimmed.text);
    const kept = await server.post('/api/token', { username: '\ufeffalice', password: 'alice-password' });
    assert.equal(kept.status, 401);
    assert.deepEqual(kept.body, NO_ACCOUNT);
  });
});

describe('POST /token/refresh', () => {
  async function pair(): Promise<{ refresh: string; access: string }> {
    const response = await server.post('/api/token', { username: 'alice', password: 'alice-password' });
    return response.body as { refresh: string; access: string };
  }

  test('answers 200 with only a new access token, derived from the refresh token', async () => {
    const { refresh } = await pair();
    clock.advance(60);
    const response = await server.post('/api/token/refresh/', { refresh });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body as object), ['access']);
    const access = claimsOf((response.body as { access: string }).access);
    assert.equal(access.token_type, 'access');
    assert.equal(access.exp, Math.floor(clock.ms / 1000) + 300);
    assert.equal(access.user_id, claimsOf(refresh).user_id);
  });

  test('requires the refresh field', async () => {
    const response = await server.post('/api/token/refresh', {});
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, { refresh: ['This field is required.'] });
  });

  test('refuses an access token with "Token has wrong type"', async () => {
    const { access } = await pair();
    const response = await server.post('/api/token/refresh', { refresh: access });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'Token has wrong type', code: 'token_not_valid' });
    assert.equal(response.headers.get('www-authenticate'), CHALLENGE);
  });

  test('refuses an expired refresh token with "Token is expired"', async () => {
    const { refresh } = await pair();
    clock.advance(86400);
    const response = await server.post('/api/token/refresh', { refresh });
    clock.advance(-86400);
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'Token is expired', code: 'token_not_valid' });
  });

  test('refuses garbage with "Token is invalid"', async () => {
    const response = await server.post('/api/token/refresh', { refresh: 'not.a.token' });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'Token is invalid', code: 'token_not_valid' });
  });

  test('refuses the token of an inactive user with Simple JWT main\'s account body', async () => {
    await users.createUser({ username: 'soon-idle', password: 'pw-soon-idle' });
    const response = await server.post('/api/token', { username: 'soon-idle', password: 'pw-soon-idle' });
    const { refresh } = response.body as { refresh: string };
    await users.setActive('soon-idle', false);
    const refused = await server.post('/api/token/refresh', { refresh });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body, { detail: 'No active account found for the given token.' });
  });

  test('refuses the token of a deleted user with the same body', async () => {
    await users.createUser({ username: 'gone', password: 'pw-gone' });
    const { refresh } = (await server.post('/api/token', { username: 'gone', password: 'pw-gone' })).body as { refresh: string };
    await db.knex('auth_user').where({ username: 'gone' }).delete();
    const refused = await server.post('/api/token/refresh', { refresh });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body, { detail: 'No active account found for the given token.' });
  });
});

describe('POST /token/verify', () => {
  test('answers 200 {} for a valid token of any type', async () => {
    const { refresh, access } = (await server.post('/api/token', { username: 'alice', password: 'alice-password' })).body as Record<string, string>;
    for (const token of [refresh, access]) {
      const response = await server.post('/api/token/verify/', { token });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, {});
    }
  });

  test('refuses an expired token and requires the token field', async () => {
    const { access } = (await server.post('/api/token', { username: 'alice', password: 'alice-password' })).body as Record<string, string>;
    clock.advance(300);
    const expired = await server.post('/api/token/verify', { token: access });
    clock.advance(-300);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.body, { detail: 'Token is expired', code: 'token_not_valid' });
    const missing = await server.post('/api/token/verify', { token: null });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { token: ['This field may not be null.'] });
  });
});
