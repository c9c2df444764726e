// The typed client (openapi-typescript types of spec/ninja-jwt.json + openapi-fetch) driving the
// ninja-jwt profile's routes, as a Ninja JWT front end would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import createClient from 'openapi-fetch';
import { setUpDatabase } from '../../support/demo.js';
import { claimsOf } from '../../support/http.js';
import { startTwoProfileApp } from '../../support/two-profile-app.js';
import type { Client } from 'openapi-fetch';
import type { paths } from '../../../sdk/ninja-jwt-schema.js';
import type { TestDatabase } from '../../../examples/support/database.js';
import type { TestServer } from '../../support/http.js';

let db: TestDatabase;
let server: TestServer;
let client: Client<paths>;

before(async () => {
  db = await setUpDatabase();
  let users;
  ({ server, users } = await startTwoProfileApp(db, { rotateRefreshTokens: true, blacklistAfterRotation: true }));
  await users.createUser({ username: 'alice', password: 'alice-password' });
  client = createClient<paths>({ baseUrl: `${server.url}/ninja` });
});
after(async () => {
  await server?.close();
  await db?.drop();
});

test('the generated client drives pair → protected call → refresh → verify → blacklist → refresh refused', async () => {
  const obtained = await client.POST('/token/pair', { body: { username: 'alice', password: 'alice-password' } });
  assert.equal(obtained.response.status, 200);
  assert.ok(obtained.data, JSON.stringify(obtained.error));
  assert.equal(obtained.data.username, 'alice');
  const { access, refresh } = obtained.data;
  const me = await fetch(`${server.url}/ninja/me`, { headers: { authorization: `Bearer ${access}` } });
  assert.equal(me.status, 200);

  const refreshed = await client.POST('/token/refresh', { body: { refresh } });
  assert.ok(refreshed.data, JSON.stringify(refreshed.error));
  assert.notEqual(refreshed.data.refresh, refresh, 'rotated');
  assert.equal(claimsOf(refreshed.data.access).token_type, 'access');

  const verified = await client.POST('/token/verify', { body: { token: refreshed.data.access } });
  assert.deepEqual([verified.response.status, verified.data], [200, {}]);

  const blacklisted = await client.POST('/token/blacklist', { body: { refresh: refreshed.data.refresh } });
  assert.deepEqual([blacklisted.response.status, blacklisted.data], [200, {}]);
  const refused = await client.POST('/token/refresh', { body: { refresh: refreshed.data.refresh } });
  assert.equal(refused.response.status, 401);
  assert.deepEqual(refused.error, { detail: 'Token is blacklisted', code: 'token_not_valid' });
});

test('the generated client drives sliding obtain → sliding refresh, and returns the documented error bodies', async () => {
  const obtained = await client.POST('/token/sliding', { body: { username: 'alice', password: 'alice-password' } });
  assert.ok(obtained.data, JSON.stringify(obtained.error));
  const renewed = await client.POST('/token/sliding/refresh', { body: { token: obtained.data.token } });
  assert.ok(renewed.data, JSON.stringify(renewed.error));
  assert.equal(claimsOf(renewed.data.token).jti, claimsOf(obtained.data.token).jti);

  const missing = await client.POST('/token/pair', { body: { username: 'alice', password: '' } });
  assert.equal(missing.response.status, 400);
  assert.deepEqual(missing.error, { detail: 'Invalid input.', code: 'invalid', password: 'password is required' });
  const wrong = await client.POST('/token/pair', { body: { username: 'alice', password: 'nope' } });
  assert.deepEqual(wrong.error, { detail: 'No active account found with the given credentials', code: 'authentication_failed' });
  const typed = await client.POST('/token/refresh', { body: { refresh: 7 as unknown as string } });
  assert.equal(typed.response.status, 422);
  assert.deepEqual(typed.error, { detail: [{ type: 'string_type', loc: ['body', 'refresh_token', 'refresh'], msg: 'Input should be a valid string' }] });
});
