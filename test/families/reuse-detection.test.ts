import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, setUpDatabase, startDemo } from '../support/demo.js';
import { claimsOf } from '../support/http.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { KnexFamilyStore } from '../../src/postgres/knex-family-store.js';
import type { ReuseDetectedEvent } from '../../src/families/reuse-detected.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';
import type { SimpleJwtOptions } from '../../src/index.js';

const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const clock = new ManualClock();
let db: TestDatabase;
let families: KnexFamilyStore;
const servers: TestServer[] = [];
const events: ReuseDetectedEvent[] = [];

before(async () => {
  db = await setUpDatabase();
  families = new KnexFamilyStore(db.knex);
});
after(async () => {
  for (const server of servers) await server.close();
  await db?.drop();
});

/** The demo with rotation, blacklistAfterRotation and reuse detection (the recommended setup). */
async function server(settings: Partial<SimpleJwtOptions> = {}): Promise<TestServer> {
  const { server: started, users } = await startDemo(db, {
    clock,
    blacklistStore: new KnexBlacklistStore(db.knex),
    familyStore: families,
    rotateRefreshTokens: true,
    blacklistAfterRotation: true,
    onReuseDetected: (event) => void events.push(event),
    ...settings,
  });
  servers.push(started);
  if (!(await users.findUser('username', 'alice'))) await users.createUser({ username: 'alice', password: 'alice-password' });
  return started;
}

async function login(target: TestServer) {
  const response = await target.post('/api/token', { username: 'alice', password: 'alice-password' }, { 'user-agent': 'test-agent/1.0' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as { refresh: string; access: string };
}
const refresh = (target: TestServer, token: string) => target.post('/api/token/refresh', { refresh: token });

describe('reuse detection with the default grace window (10 s)', () => {
  let app: TestServer;
  before(async () => {
    app = await server();
  });

  test('a replay within the grace window returns the identical successor and a fresh access token', async () => {
    const { refresh: first } = await login(app);
    const rotated = await refresh(app, first);
    assert.equal(rotated.status, 200);
    const { refresh: successor, access } = rotated.body as { refresh: string; access: string };
    clock.advance(5);
    const retried = await refresh(app, first);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    const body = retried.body as { refresh: string; access: string };
    assert.equal(body.refresh, successor);
    assert.notEqual(body.access, access);
    assert.deepEqual(Object.keys(body), ['access', 'refresh']);
    // The session goes on with the successor.
    assert.equal((await refresh(app, successor)).status, 200);
  });

  test('a replay after the grace window revokes the family: the successor is then refused as a blacklisted token', async () => {
    events.length = 0;
    const { refresh: first } = await login(app);
    const successor = ((await refresh(app, first)).body as { refresh: string }).refresh;
    clock.advance(11);
    const replayed = await app.post('/api/token/refresh', { refresh: first }, { 'user-agent': 'thief/1.0' });
    assert.equal(replayed.status, 401);
    assert.deepEqual(replayed.body, BLACKLISTED);
    const after = await refresh(app, successor);
    assert.equal(after.status, 401);
    assert.deepEqual(after.body, BLACKLISTED);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.jti, claimsOf(first).jti);
    assert.equal(events[0]?.userId, claimsOf(first).user_id);
    assert.equal(events[0]?.userAgent, 'thief/1.0');
    assert.equal(events[0]?.ip, '127.0.0.1');
    assert.equal(typeof events[0]?.familyId, 'string');
  });

  test('a replayed token of an old generation revokes the family, even within the grace window', async () => {
    const { refresh: first } = await login(app);
    const second = ((await refresh(app, first)).body as { refresh: string }).refresh;
    const third = ((await refresh(app, second)).body as { refresh: string }).refresh;
    const replayed = await refresh(app, first);
    assert.deepEqual([replayed.status, replayed.body], [401, BLACKLISTED]);
    assert.deepEqual((await refresh(app, third)).body, BLACKLISTED);
  });

  test('20 concurrent refreshes of one token all get one and the same successor', async () => {
    const { refresh: first } = await login(app);
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(app, first)));
    assert.deepEqual(responses.map((response) => response.status), Array(20).fill(200));
    const successors = new Set(responses.map((response) => (response.body as { refresh: string }).refresh));
    assert.equal(successors.size, 1);
    assert.equal((await refresh(app, [...successors][0]!)).status, 200);
  });

  test('logging out (POST /token/blacklist) ends the session: a retry within the grace window is refused', async () => {
    const { refresh: first } = await login(app);
    const successor = ((await refresh(app, first)).body as { refresh: string }).refresh;
    assert.equal((await app.post('/api/token/blacklist', { refresh: successor })).status, 200);
    assert.deepEqual((await refresh(app, first)).body, BLACKLISTED);
  });
});

describe('reuse detection with reuseGraceSeconds: 0', () => {
  test('of 20 concurrent refreshes of one token exactly one wins', async () => {
    const app = await server({ reuseGraceSeconds: 0 });
    const { refresh: first } = await login(app);
    const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(app, first)));
    assert.equal(responses.filter((response) => response.status === 200).length, 1);
    for (const response of responses.filter((each) => each.status !== 200)) assert.deepEqual(response.body, BLACKLISTED);
  });

  test('an immediate replay revokes the family', async () => {
    const app = await server({ reuseGraceSeconds: 0 });
    const { refresh: first } = await login(app);
    const successor = ((await refresh(app, first)).body as { refresh: string }).refresh;
    assert.deepEqual((await refresh(app, first)).body, BLACKLISTED);
    assert.deepEqual((await refresh(app, successor)).body, BLACKLISTED);
  });
});

describe('onReuseDetected', () => {
  test('a hook that throws or rejects does not change the answer', async () => {
    for (const hook of [() => { throw new Error('alerting is down'); }, () => Promise.reject(new Error('alerting is down'))]) {
      const app = await server({ onReuseDetected: hook });
      const { refresh: first } = await login(app);
      const successor = ((await refresh(app, first)).body as { refresh: string }).refresh;
      clock.advance(60);
      assert.deepEqual(await refresh(app, first).then((r) => [r.status, r.body]), [401, BLACKLISTED]);
      assert.deepEqual((await refresh(app, successor)).body, BLACKLISTED);
    }
  });
});

describe('familyMaxLifetime', () => {
  test('refresh is refused once the family is older than the cap, and works before', async () => {
    const app = await server({ familyMaxLifetime: 3600 });
    const { refresh: first } = await login(app);
    clock.advance(1800);
    const second = await refresh(app, first);
    assert.equal(second.status, 200);
    clock.advance(1801);
    const third = await refresh(app, (second.body as { refresh: string }).refresh);
    assert.equal(third.status, 401);
    assert.deepEqual(third.body, { detail: 'Token is expired', code: 'token_not_valid' });
  });
});

describe('tokens that belong to no family', () => {
  test('a recorded refresh token without a family (issued by Django, or before families) rotates and is refused on replay, as before', async () => {
    const app = await server();
    // A pair issued by an instance without families: recorded in the shared tables, no family row.
    const plain = await startDemo(db, { clock, blacklistStore: new KnexBlacklistStore(db.knex), rotateRefreshTokens: true, blacklistAfterRotation: true });
    servers.push(plain.server);
    const { refresh: first } = await login(plain.server);
    assert.equal((await db.knex('koa_simple_jwt_family_token').where({ jti: claimsOf(first).jti })).length, 0);
    const rotated = await refresh(app, first);
    assert.equal(rotated.status, 200);
    const successor = (rotated.body as { refresh: string }).refresh;
    assert.deepEqual((await refresh(app, first)).body, BLACKLISTED);
    assert.equal((await refresh(app, successor)).status, 200);
  });
});
