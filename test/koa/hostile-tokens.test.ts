import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { createDemoApp } from '../../examples/demo/app.js';
import { ITERATIONS, ManualClock, SIGNING_KEY, demoSigner, setUpDatabase } from '../support/demo.js';
import { serve } from '../support/http.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { createSimpleJwt } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';

// Correctly signed tokens a Simple JWT deployment never issues, and clients that misbehave.
const clock = new ManualClock();
const sign = demoSigner(clock);
const now = () => clock.seconds();
const INVALID = { detail: 'Token is invalid', code: 'token_not_valid' };
const USER_NOT_FOUND = { detail: 'User not found', code: 'user_not_found' };
const NO_ACCOUNT = { detail: 'No active account found for the given token.' };
let db: TestDatabase;
let server: TestServer;
let aliceId: number;
/** Errors the app reported (what Koa's default handler would log, unless 4xx and exposed). */
const reported: (Error & { status?: number; expose?: boolean })[] = [];

before(async () => {
  db = await setUpDatabase();
  const { app, users } = createDemoApp({
    knex: db.knex,
    signingKey: SIGNING_KEY,
    iterations: ITERATIONS,
    settings: { clock, blacklistStore: new KnexBlacklistStore(db.knex), rotateRefreshTokens: true, blacklistAfterRotation: true },
  });
  app.silent = true;
  app.on('error', (error: Error) => reported.push(error));
  server = await serve(app);
  aliceId = (await users.createUser({ username: 'alice', password: 'alice-password' })).id;
});
after(async () => {
  await server?.close();
  await db?.drop();
});

let serial = 0;
function refreshToken(claims: Record<string, unknown> = {}): string {
  serial += 1;
  return sign({ token_type: 'refresh', exp: now() + 3600, iat: now(), jti: `jti-${serial}`, user_id: String(aliceId), ...claims });
}
function accessToken(claims: Record<string, unknown> = {}): string {
  serial += 1;
  return sign({ token_type: 'access', exp: now() + 60, iat: now(), jti: `jti-${serial}`, user_id: String(aliceId), ...claims });
}
const me = (token: string) => server.request('/api/me', { headers: { authorization: `Bearer ${token}` } });

describe('a user_id claim that is no user id', () => {
  const shapes: [string, () => unknown][] = [
    ['["<alice>"]', () => [String(aliceId)]],
    ['[<alice>]', () => [aliceId]],
    ['{"$gt": ""}', () => ({ $gt: '' })],
    ['{"id": <alice>}', () => ({ id: aliceId })],
    ['true', () => true],
  ];
  for (const [label, shape] of shapes) {
    test(`${label} authenticates nobody: 401 user_not_found`, async () => {
      const response = await me(accessToken({ user_id: shape() }));
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, USER_NOT_FOUND);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="api"');
    });

    test(`${label} refreshes nothing: 401 no active account`, async () => {
      for (const path of ['/api/token/refresh']) {
        const response = await server.post(path, { refresh: refreshToken({ user_id: shape() }) });
        assert.equal(response.status, 401);
        assert.deepEqual(response.body, NO_ACCOUNT);
      }
      const sliding = sign({ token_type: 'sliding', exp: now() + 60, refresh_exp: now() + 600, iat: now(), jti: `s-${++serial}`, user_id: shape() });
      const response = await server.post('/api/token/sliding/refresh', { token: sliding });
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, NO_ACCOUNT);
    });
  }

  test('what Django looks up as the id is still accepted: 1, 1.0, "01"', async () => {
    for (const userId of [aliceId, aliceId + 0.0, `0${aliceId}`]) {
      const response = await me(accessToken({ user_id: userId }));
      assert.equal(response.status, 200, JSON.stringify(userId));
    }
  });

  test('blacklisting a token whose user_id is an array records no user for it', async () => {
    const token = refreshToken({ user_id: [String(aliceId)] });
    const response = await server.post('/api/token/blacklist', { refresh: token });
    assert.equal(response.status, 200);
    const [row] = await db.knex('token_blacklist_outstandingtoken').where({ token });
    assert.equal(row.user_id, null);
  });
});

describe('values the blacklist tables cannot hold', () => {
  const odd: [string, Record<string, unknown>][] = [
    ['a jti of 256 characters', { jti: 'j'.repeat(256) }],
    ['a jti of 255 astral characters (510 UTF-16 units) plus one', { jti: '😀'.repeat(256) }],
    ['a jti with NUL', { jti: 'abc\u0000def' }],
    ['a jti with a lone surrogate', { jti: 'abc\ud800' }],
    ['exp 1e308', { exp: 1e308 }],
    ['exp 2.458e120', { exp: 2.458e120 }],
    ['exp after the year 9999', { exp: 253_402_300_800 }],
  ];
  for (const [name, claims] of odd) {
    test(`${name}: 401 token_not_valid from refresh and blacklist, no server error`, async () => {
      const before = reported.length;
      for (const path of ['/api/token/refresh', '/api/token/blacklist']) {
        const response = await server.post(path, { refresh: refreshToken(claims) });
        assert.equal(response.status, 401, `${path}: ${JSON.stringify(response.body)}`);
        assert.deepEqual(response.body, INVALID);
      }
      const sliding = sign({ token_type: 'sliding', exp: now() + 60, refresh_exp: now() + 600, iat: now(), jti: `s-${++serial}`, user_id: String(aliceId), ...claims });
      const response = await server.post('/api/token/sliding/refresh', { token: sliding });
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, INVALID);
      assert.equal(reported.length, before, reported.map(String).join('\n'));
    });
  }

  test('a sliding token whose refresh window ends after the year 9999 is invalid', async () => {
    const sliding = sign({ token_type: 'sliding', exp: now() + 60, refresh_exp: 1e300, iat: now(), jti: `s-${++serial}`, user_id: String(aliceId) });
    const response = await server.post('/api/token/sliding/refresh', { token: sliding });
    assert.deepEqual(response.body, INVALID);
  });

  test('verify refuses a jti the blacklist cannot hold when it consults the blacklist', async () => {
    const response = await server.post('/api/token/verify', { token: accessToken({ jti: 'j'.repeat(300) }) });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, INVALID);
  });

  test('the largest values that fit still work: a 255-character jti, exp in 9999', async () => {
    const response = await server.post('/api/token/refresh', { refresh: refreshToken({ jti: '😀'.repeat(255), exp: 253_402_300_799 }) });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const blacklisted = await server.post('/api/token/blacklist', { refresh: refreshToken({ jti: 'j'.repeat(255) }) });
    assert.equal(blacklisted.status, 200);
  });
});

describe('TokenUser keeps the claim type', () => {
  test('jwt.authenticate on a stateless name gives {"user_id": 999999} the id 999999', async () => {
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, clock, statelessSecurityNames: ['jwt'] });
    const { user } = await jwt.authenticate(`Bearer ${accessToken({ user_id: 999999 })}`, 'jwt');
    assert.equal(user.id, 999999);
    const stringly = await jwt.authenticate(`Bearer ${accessToken({ user_id: '999999' })}`, 'jwt');
    assert.equal(stringly.user.id, '999999');
  });
});

describe('a client that disconnects before sending its whole body', () => {
  test('is reported as a client error (400, exposed), which Koa does not log', async () => {
    const before = reported.length;
    for (const type of ['application/json', 'application/x-www-form-urlencoded']) {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`POST /api/token HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Length: 100\r\n\r\n{"user`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.destroy();
      await new Promise((resolve) => socket.once('close', resolve));
    }
    // Koa reports the socket error when it happens; wait until it has.
    for (let i = 0; i < 100 && reported.length < before + 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const errors = reported.slice(before);
    assert.ok(errors.length > 0, 'the aborted requests are reported');
    for (const error of errors) {
      assert.equal(error.status, 400, String(error));
      assert.equal(error.expose, true);
    }
  });
});
