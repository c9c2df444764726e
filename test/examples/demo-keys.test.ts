import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoApp, JWKS_PATH } from '../../examples/demo/app.js';
import { demoSigningKey } from '../../examples/demo/demo-signing-key.js';
import { ITERATIONS, setUpDatabase } from '../support/demo.js';
import { serve, type TestServer } from '../support/http.js';
import type { TestDatabase } from '../../examples/support/database.js';

let db: TestDatabase;
let dir: string;
before(async () => {
  db = await setUpDatabase();
  dir = await mkdtemp(join(tmpdir(), 'ksjwt-demo-keys-'));
});
after(async () => {
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function startWith(pem: string): Promise<TestServer> {
  const { app, users } = createDemoApp({ knex: db.knex, settings: { algorithm: 'EdDSA', signingKeys: [pem] }, iterations: ITERATIONS });
  app.silent = true;
  if (!(await users.findUser('username', 'demo'))) await users.createUser({ username: 'demo', password: 'demo-password' });
  return serve(app);
}

test('the demo key is generated once, kept owner-only, and signs tokens that survive a restart', async () => {
  const keyDir = join(dir, 'demo-keys');
  const first = await demoSigningKey(keyDir);
  assert.equal(first.created, true);
  assert.equal((await stat(join(keyDir, 'signing-key.pem'))).mode & 0o777, 0o600);

  const server = await startWith(first.pem);
  const obtained = await server.post('/api/token/', { username: 'demo', password: 'demo-password' });
  assert.equal(obtained.status, 200);
  const { access } = obtained.body as { access: string };
  const jwks = await server.request(JWKS_PATH);
  assert.equal(jwks.headers.get('content-type'), 'application/jwk-set+json');
  assert.deepEqual((jwks.body as { keys: Array<{ kid: string; alg: string }> }).keys.map((key) => [key.kid, key.alg]), [[first.kid, 'EdDSA']]);
  const documented = (await server.request('/api/openapi.json')).body as { paths: Record<string, unknown> };
  assert.ok(JWKS_PATH in documented.paths);
  await server.close();

  // A restart: the same key from the same folder, so the token issued before still works.
  const again = await demoSigningKey(keyDir);
  assert.deepEqual([again.created, again.kid], [false, first.kid]);
  const restarted = await startWith(again.pem);
  const me = await restarted.request('/api/me', { headers: { authorization: `Bearer ${access}` } });
  assert.equal(me.status, 200);
  await restarted.close();
});
