import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import { runCliCaptured } from '../support/cli.js';
import { verifyDjangoPassword } from '../../src/stores/django-password.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db?.drop());

/** Runs the CLI in-process against the test database; KSJWT_PASSWORD is not inherited. */
function cli(argv: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: db.connectionString }) {
  return runCliCaptured(argv, env);
}

async function userRow(username: string) {
  return db.knex('auth_user').where({ username }).first();
}

describe('koa-simple-jwt CLI', () => {
  it('migrate creates the tables, and says so; a second run has nothing to apply', async () => {
    const first = await cli(['migrate']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Applied \d+ migrations?:\n {2}20260101000000_auth_user\.js/);
    assert.equal(await db.knex.schema.hasTable('auth_user'), true);
    const second = await cli(['migrate']);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /No migrations to apply/);
  });

  it('create-user stores an active user with a Django hash of the given password', async () => {
    const result = await cli(['create-user', 'alice', '--password', 'alice-pw', '--email', 'a@example.com', '--iterations', '1000']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Created user "alice" \(id \d+, active\)/);
    const row = await userRow('alice');
    assert.equal(row.email, 'a@example.com');
    assert.equal(row.is_active, true);
    assert.equal(row.is_staff, false);
    assert.match(row.password, /^pbkdf2_sha256\$1000\$/);
    assert.equal(await verifyDjangoPassword('alice-pw', row.password), true);
  });

  it('create-user takes the password from KSJWT_PASSWORD and honours --inactive --staff --superuser', async () => {
    const result = await cli(['create-user', 'bob', '--inactive', '--staff', '--superuser', '--iterations', '1000'], {
      DATABASE_URL: db.connectionString,
      KSJWT_PASSWORD: 'bob-pw',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /"bob" \(id \d+, inactive, staff, superuser\)/);
    const row = await userRow('bob');
    assert.deepEqual([row.is_active, row.is_staff, row.is_superuser], [false, true, true]);
    assert.equal(await verifyDjangoPassword('bob-pw', row.password), true);
  });

  it('create-user fails with exit code 1 for a taken username', async () => {
    const result = await cli(['create-user', 'alice', '--password', 'x', '--iterations', '1000']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /"alice" already exists/);
  });

  it('create-user without a password is a usage error (exit code 2)', async () => {
    const result = await cli(['create-user', 'carol']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /KSJWT_PASSWORD/);
    assert.match(result.stderr, /usage: koa-simple-jwt create-user/);
    assert.equal(await userRow('carol'), undefined);
  });

  it('deactivate and activate flip is_active', async () => {
    const off = await cli(['deactivate', 'alice']);
    assert.equal(off.code, 0, off.stderr);
    assert.match(off.stdout, /Deactivated user "alice"/);
    assert.equal((await userRow('alice')).is_active, false);
    const on = await cli(['activate', 'alice']);
    assert.equal(on.code, 0, on.stderr);
    assert.match(on.stdout, /Activated user "alice"/);
    assert.equal((await userRow('alice')).is_active, true);
  });

  it('activate fails with exit code 1 for an unknown user', async () => {
    const result = await cli(['activate', 'nobody']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No user named "nobody"/);
  });

  it('migrate --down rolls back and reports what it undid', async () => {
    await db.knex('auth_user').delete();
    const result = await cli(['migrate', '--down']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Rolled back \d+ migrations?:/);
    assert.equal(await db.knex.schema.hasTable('auth_user'), false);
  });

  it('exits with code 2 and names DATABASE_URL when it is missing', async () => {
    const result = await cli(['migrate'], {});
    assert.equal(result.code, 2);
    assert.match(result.stderr, /DATABASE_URL is not set/);
  });

  it('exits with code 1 and the reason when the database is unreachable', async () => {
    const result = await cli(['activate', 'alice'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /database unavailable: .*ECONNREFUSED/);
  });

  it('exits with code 2 for an unknown command or option', async () => {
    const command = await cli(['frobnicate']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command "frobnicate"/);
    const option = await cli(['migrate', '--sideways']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /--sideways/);
  });

  it('help lists every command and exits 0', async () => {
    const result = await cli(['help'], {});
    assert.equal(result.code, 0);
    for (const name of ['migrate', 'create-user', 'activate', 'deactivate', 'help']) {
      assert.match(result.stdout, new RegExp(`^ {2}${name} `, 'm'));
    }
  });

  it('the executable sets the process exit code (2 without DATABASE_URL)', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate'], {
      cwd: ROOT,
      env,
    });
    await assert.rejects(run, (error: { code?: number; stderr?: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr ?? '', /DATABASE_URL is not set/);
      return true;
    });
  });
});

describe('koa-simple-jwt CLI: usage and failures, one line each', () => {
  let fresh: TestDatabase;
  before(async () => {
    fresh = await createTestDatabase();
  });
  after(() => fresh?.drop());
  const run = (argv: string[]) => runCliCaptured(argv, { DATABASE_URL: fresh.connectionString });

  it('without a command: the overview on stderr, exit 2', async () => {
    const result = await run([]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /usage: koa-simple-jwt <command>/);
  });

  it('migrate refuses a stray argument like every other command', async () => {
    const result = await run(['migrate', 'extra']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unexpected argument "extra"/);
  });

  it('create-user refuses a username longer than auth_user allows before touching the database', async () => {
    const result = await run(['create-user', 'a'.repeat(151), '--password', 'pw']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /151 characters long; at most 150/);
  });

  it('a query failure is a database error on one line, without the SQL; a missing table says to migrate', async () => {
    const result = await run(['list-tokens', '1']);
    assert.equal(result.code, 1);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.equal(lines[0], 'koa-simple-jwt: database error: relation "token_blacklist_outstandingtoken" does not exist (run "koa-simple-jwt migrate" first)');
  });
});
