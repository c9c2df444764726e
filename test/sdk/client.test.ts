import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase, startDemo } from '../support/demo.js';
import { claimsOf } from '../support/http.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { createSimpleJwtClient } from '../../sdk/client.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';
import type { SimpleJwtClient } from '../../sdk/client.js';

let db: TestDatabase;
let server: TestServer;
let client: SimpleJwtClient;

before(async () => {
  db = await setUpDatabase();
  let users;
  ({ server, users } = await startDemo(db, {
    blacklistStore: new KnexBlacklistStore(db.knex),
    rotateRefreshTokens: true,
    blacklistAfterRotation: true,
  }));
  await users.createUser({ username: 'alice', password: 'alice-password' });
  client = createSimpleJwtClient({ baseUrl: `${server.url}/api` });
});
after(async () => {
  await server?.close();
  await db?.drop();
});

/** GET on one of the demo app's own routes (not in our spec, so not in the client). */
async function me(path: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.url}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

test('the generated client drives obtain → protected call → refresh → verify → blacklist → refresh refused', async () => {
  const obtained = await client.POST('/token', { body: { username: 'alice', password: 'alice-password' } });
  assert.equal(obtained.response.status, 200);
  assert.ok(obtained.data, JSON.stringify(obtained.error));
  const { access, refresh } = obtained.data;
  assert.equal(claimsOf(access).token_type, 'access');

  assert.deepEqual(await me('/me', access), { status: 200, body: { id: claimsOf(access).user_id, username: 'alice' } });

  const refreshed = await client.POST('/token/refresh', { body: { refresh } });
  assert.ok(refreshed.data, JSON.stringify(refreshed.error));
  const rotated = refreshed.data.refresh;
  assert.ok(rotated, 'rotateRefreshTokens returns a new refresh token');
  assert.notEqual(refreshed.data.access, access);

  const verified = await client.POST('/token/verify', { body: { token: refreshed.data.access } });
  assert.equal(verified.response.status, 200);
  assert.deepEqual(verified.data, {});

  const blacklisted = await client.POST('/token/blacklist', { body: { refresh: rotated } });
  assert.equal(blacklisted.response.status, 200);
  assert.deepEqual(blacklisted.data, {});

  const refused = await client.POST('/token/refresh', { body: { refresh: rotated } });
  assert.equal(refused.response.status, 401);
  assert.equal(refused.data, undefined);
  assert.deepEqual(refused.error, { detail: 'Token is blacklisted', code: 'token_not_valid' });
  // The first refresh token was blacklisted by its rotation.
  const reused = await client.POST('/token/refresh', { body: { refresh } });
  assert.deepEqual(reused.error, { detail: 'Token is blacklisted', code: 'token_not_valid' });
});

test('the generated client drives sliding obtain → protected call → sliding refresh', async () => {
  const obtained = await client.POST('/token/sliding', { body: { username: 'alice', password: 'alice-password' } });
  assert.ok(obtained.data, JSON.stringify(obtained.error));
  const { token } = obtained.data;
  assert.equal(claimsOf(token).token_type, 'sliding');
  assert.equal((await me('/me/sliding', token)).status, 200);

  const renewed = await client.POST('/token/sliding/refresh', { body: { token } });
  assert.ok(renewed.data, JSON.stringify(renewed.error));
  assert.equal(claimsOf(renewed.data.token).jti, claimsOf(token).jti);
  assert.equal((await me('/me/any', renewed.data.token)).status, 200);
});

test('the generated client returns the documented error bodies as `error`', async () => {
  const blank = await client.POST('/token', { body: { username: 'alice', password: '  ' } });
  assert.equal(blank.response.status, 400);
  assert.deepEqual(blank.error, { password: ['This field may not be blank.'] });
  const wrong = await client.POST('/token', { body: { username: 'alice', password: 'nope' } });
  assert.equal(wrong.response.status, 401);
  assert.deepEqual(wrong.error, { detail: 'No active account found with the given credentials' });
  const invalid = await client.POST('/token/verify', { body: { token: 'not-a-token' } });
  assert.equal(invalid.response.status, 401);
  assert.deepEqual(invalid.error, { detail: 'Token is invalid', code: 'token_not_valid' });
});
