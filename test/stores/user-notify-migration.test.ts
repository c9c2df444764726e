import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import { USER_CHANNEL } from '../../src/stores/cached-user-store.js';
import { KnexUserStore } from '../../src/stores/knex-user-store.js';
import { migrate } from '../../src/stores/migrate.js';

interface MigrationModule {
  up(knex: unknown): Promise<void>;
  down(knex: unknown): Promise<void>;
}

let db: TestDatabase;
let users: KnexUserStore;
let listener: pg.Client;
let received: string[] = [];
let markers = 0;

before(async () => {
  db = await createTestDatabase();
  await migrate(db.knex);
  users = new KnexUserStore(db.knex, { iterations: 1000 });
  listener = new pg.Client({ connectionString: db.connectionString });
  await listener.connect();
  listener.on('notification', (message) => received.push(message.payload ?? ''));
  await listener.query(`LISTEN ${USER_CHANNEL}`);
});

after(async () => {
  await listener?.end();
  await db?.drop();
});

/**
 * What the trigger announced for `change`: PostgreSQL delivers notifications in commit order, so
 * once a marker sent after `change` committed is back, every notification of `change` is too.
 */
async function announced(change: () => Promise<unknown>): Promise<string[]> {
  received = [];
  await change();
  markers += 1;
  const marker = `marker-${markers}`;
  await db.knex.raw('select pg_notify(?, ?)', [USER_CHANNEL, marker]);
  while (!received.includes(marker)) await new Promise((resolve) => setTimeout(resolve, 5));
  return received.filter((payload) => payload !== marker);
}

async function newUser(username: string) {
  return users.createUser({ username, password: 'pw' });
}

describe('migration 20260106000000_user_notify_columns', () => {
  it('announces nothing for a login that only writes last_login', async () => {
    const user = await newUser('logs-in');
    assert.deepEqual(await announced(() => users.updateLastLogin(user, new Date())), []);
    assert.deepEqual(await announced(() => db.knex('auth_user').where('id', user.id).update({ last_login: null })), []);
  });

  it('announces nothing for an update that changes no value', async () => {
    const user = await newUser('unchanged');
    assert.deepEqual(await announced(() => db.knex('auth_user').where('id', user.id).update({ is_active: true })), []);
  });

  it('announces the id when a column other than last_login changes, also together with last_login', async () => {
    const user = await newUser('changes');
    const id = String(user.id);
    const changes: Record<string, unknown>[] = [
      { is_active: false },
      { password: 'pbkdf2_sha256$1000$salt$other' },
      { username: 'changes-renamed' },
      { email: 'new@example.com' },
      { is_staff: true },
      { first_name: 'Ada', last_login: new Date() },
    ];
    for (const change of changes) {
      assert.deepEqual(await announced(() => db.knex('auth_user').where('id', user.id).update(change)), [id], JSON.stringify(change));
    }
  });

  it('announces the old id when the id changes, and a deleted user', async () => {
    const user = await newUser('moves');
    assert.deepEqual(await announced(() => db.knex('auth_user').where('id', user.id).update({ id: user.id + 100_000 })), [String(user.id)]);
    assert.deepEqual(await announced(() => db.knex('auth_user').where('id', user.id + 100_000).delete()), [String(user.id + 100_000)]);
  });

  it('rolls back to the trigger that announces every update', async () => {
    // Through a variable: the migration is plain JavaScript, outside the type-checked sources.
    const file = '../../migrations/20260106000000_user_notify_columns.js';
    const migration = (await import(file)) as MigrationModule;
    await migration.down(db.knex);
    try {
      const user = await users.findUser('username', 'logs-in');
      assert.ok(user);
      assert.deepEqual(await announced(() => users.updateLastLogin(user, new Date())), [String(user.id)]);
    } finally {
      await migration.up(db.knex);
    }
  });
});
