import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createDemoApp } from '../../examples/demo/app.js';
import { ITERATIONS, ManualClock, SIGNING_KEY, setUpDatabase, startDemo } from '../support/demo.js';
import { serve } from '../support/http.js';
import { pbkdf2Runs } from '../support/pbkdf2-runs.js';
import { KnexLoginThrottleStore } from '../../src/stores/knex-login-throttle-store.js';
import type { SimpleJwtOptions } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestResponse, TestServer } from '../support/http.js';

const NO_ACCOUNT = { detail: 'No active account found with the given credentials' };
const throttled = (seconds: number): unknown => ({ detail: `Request was throttled. Expected available in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.` });

let db: TestDatabase;
const servers: TestServer[] = [];

before(async () => {
  db = await setUpDatabase();
  const { users } = await start({});
  await users.createUser({ username: 'alice', password: 'alice-password' });
  await users.createUser({ username: 'bob', password: 'bob-password' });
});
after(async () => {
  for (const server of servers) await server.close();
  await db?.drop();
});

async function start(settings: Omit<SimpleJwtOptions, 'signingKey' | 'userStore'>, proxy = false) {
  if (!proxy) {
    const started = await startDemo(db, settings);
    servers.push(started.server);
    return started;
  }
  const { app, users } = createDemoApp({ knex: db.knex, signingKey: SIGNING_KEY, settings, iterations: ITERATIONS });
  app.silent = true;
  app.proxy = true;
  const server = await serve(app);
  servers.push(server);
  return { server, users };
}

const login = (server: TestServer, username: string, password: string, headers: Record<string, string> = {}): Promise<TestResponse> =>
  server.post('/api/token', { username, password }, headers);

describe('POST /token with the default login throttle', () => {
  test('answers 429 with DRF\'s body and Retry-After after 5 failures, and doubles the wait after each further failure', async () => {
    const clock = new ManualClock();
    const { server } = await start({ clock });
    for (let i = 0; i < 5; i++) assert.deepEqual((await login(server, 'alice', 'wrong')).body, NO_ACCOUNT);
    const refused = await login(server, 'alice', 'alice-password');
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, throttled(60));
    assert.equal(refused.headers.get('retry-after'), '60');
    clock.advance(59.5);
    const almost = await login(server, 'alice', 'wrong');
    assert.deepEqual([almost.status, almost.body, almost.headers.get('retry-after')], [429, throttled(1), '1']);
    clock.advance(0.5);
    assert.equal((await login(server, 'alice', 'wrong')).status, 401);
    assert.deepEqual((await login(server, 'alice', 'wrong')).body, throttled(120));
  });

  test('hashes no password while throttled (the PBKDF2 counter sees none)', async () => {
    const { server } = await start({});
    assert.deepEqual(await pbkdf2Runs(() => login(server, 'alice', 'wrong')), [ITERATIONS]);
    for (let i = 0; i < 4; i++) await login(server, 'alice', 'wrong');
    const runs = await pbkdf2Runs(async () => {
      for (let i = 0; i < 10; i++) assert.equal((await login(server, 'alice', 'alice-password')).status, 429);
    });
    assert.deepEqual(runs, []);
  });

  test('of 20 concurrent wrong-password logins for one account, 5 are checked and 15 refused', async () => {
    const { server } = await start({});
    let statuses: number[] = [];
    const runs = await pbkdf2Runs(async () => {
      statuses = (await Promise.all(Array.from({ length: 20 }, () => login(server, 'bob', 'guess')))).map((response) => response.status);
    });
    assert.deepEqual(statuses.filter((status) => status === 401).length, 5);
    assert.deepEqual(statuses.filter((status) => status === 429).length, 15);
    assert.equal(runs.length, 5);
  });

  test('answers a throttled unknown username exactly as a throttled known one', async () => {
    const { server } = await start({});
    for (const username of ['alice', 'ghost']) for (let i = 0; i < 5; i++) await login(server, username, 'wrong');
    const answers: unknown[] = [];
    const runs = await pbkdf2Runs(async () => {
      for (const username of ['alice', 'ghost']) {
        const response = await login(server, username, 'whatever');
        const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'date'));
        answers.push({ status: response.status, headers, text: response.text });
      }
    });
    assert.deepEqual(answers[0], answers[1]);
    assert.equal((answers[0] as { status: number }).status, 429);
    assert.deepEqual(runs, []);
  });

  test('a successful login forgets the username\'s failures', async () => {
    const { server } = await start({});
    for (let i = 0; i < 4; i++) await login(server, 'alice', 'wrong');
    assert.equal((await login(server, 'alice', 'alice-password')).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await login(server, 'alice', 'wrong')).status, 401);
    assert.equal((await login(server, 'alice', 'wrong')).status, 429);
  });

  test('counts Alice and alice as one username, and throttles the sliding endpoint too', async () => {
    const { server } = await start({});
    for (const username of ['Alice', 'ALICE', 'alice', 'alicE']) await login(server, username, 'wrong');
    assert.equal((await server.post('/api/token/sliding', { username: 'aLiCe', password: 'wrong' })).status, 401);
    const refused = await server.post('/api/token/sliding', { username: 'alice', password: 'alice-password' });
    assert.deepEqual([refused.status, refused.body], [429, throttled(60)]);
  });

  test('onLoginFailed still fires for each failure, not for throttled attempts', async () => {
    const failed: unknown[] = [];
    const { server } = await start({ onLoginFailed: (credentials) => void failed.push(credentials) });
    for (let i = 0; i < 7; i++) await login(server, 'alice', 'wrong');
    assert.equal(failed.length, 5);
    assert.deepEqual(failed[0], { username: 'alice', password: '*'.repeat(20) });
  });
});

describe('the per-address budget', () => {
  const settings = { loginThrottle: { username: false as const, address: { failures: 3 } } };

  test('stops one address spraying many usernames', async () => {
    const { server } = await start(settings);
    for (const username of ['u1', 'u2', 'u3']) assert.equal((await login(server, username, 'x')).status, 401);
    assert.deepEqual((await login(server, 'u4', 'x')).body, throttled(60));
  });

  test('ignores X-Forwarded-For unless the app sets app.proxy', async () => {
    const { server } = await start(settings);
    for (let i = 1; i <= 3; i++) await login(server, `v${i}`, 'x', { 'x-forwarded-for': `198.51.100.${i}` });
    assert.equal((await login(server, 'v4', 'x', { 'x-forwarded-for': '198.51.100.4' })).status, 429);
  });

  test('with app.proxy, counts the address X-Forwarded-For gives', async () => {
    const { server } = await start(settings, true);
    for (let i = 1; i <= 3; i++) await login(server, `w${i}`, 'x', { 'x-forwarded-for': '198.51.100.7' });
    assert.equal((await login(server, 'w4', 'x', { 'x-forwarded-for': '198.51.100.7' })).status, 429);
    assert.equal((await login(server, 'w5', 'x', { 'x-forwarded-for': '198.51.100.8' })).status, 401);
  });
});

describe('KnexLoginThrottleStore across two instances', () => {
  test('two apps on one database share the budget', async () => {
    const clock = new ManualClock();
    const settings = { clock, loginThrottle: { store: new KnexLoginThrottleStore(db.knex) } };
    const [one, two] = [(await start(settings)).server, (await start(settings)).server];
    for (let i = 0; i < 5; i++) assert.equal((await login(i % 2 === 0 ? one : two, 'bob', 'wrong')).status, 401);
    assert.deepEqual((await login(two, 'bob', 'bob-password')).body, throttled(60));
    assert.deepEqual((await login(one, 'bob', 'bob-password')).body, throttled(60));
    clock.advance(60);
    assert.equal((await login(one, 'bob', 'bob-password')).status, 200);
    // The success forgot the failures on both.
    for (let i = 0; i < 5; i++) assert.equal((await login(two, 'bob', 'wrong')).status, 401);
  });

  test('loginThrottle: false turns throttling off', async () => {
    const { server } = await start({ loginThrottle: false });
    for (let i = 0; i < 8; i++) assert.equal((await login(server, 'alice', 'wrong')).status, 401);
  });
});
