// Each of Ninja JWT's controllers mountable on its own, and the settings the profile adds.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase, SIGNING_KEY } from '../../support/demo.js';
import { startTwoProfileApp } from '../../support/two-profile-app.js';
import { AccessToken, createSimpleJwt, KnexUserStore, SettingsError } from '../../../src/index.js';
import type { TestDatabase } from '../../../examples/support/database.js';

let db: TestDatabase;
before(async () => {
  db = await setUpDatabase();
});
after(async () => {
  await db?.drop();
});

/** The status of a POST to each of the profile's paths under /ninja. */
async function mountedPaths(controllers: readonly ('default' | 'sliding' | 'blacklist')[]): Promise<string[]> {
  const { server } = await startTwoProfileApp(db, {}, { profile: 'ninja-jwt', prefix: '/ninja', controllers });
  try {
    const found: string[] = [];
    for (const path of ['/token/pair', '/token/refresh', '/token/verify', '/token/sliding', '/token/sliding/refresh', '/token/blacklist']) {
      if ((await server.post(`/ninja${path}`, {})).status !== 404) found.push(path);
    }
    return found;
  } finally {
    await server.close();
  }
}

test('each Ninja JWT controller mounts on its own: default, sliding, blacklist', async () => {
  assert.deepEqual(await mountedPaths(['default']), ['/token/pair', '/token/refresh', '/token/verify']);
  assert.deepEqual(await mountedPaths(['sliding']), ['/token/verify', '/token/sliding', '/token/sliding/refresh']);
  assert.deepEqual(await mountedPaths(['blacklist']), ['/token/blacklist']);
  assert.deepEqual(await mountedPaths(['default', 'blacklist']), ['/token/pair', '/token/refresh', '/token/verify', '/token/blacklist']);
});

test('updateLastLogin records the login on the profile\'s obtain', async () => {
  const { server, users } = await startTwoProfileApp(db, { updateLastLogin: true });
  try {
    await users.createUser({ username: 'logger', password: 'logger-password' });
    assert.equal((await server.post('/ninja/token/pair', { username: 'logger', password: 'logger-password' })).status, 200);
    assert.ok((await users.findUser('username', 'logger'))?.lastLogin instanceof Date);
  } finally {
    await server.close();
  }
});

test('a login name with a NUL character is an unknown user (401), never a database error', async () => {
  const { server } = await startTwoProfileApp(db);
  try {
    const response = await server.post('/ninja/token/pair', { username: 'a\u0000b', password: 'x' });
    assert.equal(response.status, 401);
  } finally {
    await server.close();
  }
});

test('a body over 2.5 MB is a JSON 413, as on the Simple JWT profile', async () => {
  const { server } = await startTwoProfileApp(db);
  try {
    const response = await server.post('/ninja/token/verify', { token: 'x'.repeat(2_700_000) });
    assert.equal(response.status, 413);
    assert.deepEqual(response.body, { detail: 'Request body exceeded 2621440 bytes.' });
  } finally {
    await server.close();
  }
});

test('routes() refuses an unknown controller, an empty list and the blacklist controller without a store', () => {
  const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: new KnexUserStore(db.knex) });
  assert.throws(() => jwt.routes({ profile: 'ninja-jwt', controllers: ['pair' as 'default'] }), (error: unknown) => error instanceof SettingsError && error.setting === 'controllers');
  assert.throws(() => jwt.routes({ profile: 'ninja-jwt', controllers: [] }), (error: unknown) => error instanceof SettingsError && error.setting === 'controllers');
  assert.throws(() => jwt.routes({ profile: 'ninja-jwt', controllers: ['blacklist'] }), (error: unknown) => error instanceof SettingsError && error.setting === 'blacklistStore');
  assert.equal(typeof jwt.routes({ profile: 'ninja-jwt' }), 'function', 'without a store the default mounts default and sliding');
});

test('securityProfiles must name configured security names and known profiles', () => {
  const base = { signingKey: SIGNING_KEY, authTokenClasses: { jwt: [AccessToken] } };
  assert.throws(() => createSimpleJwt({ ...base, securityProfiles: { other: 'ninja-jwt' } }), /securityProfiles.*"other" is not a security name/);
  assert.throws(() => createSimpleJwt({ ...base, securityProfiles: { jwt: 'ninja' as 'ninja-jwt' } }), /securityProfiles.*expected "simple-jwt" or "ninja-jwt"/);
  assert.throws(() => createSimpleJwt({ ...base, securityProfiles: ['jwt'] as unknown as Record<string, 'ninja-jwt'> }), /securityProfiles/);
  assert.deepEqual(createSimpleJwt({ ...base, securityProfiles: { jwt: 'ninja-jwt' } }).settings.securityProfiles, { jwt: 'ninja-jwt' });
  assert.deepEqual(createSimpleJwt(base).settings.securityProfiles, {});
});

test('behind jwt.middleware() an app-wide body parser stays off the profile\'s paths, and protect() answers a Ninja security name in Ninja\'s shape', async () => {
  const { default: Koa } = await import('koa');
  const { default: bodyParser } = await import('koa-bodyparser');
  const { serve } = await import('../../support/http.js');
  const users = new KnexUserStore(db.knex, { iterations: 1000 });
  await users.createUser({ username: 'parsed', password: 'parsed-password' });
  const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, authTokenClasses: { ninja: [AccessToken] }, securityProfiles: { ninja: 'ninja-jwt' } });
  const app = new Koa();
  app.silent = true;
  app.use(jwt.middleware());
  app.use(bodyParser());
  app.use(jwt.routes({ profile: 'ninja-jwt' }));
  app.use(jwt.protect('ninja', { unless: { path: ['/open'] } }));
  app.use((ctx) => {
    ctx.body = { user: (ctx.state.user as { username?: string } | undefined)?.username ?? null };
  });
  const server = await serve(app);
  try {
    const form = await server.request('/token/pair', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=parsed&password=parsed-password' });
    assert.deepEqual([form.status, form.body], [400, { detail: 'Cannot parse request body' }]);
    const pair = await server.post('/token/pair', { username: 'parsed', password: 'parsed-password' });
    assert.equal(pair.status, 200);
    const refused = await server.request('/private');
    assert.deepEqual([refused.status, refused.body, refused.headers.get('www-authenticate')], [401, { detail: 'Unauthorized' }, null]);
    const allowed = await server.request('/private', { headers: { authorization: `bearer ${(pair.body as { access: string }).access}` } });
    assert.deepEqual([allowed.status, allowed.body], [200, { user: 'parsed' }]);
  } finally {
    await server.close();
  }
});
