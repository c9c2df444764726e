import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pbkdf2Runs } from '../support/pbkdf2-runs.js';
import knexFactory from 'knex';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import { createSimpleJwt } from '../../src/create-simple-jwt.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import { verifyDjangoPassword } from '../../src/stores/django-password.js';
import { KnexUserStore, UserExistsError } from '../../src/stores/knex-user-store.js';
import { migrate } from '../../src/stores/migrate.js';
import { statementsSent } from '../support/statements-sent.js';

// Django's own vector (tests/auth_tests/test_hashers.py): the password is 'lètmein'.
const DJANGO_HASH = 'pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=';
const ITERATIONS = 1000;
const SIGNING_KEY = 'test-signing-key-of-at-least-32-bytes!!';

let db: TestDatabase;
let users: KnexUserStore;

before(async () => {
  db = await createTestDatabase();
  await migrate(db.knex);
  users = new KnexUserStore(db.knex, { iterations: ITERATIONS });
  await users.createUser({ username: 'alice', password: 'alice-pw', email: 'alice@example.com', isStaff: true });
  await users.createUser({ username: 'idle', password: 'idle-pw', isActive: false });
});

after(() => db?.drop());

describe('KnexUserStore.authenticate', () => {
  it('returns the user, with every auth_user column in camelCase, for the right password', async () => {
    const user = await users.authenticate({ username: 'alice', password: 'alice-pw' });
    assert.ok(user);
    assert.equal(typeof user.id, 'number');
    assert.equal(user.username, 'alice');
    assert.equal(user.isActive, true);
    assert.equal(user.email, 'alice@example.com');
    assert.equal(user.firstName, '');
    assert.equal(user.lastName, '');
    assert.equal(user.isStaff, true);
    assert.equal(user.isSuperuser, false);
    assert.equal(user.lastLogin, null);
    assert.ok(user.dateJoined instanceof Date);
    assert.match(user.password, /^pbkdf2_sha256\$1000\$/);
  });

  it('returns null for a wrong password', async () => {
    assert.equal(await users.authenticate({ username: 'alice', password: 'wrong' }), null);
  });

  it('returns null for an unknown username', async () => {
    assert.equal(await users.authenticate({ username: 'nobody', password: 'alice-pw' }), null);
  });

  it('returns null, not a database error, for a username PostgreSQL cannot store (NUL)', async () => {
    assert.equal(await users.authenticate({ username: 'ali\u0000ce', password: 'alice-pw' }), null);
  });

  it('returns an inactive user with isActive false (the caller decides)', async () => {
    const user = await users.authenticate({ username: 'idle', password: 'idle-pw' });
    assert.ok(user);
    assert.equal(user.isActive, false);
  });

  it('spends one full hash verification, at the configured cost, on an unknown username', async () => {
    // Checked by what is hashed, not by timing: an unknown user must cost one PBKDF2 run with
    // the same iteration count as a real user's hash, so response time does not tell them apart.
    const verified: string[] = [];
    const counting = new KnexUserStore(db.knex, {
      iterations: 4321,
      verifyPassword: async (password, encoded) => {
        verified.push(encoded);
        return verifyDjangoPassword(password, encoded);
      },
    });
    await counting.createUser({ username: 'counted', password: 'counted-pw' });
    assert.equal(await counting.authenticate({ username: 'counted', password: 'wrong' }), null);
    assert.equal(await counting.authenticate({ username: 'nobody-counted', password: 'wrong' }), null);
    assert.equal(verified.length, 2);
    assert.deepEqual(verified.map((encoded) => encoded.split('$').slice(0, 2).join('$')), ['pbkdf2_sha256$4321', 'pbkdf2_sha256$4321']);
    assert.notEqual(verified[1], verified[0]);
  });

  it('spends one PBKDF2 run at the configured cost on a hash it cannot verify, as on an unknown username', async () => {
    // Django's CVE-2024-39329: a quick "no" for an SSO account (unusable password) or a hash of
    // another hasher would tell that the account exists. Checked by what is hashed, not by timing.
    const store = new KnexUserStore(db.knex, { iterations: 4321 });
    const unverifiable = {
      'cost-unusable': '!Wzsl5M7hPbHcS7ZyTqDBmB1OJhCZrFmHdsGsSd3x', // Django's set_unusable_password
      'cost-empty': '',
      'cost-argon2': 'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaA',
      'cost-bcrypt': 'bcrypt_sha256$$2b$12$abcdefghijklmnopqrstuuQjXhO1yUe3ZsJwY6bLvTE4rnBkJd6rS',
      'cost-malformed': 'pbkdf2_sha256$390000$seasalt$AAAA',
    };
    for (const [username, password] of Object.entries(unverifiable)) {
      await db.knex('auth_user').insert({
        username, password, email: '', is_active: true, is_staff: false, is_superuser: false,
        first_name: '', last_name: '', date_joined: new Date(),
      });
    }
    assert.deepEqual(await pbkdf2Runs(() => store.authenticate({ username: 'nobody-at-all', password: 'pw' })), [4321]);
    for (const username of Object.keys(unverifiable)) {
      const runs = await pbkdf2Runs(async () => {
        assert.equal(await store.authenticate({ username, password: 'pw' }), null);
      });
      assert.deepEqual(runs, [4321], username);
    }
  });

  it('authenticates a row inserted the way Django inserts it, with a hash made by Django', async () => {
    // Every column given explicitly, as Django's ORM does (its tables have no column defaults).
    await db.knex.raw(
      `insert into auth_user (password, last_login, is_superuser, username, first_name, last_name,
         email, is_staff, is_active, date_joined)
       values (?, null, false, 'django-user', 'Dj', 'Ango', 'dj@example.com', false, true, now())`,
      [DJANGO_HASH],
    );
    const user = await users.authenticate({ username: 'django-user', password: 'lètmein' });
    assert.ok(user);
    assert.equal(user.firstName, 'Dj');
    assert.equal(user.lastName, 'Ango');
    assert.equal(await users.authenticate({ username: 'django-user', password: 'letmein' }), null);
  });
});

describe('KnexUserStore.findUser', () => {
  it('finds a user by id given as a string, as token claims carry it', async () => {
    const alice = await users.findUser('username', 'alice');
    assert.ok(alice);
    const byId = await users.findUser('id', String(alice.id));
    assert.equal(byId?.username, 'alice');
  });

  it('finds a user by username and by another camelCase field', async () => {
    assert.equal((await users.findUser('username', 'alice'))?.email, 'alice@example.com');
    assert.equal((await users.findUser('email', 'alice@example.com'))?.username, 'alice');
  });

  it('returns null for an unknown value', async () => {
    assert.equal(await users.findUser('username', 'nobody'), null);
    assert.equal(await users.findUser('id', '999999'), null);
  });

  it('returns null, without a database error, for an id that is not an integer', async () => {
    for (const value of ['abc', '1.5', '', ' 1', '1e3', '0x1', '99999999999', '١']) {
      assert.equal(await users.findUser('id', value), null, JSON.stringify(value));
    }
  });

  it('returns null for a value several users share, and the user for a value only one has', async () => {
    const admin = await users.createUser({ username: 'shared-admin', password: 'admin-pw', email: 'shared@example.com', isSuperuser: true });
    await users.createUser({ username: 'shared-mallory', password: 'mallory-pw', email: 'shared@example.com' });
    assert.equal(await users.findUser('email', 'shared@example.com'), null);
    assert.equal((await users.findUser('id', String(admin.id)))?.username, 'shared-admin');
    assert.equal((await users.findUser('username', 'shared-admin'))?.isSuperuser, true);
  });

  it('answers concurrent lookups by id with one statement, each caller with a user object of its own', async () => {
    const alice = await users.findUser('username', 'alice');
    const idle = await users.findUser('username', 'idle');
    const ids = [String(alice!.id), String(idle!.id), '999999', String(alice!.id), 'abc'];
    let found: Array<Awaited<ReturnType<KnexUserStore['findUser']>>> = [];
    const sent = await statementsSent(db.knex, async () => {
      found = await Promise.all(ids.map((id) => users.findUser('id', id)));
    });
    assert.equal(sent, 1, 'one statement for the four lookups that reach the database');
    assert.deepEqual(found.map((user) => user?.username ?? null), ['alice', 'idle', null, 'alice', null]);
    assert.equal(found[1]!.isActive, false);
    assert.notEqual(found[0], found[3], 'two callers never share one object');
    assert.deepEqual(found[0], alice);
  });

  it('sends each lookup on its own with lookupBatching: false', async () => {
    const alone = new KnexUserStore(db.knex, { iterations: ITERATIONS, lookupBatching: false });
    const alice = await users.findUser('username', 'alice');
    const sent = await statementsSent(db.knex, () => Promise.all([1, 2, 3].map(() => alone.findUser('id', String(alice!.id)))));
    assert.equal(sent, 3);
  });

  it('rejects lookupBatching limits that are not positive integers with a TypeError naming the option', () => {
    assert.throws(() => new KnexUserStore(db.knex, { lookupBatching: { maxBatch: -1 } }), /lookupBatching\.maxBatch/);
  });

  it('throws a TypeError naming an unknown field', async () => {
    await assert.rejects(users.findUser('is_active', 'true'), { name: 'TypeError', message: /"is_active"/ });
    await assert.rejects(users.findUser('toString', 'x'), { name: 'TypeError', message: /"toString"/ });
  });
});

describe('KnexUserStore.updateLastLogin', () => {
  it('persists last_login for the user', async () => {
    const alice = await users.findUser('username', 'alice');
    assert.ok(alice);
    const at = new Date('2030-05-06T07:08:09.123Z');
    await users.updateLastLogin(alice, at);
    const row = await db.knex('auth_user').where('id', alice.id).first('last_login');
    assert.equal(row.last_login.toISOString(), at.toISOString());
    assert.equal((await users.findUser('id', String(alice.id)))?.lastLogin?.toISOString(), at.toISOString());
  });
});

describe('KnexUserStore admin helpers', () => {
  it('createUser stores a Django-format hash at the store iteration count', async () => {
    const user = await users.createUser({ username: 'carol', password: 'carol-pw', isSuperuser: true });
    assert.equal(user.isSuperuser, true);
    assert.equal(user.isActive, true);
    assert.match(user.password, /^pbkdf2_sha256\$1000\$[A-Za-z0-9]{22}\$/);
    assert.equal(await verifyDjangoPassword('carol-pw', user.password), true);
  });

  it('createUser rejects a taken username with UserExistsError', async () => {
    await assert.rejects(users.createUser({ username: 'alice', password: 'x' }), (error) => {
      assert.ok(error instanceof UserExistsError);
      assert.equal(error.code, 'user_exists');
      return true;
    });
  });

  it('setActive flips is_active and reports whether the user exists', async () => {
    assert.equal(await users.setActive('alice', false), true);
    assert.equal((await users.findUser('username', 'alice'))?.isActive, false);
    assert.equal(await users.setActive('alice', true), true);
    assert.equal((await users.findUser('username', 'alice'))?.isActive, true);
    assert.equal(await users.setActive('nobody', true), false);
  });
});

describe('KnexUserStore when the database fails', () => {
  const isUnavailable = (error: unknown) => {
    assert.ok(error instanceof ServiceUnavailableError, String(error));
    assert.equal(error.status, 503);
    assert.ok(error.cause !== undefined);
    return true;
  };

  it('throws ServiceUnavailableError from every method once the pool is closed', async () => {
    const closed = knexFactory({ client: 'pg', connection: db.connectionString });
    await closed.destroy();
    const store = new KnexUserStore(closed, { iterations: ITERATIONS });
    await assert.rejects(store.authenticate({ username: 'alice', password: 'alice-pw' }), isUnavailable);
    await assert.rejects(store.findUser('id', '1'), isUnavailable);
    // Concurrent lookups share a statement: each is refused with its own 503.
    await Promise.all(['1', '2', '1'].map((id) => assert.rejects(store.findUser('id', id), isUnavailable)));
    await assert.rejects(store.updateLastLogin({ id: 1, username: 'alice', isActive: true }, new Date()), isUnavailable);
    await assert.rejects(store.createUser({ username: 'dave', password: 'x' }), isUnavailable);
    await assert.rejects(store.setActive('alice', false), isUnavailable);
  });

  it('throws ServiceUnavailableError when the server refuses connections', async () => {
    const refused = knexFactory({
      client: 'pg',
      connection: 'postgres://postgres@127.0.0.1:1/none',
      log: { warn: () => undefined, error: () => undefined },
    });
    try {
      const store = new KnexUserStore(refused, { iterations: ITERATIONS });
      await assert.rejects(store.authenticate({ username: 'alice', password: 'alice-pw' }), isUnavailable);
      await assert.rejects(store.findUser('username', 'alice'), isUnavailable);
    } finally {
      await refused.destroy();
    }
  });

  it('throws ServiceUnavailableError when the table is missing', async () => {
    const store = new KnexUserStore(db.knex, { table: 'no_such_table', iterations: ITERATIONS });
    await assert.rejects(store.findUser('username', 'alice'), isUnavailable);
  });
});

describe('KnexUserStore with usernameField email', () => {
  it('authenticates by e-mail address; an address shared by two users matches neither', async () => {
    const byEmail = new KnexUserStore(db.knex, { iterations: ITERATIONS, usernameField: 'email' });
    assert.equal(byEmail.usernameField, 'email');
    assert.equal((await byEmail.authenticate({ username: 'alice@example.com', password: 'alice-pw' }))?.username, 'alice');
    assert.equal(await byEmail.authenticate({ username: 'alice', password: 'alice-pw' }), null);
    await users.createUser({ username: 'twin-a', password: 'twin-pw', email: 'twins@example.com' });
    await users.createUser({ username: 'twin-b', password: 'twin-pw', email: 'twins@example.com' });
    assert.equal(await byEmail.authenticate({ username: 'twins@example.com', password: 'twin-pw' }), null);
  });

  it('accepts only username or email', () => {
    assert.throws(() => new KnexUserStore(db.knex, { usernameField: 'first_name' as 'email' }), /usernameField/);
  });
});

describe('KnexUserStore behind createSimpleJwt with userIdField email', () => {
  // The reviewer's repro: mallory shares the superuser's address and logs in with her own
  // password; the token must not authenticate as whichever of the two rows comes first.
  it('authenticate rejects a token whose e-mail several users share with user_not_found', async () => {
    await users.createUser({ username: 'repro-admin', password: 'admin-pw', email: 'repro@example.com', isSuperuser: true });
    await users.createUser({ username: 'repro-mallory', password: 'mallory-pw', email: 'repro@example.com' });
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userIdField: 'email', userStore: users });
    const { access, refresh } = await jwt.obtainTokenPair({ username: 'repro-mallory', password: 'mallory-pw' });
    await assert.rejects(jwt.authenticate(`Bearer ${access}`, 'jwt'), { code: 'user_not_found', status: 401 });
    await assert.rejects(jwt.refreshAccessToken(refresh), { code: 'no_active_account', status: 401 });
  });

  it('authenticate resolves the user whose e-mail is theirs alone', async () => {
    await users.createUser({ username: 'solo', password: 'solo-pw', email: 'solo@example.com' });
    const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userIdField: 'email', userStore: users });
    const { access } = await jwt.obtainTokenPair({ username: 'solo', password: 'solo-pw' });
    const { user } = await jwt.authenticate(`Bearer ${access}`, 'jwt');
    assert.equal(user?.username, 'solo');
  });
});
