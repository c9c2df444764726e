import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, demoSigner, setUpDatabase, startDemo } from '../support/demo.js';
import { claimsOf } from '../support/http.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';
import type { KnexUserStore } from '../../src/stores/knex-user-store.js';

const clock = new ManualClock();
const sign = demoSigner(clock);
const now = () => clock.seconds();
const NOT_VALID = 'Given token not valid for any token type';

let db: TestDatabase;
let server: TestServer;
let users: KnexUserStore;
let aliceId: string;

before(async () => {
  db = await setUpDatabase();
  ({ server, users } = await startDemo(db, { clock }));
  aliceId = String((await users.createUser({ username: 'alice', password: 'alice-password' })).id);
  await users.createUser({ username: 'idle', password: 'idle-password', isActive: false });
});
after(async () => {
  await server?.close();
  await db?.drop();
});

async function obtainSliding(): Promise<string> {
  const response = await server.post('/api/token/sliding/', { username: 'alice', password: 'alice-password' });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.deepEqual(Object.keys(response.body as object), ['token']);
  return (response.body as { token: string }).token;
}

describe('POST /token/sliding', () => {
  test('answers {"token"} with a sliding token for the user', async () => {
    const token = claimsOf(await obtainSliding());
    assert.equal(token.token_type, 'sliding');
    assert.equal(token.exp, now() + 300);
    assert.equal(token.refresh_exp, now() + 86400);
    assert.equal(token.user_id, aliceId);
  });

  test('fails exactly as the pair endpoint', async () => {
    const missing = await server.post('/api/token/sliding', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { username: ['This field is required.'], password: ['This field is required.'] });
    for (const credentials of [{ username: 'alice', password: 'nope' }, { username: 'idle', password: 'idle-password' }]) {
      const refused = await server.post('/api/token/sliding', credentials);
      assert.equal(refused.status, 401);
      assert.deepEqual(refused.body, { detail: 'No active account found with the given credentials' });
    }
  });
});

describe('POST /token/sliding/refresh', () => {
  test('returns the same jti and refresh_exp with a later exp and a new iat', async () => {
    const original = await obtainSliding();
    clock.advance(120);
    const response = await server.post('/api/token/sliding/refresh/', { token: original });
    assert.equal(response.status, 200);
    const before = claimsOf(original);
    const after = claimsOf((response.body as { token: string }).token);
    assert.equal(after.jti, before.jti);
    assert.equal(after.refresh_exp, before.refresh_exp);
    assert.equal(after.exp, now() + 300);
    assert.ok(Number(after.exp) > Number(before.exp));
    assert.equal(after.iat, now());
  });

  test('refuses a sliding token whose exp has passed, even inside its refresh window', async () => {
    const token = await obtainSliding();
    clock.advance(300);
    const response = await server.post('/api/token/sliding/refresh', { token });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'Token is expired', code: 'token_not_valid' });
  });

  test('refuses a token without or past its refresh claim', async () => {
    const base = { token_type: 'sliding', exp: now() + 60, iat: now(), jti: 'e'.repeat(32), user_id: aliceId };
    const without = await server.post('/api/token/sliding/refresh', { token: sign(base) });
    assert.equal(without.status, 401);
    assert.deepEqual(without.body, { detail: "Token has no 'refresh_exp' claim", code: 'token_not_valid' });
    const passed = await server.post('/api/token/sliding/refresh', { token: sign({ ...base, refresh_exp: now() }) });
    assert.equal(passed.status, 401);
    assert.deepEqual(passed.body, { detail: "Token 'refresh_exp' claim has expired", code: 'token_not_valid' });
  });

  test('refuses access and refresh tokens with "Token has wrong type"', async () => {
    const pair = (await server.post('/api/token', { username: 'alice', password: 'alice-password' })).body as Record<string, string>;
    for (const token of [pair.access, pair.refresh]) {
      const response = await server.post('/api/token/sliding/refresh', { token });
      assert.equal(response.status, 401);
      assert.deepEqual(response.body, { detail: 'Token has wrong type', code: 'token_not_valid' });
    }
  });

  test('refuses the token of a user who became inactive', async () => {
    await users.createUser({ username: 'later-idle', password: 'pw-later' });
    const { token } = (await server.post('/api/token/sliding', { username: 'later-idle', password: 'pw-later' })).body as { token: string };
    await users.setActive('later-idle', false);
    const response = await server.post('/api/token/sliding/refresh', { token });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, { detail: 'No active account found for the given token.' });
  });

  test('requires the token field', async () => {
    const response = await server.post('/api/token/sliding/refresh', { token: '' });
    assert.equal(response.status, 400);
    assert.deepEqual(response.body, { token: ['This field may not be blank.'] });
  });
});

describe('security names mapped to token classes', () => {
  test('access-only refuses a sliding token with the exact messages list', async () => {
    const token = await obtainSliding();
    const response = await server.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 401);
    assert.deepEqual(response.body, {
      detail: NOT_VALID,
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' }],
    });
  });

  test('sliding-only accepts a sliding token and refuses an access token', async () => {
    const token = await obtainSliding();
    const ok = await server.request('/api/me/sliding', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { id: aliceId, username: 'alice' });
    const { access } = (await server.post('/api/token', { username: 'alice', password: 'alice-password' })).body as Record<string, string>;
    const refused = await server.request('/api/me/sliding', { headers: { authorization: `Bearer ${access}` } });
    assert.equal(refused.status, 401);
    assert.deepEqual((refused.body as { messages: unknown }).messages, [{ token_class: 'SlidingToken', token_type: 'sliding', message: 'Token has wrong type' }]);
  });

  test('a name allowing both accepts both, and lists both failures in setting order', async () => {
    const sliding = await obtainSliding();
    const { access, refresh } = (await server.post('/api/token', { username: 'alice', password: 'alice-password' })).body as Record<string, string>;
    for (const token of [sliding, access]) {
      const response = await server.request('/api/me/any', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(response.status, 200);
    }
    const refused = await server.request('/api/me/any', { headers: { authorization: `Bearer ${refresh}` } });
    assert.equal(refused.status, 401);
    assert.deepEqual(refused.body, {
      detail: NOT_VALID,
      code: 'token_not_valid',
      messages: [
        { token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' },
        { token_class: 'SlidingToken', token_type: 'sliding', message: 'Token has wrong type' },
      ],
    });
  });

  test('obtain sliding → call → refresh → call', async () => {
    const token = await obtainSliding();
    assert.equal((await server.request('/api/me/sliding', { headers: { authorization: `Bearer ${token}` } })).status, 200);
    clock.advance(200);
    const renewed = ((await server.post('/api/token/sliding/refresh', { token })).body as { token: string }).token;
    clock.advance(200);
    assert.equal((await server.request('/api/me/sliding', { headers: { authorization: `Bearer ${token}` } })).status, 401);
    assert.equal((await server.request('/api/me/sliding', { headers: { authorization: `Bearer ${renewed}` } })).status, 200);
  });
});
