import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import { runCliCaptured } from '../support/cli.js';
import type { OutstandingToken } from '../../src/stores/blacklist-store.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { KnexUserStore } from '../../src/stores/knex-user-store.js';
import { migrate } from '../../src/stores/migrate.js';

const HOUR = 3_600_000;

let db: TestDatabase;
let store: KnexBlacklistStore;
let users: KnexUserStore;

before(async () => {
  db = await createTestDatabase();
  await migrate(db.knex);
  store = new KnexBlacklistStore(db.knex);
  users = new KnexUserStore(db.knex, { iterations: 1000 });
});
after(() => db?.drop());

/** Runs the CLI in-process against the test database. */
function cli(argv: string[], env: NodeJS.ProcessEnv = { DATABASE_URL: db.connectionString }) {
  return runCliCaptured(argv, env);
}

/** A token of `userId` issued `issuedHoursAgo` hours ago, expiring in `expiresInHours` (negative: expired). */
function token(jti: string, userId: string | null, issuedHoursAgo = 1, expiresInHours = 24): OutstandingToken {
  const now = Date.now();
  return {
    jti,
    userId,
    token: `t.${jti}.s`,
    createdAt: new Date(now - issuedHoursAgo * HOUR),
    expiresAt: new Date(now + expiresInHours * HOUR),
  };
}

async function newUserId(username: string): Promise<string> {
  return String((await users.createUser({ username, password: 'pw' })).id);
}

describe('flush-expired', () => {
  it('deletes expired tokens in batches, printing progress after each full batch and the total', async () => {
    for (let i = 1; i <= 5; i += 1) await store.outstand(token(`old-${i}`, null, 48, -1));
    await store.blacklist(token('old-1', null, 48, -1));
    await store.blacklist(token('old-2', null, 48, -1));
    await store.outstand(token('fresh', null));

    const result = await cli(['flush-expired', '--batch-size', '2']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Deleted 2 so far...\nDeleted 4 so far...\nDeleted 5 expired tokens.\n');
    assert.deepEqual(await db.knex('token_blacklist_outstandingtoken').pluck('jti'), ['fresh']);
    assert.equal((await db.knex('token_blacklist_blacklistedtoken').count({ n: '*' }))[0]?.n, '0');
  });

  it('says so when there is nothing to delete', async () => {
    const result = await cli(['flush-expired']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'Deleted 0 expired tokens.\n');
  });

  it('rejects a --batch-size that is not a positive integer (exit code 2)', async () => {
    for (const size of ['0', '-3', 'ten']) {
      const result = await cli(['flush-expired', `--batch-size=${size}`]);
      assert.equal(result.code, 2, size);
      assert.match(result.stderr, /--batch-size must be a positive integer/);
      assert.match(result.stderr, /usage: koa-simple-jwt flush-expired/);
    }
  });
});

describe('revoke-user', () => {
  it("blacklists every live token of the user and prints the count; a second run finds none", async () => {
    const userId = await newUserId('revoked');
    const otherId = await newUserId('bystander');
    for (const jti of ['r-1', 'r-2', 'r-3']) await store.outstand(token(jti, userId));
    await store.outstand(token('b-1', otherId));

    const first = await cli(['revoke-user', userId]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `Blacklisted 3 tokens of user ${userId}.\nEvery token of user ${userId} issued until now is refused, access tokens included (revoked_before).\n`);
    const [revocation] = await db.knex('koa_simple_jwt_user_revocation').where({ user_id: userId });
    assert.ok(revocation.revoked_before instanceof Date);
    for (const jti of ['r-1', 'r-2', 'r-3']) assert.equal(await store.isBlacklisted(jti), true);
    assert.equal(await store.isBlacklisted('b-1'), false);

    const second = await cli(['revoke-user', userId]);
    assert.match(second.stdout, new RegExp(`^Blacklisted 0 tokens of user ${userId}\\.\n`));
  });

  it('rejects a missing or non-integer user id (exit code 2)', async () => {
    const missing = await cli(['revoke-user']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing <user-id>/);
    const word = await cli(['revoke-user', 'alice']);
    assert.equal(word.code, 2);
    assert.match(word.stderr, /<user-id> must be an integer user id, got "alice"/);
  });
});

describe('blacklist and unblacklist', () => {
  before(async () => {
    await store.outstand(token('manual', null));
  });

  it('blacklist blacklists a recorded jti, and says when it already was', async () => {
    const first = await cli(['blacklist', 'manual']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'Blacklisted token manual.\n');
    assert.equal(await store.isBlacklisted('manual'), true);
    const again = await cli(['blacklist', 'manual']);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, 'Token manual was already blacklisted.\n');
  });

  it('blacklist fails with exit code 1 for a jti no outstanding token has, and records nothing', async () => {
    const result = await cli(['blacklist', 'nobody-knows']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'koa-simple-jwt: No outstanding token has jti nobody-knows; nothing was blacklisted.\n');
    assert.equal(await db.knex('token_blacklist_outstandingtoken').where({ jti: 'nobody-knows' }).first(), undefined);
  });

  it('unblacklist lifts the entry; a second time it fails with exit code 1 (not blacklisted)', async () => {
    const first = await cli(['unblacklist', 'manual']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, 'Removed token manual from the blacklist.\n');
    assert.equal(await store.isBlacklisted('manual'), false);
    const again = await cli(['unblacklist', 'manual']);
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'koa-simple-jwt: Token manual is not blacklisted.\n');
  });

  it('unblacklist fails with exit code 1 for an unknown jti', async () => {
    const result = await cli(['unblacklist', 'nobody-knows']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'koa-simple-jwt: No outstanding token has jti nobody-knows.\n');
  });

  it('both need exactly one <jti> (exit code 2)', async () => {
    for (const argv of [['blacklist'], ['unblacklist'], ['blacklist', 'a', 'b']]) {
      const result = await cli(argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.match(result.stderr, /missing <jti>|unexpected argument "b"/);
    }
  });
});

describe('list-tokens', () => {
  it('prints a table of the user’s tokens, newest first, with blacklist times', async () => {
    const userId = await newUserId('lister');
    const older = token('list-older', userId, 3);
    const newer = token('list-newer-with-a-longer-jti', userId, 2);
    await store.outstand(older);
    await store.outstand(newer);
    await store.blacklist(older);
    const [blacklistedAt] = await db.knex('token_blacklist_blacklistedtoken')
      .join('token_blacklist_outstandingtoken', 'token_blacklist_outstandingtoken.id', 'token_id')
      .where({ jti: 'list-older' })
      .pluck('blacklisted_at');
    const iso = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

    const result = await cli(['list-tokens', userId]);
    assert.equal(result.code, 0, result.stderr);
    const width = newer.jti.length;
    assert.equal(
      result.stdout,
      [
        `${'jti'.padEnd(width)}  created               expires               blacklisted           family`,
        `${newer.jti}  ${iso(newer.createdAt as Date)}  ${iso(newer.expiresAt)}  -                     -`,
        `${older.jti.padEnd(width)}  ${iso(older.createdAt as Date)}  ${iso(older.expiresAt)}  ${iso(blacklistedAt)}  -`,
        '',
      ].join('\n'),
    );
  });

  it('says when the user has no outstanding tokens', async () => {
    const result = await cli(['list-tokens', '2000000000']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'User 2000000000 has no outstanding tokens.\n');
  });
});

describe('blacklist commands and the CLI around them', () => {
  it('help lists each of them', async () => {
    const result = await cli(['help'], {});
    assert.equal(result.code, 0);
    for (const name of ['flush-expired', 'revoke-user', 'blacklist', 'unblacklist', 'list-tokens']) {
      assert.match(result.stdout, new RegExp(`^ {2}${name} `, 'm'));
    }
  });

  it('exit with code 1 and the reason when the database is unreachable', async () => {
    const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
    for (const argv of [['flush-expired'], ['revoke-user', '1'], ['blacklist', 'x'], ['unblacklist', 'x'], ['list-tokens', '1']]) {
      const result = await cli(argv, env);
      assert.equal(result.code, 1, argv[0]);
      assert.match(result.stderr, /database unavailable: .*ECONNREFUSED/, argv[0]);
    }
  });
});
