import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ITERATIONS, SIGNING_KEY, setUpDatabase } from '../support/demo.js';
import { serve } from '../support/http.js';
import { createDemoApp } from '../../examples/demo/app.js';
import { KnexUserStore } from '../../src/stores/knex-user-store.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';

let db: TestDatabase;
let server: TestServer;

before(async () => {
  db = await setUpDatabase();
  const { app, users } = createDemoApp({
    knex: db.knex,
    signingKey: SIGNING_KEY,
    iterations: ITERATIONS,
    // A Django project whose user model logs in by e-mail (USERNAME_FIELD = 'email').
    userStore: () => new KnexUserStore(db.knex, { iterations: ITERATIONS, usernameField: 'email' }),
  });
  app.silent = true;
  await users.createUser({ username: 'alice', password: 'alice-pw', email: 'alice@example.com' });
  server = await serve(app);
});
after(async () => {
  await server?.close();
  await db?.drop();
});

describe('the obtain endpoints with an e-mail user model', () => {
  test('read the login name from the store\'s usernameField, in JSON and in forms', async () => {
    const pair = await server.post('/api/token', { email: 'alice@example.com', password: 'alice-pw' });
    assert.equal(pair.status, 200, JSON.stringify(pair.body));
    assert.deepEqual(Object.keys(pair.body as object), ['refresh', 'access']);
    const sliding = await server.post('/api/token/sliding/', { email: ' alice@example.com ', password: 'alice-pw' });
    assert.equal(sliding.status, 200, JSON.stringify(sliding.body));
    const form = await server.request('/api/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=alice%40example.com&password=alice-pw',
    });
    assert.equal(form.status, 200);
  });

  test('key DRF\'s field errors by that field', async () => {
    const missing = await server.post('/api/token', { username: 'alice', password: 'alice-pw' });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { email: ['This field is required.'] });
    const blank = await server.post('/api/token/sliding', { email: '  ' });
    assert.deepEqual(blank.body, { email: ['This field may not be blank.'], password: ['This field is required.'] });
  });

  test('refuse a wrong password with Simple JWT\'s 401', async () => {
    const wrong = await server.post('/api/token', { email: 'alice@example.com', password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { detail: 'No active account found with the given credentials' });
  });

  test('are described with that field in the served OpenAPI document', async () => {
    const document = (await server.request('/api/openapi.json')).body as { components: { schemas: Record<string, { required?: string[] }> } };
    assert.deepEqual(document.components.schemas.TokenObtainPairRequest?.required, ['email', 'password']);
  });
});
