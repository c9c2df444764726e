import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase, startDemo } from '../support/demo.js';
import { eventually, terminateListeners } from '../support/eventually.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { BlacklistMirror } from '../../src/stores/blacklist-mirror.js';
import { revokeUserTokens } from '../../src/stores/revocation.js';
import { KnexFamilyStore, REVOCATION_LISTENER_NAME } from '../../src/postgres/knex-family-store.js';
import { claimsOf } from '../support/http.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';

const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
let db: TestDatabase;
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  db = await setUpDatabase();
});
after(async () => {
  for (const close of closers.reverse()) await close();
  await db?.drop();
});

/** One instance: its own blacklist mirror and family store, each with its listening connection. */
async function instance(): Promise<{ server: TestServer; families: KnexFamilyStore; blacklist: BlacklistMirror }> {
  const blacklist = await BlacklistMirror.start(new KnexBlacklistStore(db.knex), { connection: db.connectionString });
  const families = await KnexFamilyStore.start(db.knex, { connection: db.connectionString });
  const { server, users } = await startDemo(db, { blacklistStore: blacklist, familyStore: families, rotateRefreshTokens: true, blacklistAfterRotation: true });
  closers.push(() => blacklist.close(), () => families.close(), () => server.close());
  if (!(await users.findUser('username', 'alice'))) await users.createUser({ username: 'alice', password: 'alice-password' });
  return { server, families, blacklist };
}

async function login(server: TestServer) {
  const response = await server.post('/api/token', { username: 'alice', password: 'alice-password' });
  assert.equal(response.status, 200);
  return response.body as { refresh: string; access: string };
}
const me = (server: TestServer, access: string) => server.request('/api/me', { headers: { authorization: `Bearer ${access}` } });

describe('revoked_before ("log out everywhere" reaches access tokens)', () => {
  test('revokeUserTokens with a family store refuses the access, refresh and sliding tokens issued before it, on every instance', async () => {
    const a = await instance();
    const b = await instance();
    const { access, refresh } = await login(a.server);
    const sliding = ((await a.server.post('/api/token/sliding', { username: 'alice', password: 'alice-password' })).body as { token: string }).token;
    assert.equal((await me(b.server, access)).status, 200);
    await revokeUserTokens(new KnexBlacklistStore(db.knex), String(claimsOf(access).user_id), new Date(), new KnexFamilyStore(db.knex));
    await eventually(async () => (await me(b.server, access)).status === 401);
    const refused = await me(b.server, access);
    assert.deepEqual(refused.body, {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is blacklisted' }],
    });
    assert.equal((await me(a.server, access)).status, 401);
    assert.deepEqual((await b.server.post('/api/token/refresh', { refresh })).body, BLACKLISTED);
    assert.deepEqual((await b.server.post('/api/token/sliding/refresh', { token: sliding })).body, BLACKLISTED);
    // A login after the revocation's second works (iat has one-second resolution: a token issued
    // in the same second as the revocation is refused too).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const fresh = await login(b.server);
    assert.equal((await me(a.server, fresh.access)).status, 200);
  });

  test('a family revoked on one instance is refused by another', async () => {
    const a = await instance();
    const b = await instance();
    const { refresh: first } = await login(a.server);
    const successor = ((await a.server.post('/api/token/refresh', { refresh: first })).body as { refresh: string }).refresh;
    // Past the grace window, the replay revokes the family.
    await db.knex('koa_simple_jwt_family_token').where({ jti: claimsOf(first).jti }).update({ rotated_at: new Date(Date.now() - 60_000) });
    assert.deepEqual((await a.server.post('/api/token/refresh', { refresh: first })).body, BLACKLISTED);
    await eventually(async () => await b.blacklist.isBlacklisted(String(claimsOf(successor).jti)));
    assert.deepEqual((await b.server.post('/api/token/refresh', { refresh: successor })).body, BLACKLISTED);
    const verified = await b.server.post('/api/token/verify', { token: successor });
    assert.deepEqual([verified.status, verified.body], [400, { non_field_errors: ['Token is blacklisted'] }]);
  });

  test('a store follows revoked_before changes made by any writer, and asks the database while its listener is down (fail closed)', async () => {
    const families = await KnexFamilyStore.start(db.knex, { connection: db.connectionString, reconnectDelayMs: 60_000 });
    closers.push(() => families.close());
    assert.equal(families.state, 'in-sync');
    assert.equal(families.revokedBefore('4242'), null);
    await db.knex('koa_simple_jwt_user_revocation').insert({ user_id: '4242', revoked_before: new Date('2026-01-01T00:00:00Z') });
    await eventually(() => families.revokedBefore('4242') === Date.parse('2026-01-01T00:00:00Z'));
    assert.ok((await terminateListeners(db.knex, db.connectionString, REVOCATION_LISTENER_NAME)) > 0);
    await eventually(() => families.state !== 'in-sync');
    await db.knex('koa_simple_jwt_user_revocation').where({ user_id: '4242' }).update({ revoked_before: new Date('2026-02-01T00:00:00Z') });
    assert.equal(await families.revokedBefore('4242'), Date.parse('2026-02-01T00:00:00Z'));
  });
});
