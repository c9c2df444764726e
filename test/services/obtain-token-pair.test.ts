import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase, SIGNING_KEY } from '../support/demo.js';
import { createSimpleJwt, KnexUserStore } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';

let db: TestDatabase;
before(async () => {
  db = await setUpDatabase();
});
after(() => db?.drop());

test('onLoginFailed gets the login name under the user model\'s USERNAME_FIELD, and the password masked', async () => {
  const users = new KnexUserStore(db.knex, { iterations: 1, usernameField: 'email' });
  await users.createUser({ username: 'carol', email: 'carol@example.com', password: 'carol-password' });
  const failed: Record<string, unknown>[] = [];
  const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, onLoginFailed: (credentials) => void failed.push(credentials) });
  await assert.rejects(jwt.obtainTokenPair({ username: 'carol@example.com', password: 'wrong' }), { code: 'no_active_account' });
  assert.deepEqual(failed, [{ email: 'carol@example.com', password: '********************' }]);
});
