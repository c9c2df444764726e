import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase, SIGNING_KEY, ITERATIONS } from '../support/demo.js';
import { eventually, terminateListeners } from '../support/eventually.js';
import { serve } from '../support/http.js';
import { createDemoApp } from '../../examples/demo/app.js';
import { CachedUserStore, USER_LISTENER_APPLICATION_NAME } from '../../src/stores/cached-user-store.js';
import { KnexUserStore } from '../../src/stores/knex-user-store.js';
import { makeDjangoPassword } from '../../src/stores/django-password.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { AuthUser, UserStore } from '../../src/stores/user-store.js';

let db: TestDatabase;
let users: KnexUserStore;
let counter = 0;

before(async () => {
  db = await setUpDatabase();
  users = new KnexUserStore(db.knex, { iterations: ITERATIONS });
});
after(() => db?.drop());

async function newUser(): Promise<AuthUser> {
  counter += 1;
  return users.createUser({ username: `user${counter}`, password: 'pw' });
}

/** The Knex store, counting the lookups that reach the database. */
function counting(store: UserStore): UserStore & { lookups: number } {
  const counted = Object.create(store, {
    findUser: { value: (field: string, value: string) => ((counted.lookups += 1), store.findUser(field, value)) },
  }) as UserStore & { lookups: number };
  counted.lookups = 0;
  return counted;
}

const killListener = () => terminateListeners(db.knex, db.connectionString, USER_LISTENER_APPLICATION_NAME);

describe('CachedUserStore', () => {
  test('answers a user seen before from memory, with a copy each caller may change', async () => {
    const user = await newUser();
    const store = counting(users);
    const cache = await CachedUserStore.start(store, { connection: db.connectionString });
    try {
      assert.equal(cache.state, 'in-sync');
      const first = await cache.findUser('id', String(user.id));
      const second = await cache.findUser('id', String(user.id));
      assert.equal(store.lookups, 1);
      assert.deepEqual(second, first);
      second!.username = 'changed by one request';
      assert.equal((await cache.findUser('id', String(user.id)))!.username, user.username);
      assert.equal(await cache.findUser('id', '999999'), null);
      assert.equal(await cache.findUser('id', '999999'), null);
      assert.equal(store.lookups, 3, 'users not found are asked for every time');
    } finally {
      await cache.close();
    }
  });

  test('forgets a user when another writer changes or deletes the row in SQL (as Django would)', async () => {
    const user = await newUser();
    const cache = await CachedUserStore.start(users, { connection: db.connectionString });
    try {
      assert.equal((await cache.findUser('id', String(user.id)))!.isActive, true);
      await db.knex('auth_user').where('id', user.id).update({ is_active: false });
      const ms = await eventually(async () => (await cache.findUser('id', String(user.id)))!.isActive === false);
      console.log(`# NOTIFY reached the user cache in ${ms.toFixed(1)} ms`);
      const password = await makeDjangoPassword('new password', { iterations: ITERATIONS });
      await db.knex('auth_user').where('id', user.id).update({ password });
      await eventually(async () => (await cache.findUser('id', String(user.id)))!.password === password);
      await db.knex('auth_user').where('id', user.id).delete();
      await eventually(async () => (await cache.findUser('id', String(user.id))) === null);
    } finally {
      await cache.close();
    }
  });

  test('a user cached under another field (username) is forgotten by its id too', async () => {
    const user = await newUser();
    const cache = await CachedUserStore.start(users, { connection: db.connectionString });
    try {
      await cache.findUser('username', user.username);
      await db.knex('auth_user').where('id', user.id).update({ username: `${user.username}-renamed` });
      await eventually(async () => (await cache.findUser('username', user.username)) === null);
      assert.equal(cache.size, 0);
    } finally {
      await cache.close();
    }
  });

  test('a lookup that overlaps a change is answered but not cached', async () => {
    const [user, canary] = [await newUser(), await newUser()];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = Object.create(users, {
      // Reads the row, then waits at the gate for user: what it returns is older than the change below.
      findUser: {
        value: async (field: string, value: string) => {
          const found = await users.findUser(field, value);
          if (value === String(user.id)) await gate;
          return found;
        },
      },
    }) as UserStore;
    const cache = await CachedUserStore.start(slow, { connection: db.connectionString });
    try {
      await cache.findUser('id', String(canary.id));
      assert.equal(cache.size, 1);
      const pending = cache.findUser('id', String(user.id));
      await new Promise((resolve) => setTimeout(resolve, 50));
      // One transaction, user's row first: once the canary is forgotten, user's notice has arrived.
      await db.knex.transaction(async (trx) => {
        await trx('auth_user').where('id', user.id).update({ is_active: false });
        await trx('auth_user').where('id', canary.id).update({ first_name: 'canary' });
      });
      await eventually(() => cache.size === 0);
      release();
      assert.equal((await pending)!.isActive, true, 'the overlapping lookup returns what it read');
      assert.equal(cache.size, 0, 'but does not keep it');
      assert.equal((await cache.findUser('id', String(user.id)))!.isActive, false);
    } finally {
      release();
      await cache.close();
    }
  });

  test('holds at most maxEntries users, dropping the least recently used', async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    const store = counting(users);
    const cache = await CachedUserStore.start(store, { connection: db.connectionString, maxEntries: 2 });
    try {
      await cache.findUser('id', String(a.id));
      await cache.findUser('id', String(b.id));
      await cache.findUser('id', String(a.id));
      await cache.findUser('id', String(c.id));
      assert.equal(cache.size, 2);
      assert.equal(store.lookups, 3);
      await cache.findUser('id', String(a.id));
      assert.equal(store.lookups, 3, 'a was used recently and kept');
      await cache.findUser('id', String(b.id));
      assert.equal(store.lookups, 4, 'b was the least recently used and dropped');
    } finally {
      await cache.close();
    }
    await assert.rejects(CachedUserStore.start(users, { connection: db.connectionString, maxEntries: 0 }), /maxEntries/);
  });

  test('fails closed while its listening connection is down, and recovers by itself', async () => {
    const user = await newUser();
    const store = counting(users);
    const cache = await CachedUserStore.start(store, { connection: db.connectionString, reconnectDelayMs: 300 });
    try {
      await cache.findUser('id', String(user.id));
      assert.equal(await killListener(), 1);
      await eventually(() => cache.state === 'reconnecting');
      assert.equal(cache.size, 0, 'memory is dropped with the connection');
      // A change made while nobody listens is still seen: lookups go to the database.
      await db.knex('auth_user').where('id', user.id).update({ is_active: false });
      const lookups = store.lookups;
      assert.equal((await cache.findUser('id', String(user.id)))!.isActive, false);
      assert.equal(store.lookups, lookups + 1);
      await eventually(() => cache.state === 'in-sync');
      await cache.findUser('id', String(user.id));
      await cache.findUser('id', String(user.id));
      assert.equal(store.lookups, lookups + 2, 'cached again once back in sync');
    } finally {
      await cache.close();
    }
  });

  test('answers from the wrapped store when it cannot connect at start', async () => {
    const user = await newUser();
    const store = counting(users);
    const cache = await CachedUserStore.start(store, { connection: 'postgres://postgres@127.0.0.1:1/nowhere', reconnectDelayMs: 1000 });
    try {
      assert.notEqual(cache.state, 'in-sync');
      await cache.findUser('id', String(user.id));
      await cache.findUser('id', String(user.id));
      assert.equal(store.lookups, 2);
    } finally {
      await cache.close();
    }
  });
});

describe('the demo app with cached users', () => {
  test('a deactivation or a password change made in SQL refuses the next request, as without the cache', async () => {
    const user = await users.createUser({ username: 'cached-http', password: 'pw-one' });
    const cache = await CachedUserStore.start(new KnexUserStore(db.knex, { iterations: ITERATIONS }), { connection: db.connectionString });
    const { app } = createDemoApp({ knex: db.knex, signingKey: SIGNING_KEY, iterations: ITERATIONS, settings: { checkRevokeToken: true }, userStore: () => cache });
    app.silent = true;
    const server = await serve(app);
    try {
      const login = async () => ((await server.post('/api/token', { username: 'cached-http', password: 'pw-one' })).body as { access: string }).access;
      let access = await login();
      const me = () => server.request('/api/me', { headers: { authorization: `Bearer ${access}` } });
      assert.equal((await me()).status, 200);
      assert.equal((await me()).status, 200);
      await db.knex('auth_user').where('id', user.id).update({ is_active: false });
      await eventually(async () => (await me()).status === 401);
      assert.deepEqual((await me()).body, { detail: 'User is inactive', code: 'user_inactive' });

      await db.knex('auth_user').where('id', user.id).update({ is_active: true });
      access = await login();
      await eventually(async () => (await me()).status === 200);
      await db.knex('auth_user').where('id', user.id).update({ password: await makeDjangoPassword('pw-two', { iterations: ITERATIONS }) });
      await eventually(async () => (await me()).status === 401);
      assert.deepEqual((await me()).body, { detail: "The user's password has been changed.", code: 'password_changed' });
    } finally {
      await server.close();
      await cache.close();
    }
  });
});
