import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase, startDemo } from '../support/demo.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from '../support/http.js';

let db: TestDatabase;
let server: TestServer;
before(async () => {
  db = await setUpDatabase();
  let users;
  ({ server, users } = await startDemo(db));
  await users.createUser({ username: 'demo', password: 'demo-password' });
});
after(async () => {
  await server?.close();
  await db?.drop();
});

test('the demo answers the printed Ninja JWT curl line (POST /ninja/token/pair) with a pair that opens /api/me', async () => {
  const response = await server.post('/ninja/token/pair', { username: 'demo', password: 'demo-password' });
  assert.equal(response.status, 200);
  const body = response.body as { username: string; access: string };
  assert.equal(body.username, 'demo');
  const me = await server.request('/api/me', { headers: { authorization: `Bearer ${body.access}` } });
  assert.equal(me.status, 200);
});
