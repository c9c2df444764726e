import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import knexFactory, { type Knex } from 'knex';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import { ServiceUnavailableError } from '../../src/errors.js';
import type { OutstandingToken } from '../../src/stores/blacklist-store.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { KnexUserStore } from '../../src/stores/knex-user-store.js';
import { migrate } from '../../src/stores/migrate.js';
import { flushExpiredTokens, revokeUserTokens } from '../../src/stores/revocation.js';
import { statementsSent } from '../support/statements-sent.js';

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';
const HOUR = 3_600_000;
const NOW = new Date('2026-03-01T12:00:00.000Z');
const BLACKLISTED_AT = new Date('2026-03-01T12:30:00.000Z');

let db: TestDatabase;
let store: KnexBlacklistStore;
let users: KnexUserStore;
let sequence = 0;

before(async () => {
  db = await createTestDatabase();
  await migrate(db.knex);
  store = new KnexBlacklistStore(db.knex, { clock: { now: () => BLACKLISTED_AT } });
  users = new KnexUserStore(db.knex, { iterations: 1000 });
});

after(() => db?.drop());

/** A token record with a fresh jti, issued at NOW and expiring in a day unless told otherwise. */
function token(overrides: Partial<OutstandingToken> = {}): OutstandingToken {
  sequence += 1;
  const jti = overrides.jti ?? `jti-${sequence}-${Math.random().toString(16).slice(2)}`;
  return {
    jti,
    userId: null,
    token: `header.payload-of-${jti}.signature`,
    createdAt: NOW,
    expiresAt: new Date(NOW.getTime() + 24 * HOUR),
    ...overrides,
  };
}

async function newUserId(): Promise<string> {
  sequence += 1;
  const user = await users.createUser({ username: `user-${sequence}`, password: 'pw' });
  return String(user.id);
}

async function outstandingRows(jti: string) {
  return db.knex(OUTSTANDING).where({ jti });
}

async function blacklistRows(jti: string) {
  return db.knex(BLACKLISTED).join(OUTSTANDING, `${OUTSTANDING}.id`, `${BLACKLISTED}.token_id`).where({ jti });
}

describe('KnexBlacklistStore.outstand', () => {
  it('records the user, jti, token string, created_at and expires_at of an issued token', async () => {
    const userId = await newUserId();
    const issued = token({ userId });
    await store.outstand(issued);
    const rows = await outstandingRows(issued.jti);
    assert.equal(rows.length, 1);
    assert.equal(String(rows[0].user_id), userId);
    assert.equal(rows[0].token, issued.token);
    assert.deepEqual(rows[0].created_at, issued.createdAt);
    assert.deepEqual(rows[0].expires_at, issued.expiresAt);
    assert.equal((await blacklistRows(issued.jti)).length, 0);
  });

  it('keeps one row, the first, when the same jti is recorded again', async () => {
    const first = token();
    await store.outstand(first);
    await store.outstand({ ...first, token: 'another.string.entirely', expiresAt: new Date(NOW.getTime() + HOUR) });
    const rows = await outstandingRows(first.jti);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].token, first.token);
  });

  it('records a null created_at and a null user', async () => {
    const bare = token({ createdAt: null, userId: null });
    await store.outstand(bare);
    const [row] = await outstandingRows(bare.jti);
    assert.equal(row.created_at, null);
    assert.equal(row.user_id, null);
  });

  it('stores a user id that cannot be an integer column value as NULL', async () => {
    for (const userId of ['alice@example.com', '12abc', '99999999999']) {
      const odd = token({ userId });
      await store.outstand(odd);
      assert.equal((await outstandingRows(odd.jti))[0].user_id, null, userId);
    }
  });

  it('records the token of a user that does not exist (any more) with user_id NULL', async () => {
    const orphan = token({ userId: '2000000000' });
    await store.outstand(orphan);
    assert.equal((await outstandingRows(orphan.jti))[0].user_id, null);
  });
});

describe('KnexBlacklistStore.blacklist', () => {
  it('resolves true, then false, and keeps a single outstanding row', async () => {
    const refresh = token({ userId: await newUserId() });
    await store.outstand(refresh);
    assert.equal(await store.blacklist(refresh), true);
    assert.equal(await store.blacklist(refresh), false);
    assert.equal((await outstandingRows(refresh.jti)).length, 1);
    const rows = await blacklistRows(refresh.jti);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0].blacklisted_at, BLACKLISTED_AT);
  });

  it('records a token that was never recorded, then blacklists it', async () => {
    const userId = await newUserId();
    const stray = token({ userId });
    assert.equal(await store.blacklist(stray), true);
    const [row] = await outstandingRows(stray.jti);
    assert.equal(String(row.user_id), userId);
    assert.equal(row.token, stray.token);
    assert.equal(await store.isBlacklisted(stray.jti), true);
  });

  it('keeps created_at and the user of the existing outstanding row', async () => {
    const userId = await newUserId();
    const issued = token({ userId });
    await store.outstand(issued);
    const later = { ...issued, userId: await newUserId(), createdAt: new Date(NOW.getTime() + HOUR) };
    assert.equal(await store.blacklist(later), true);
    const [row] = await outstandingRows(issued.jti);
    assert.equal(String(row.user_id), userId);
    assert.deepEqual(row.created_at, NOW);
  });

  it('works after the user is deleted, and the entry stays effective when the user goes after', async () => {
    const goneFirst = await newUserId();
    const before = token({ userId: goneFirst });
    await store.outstand(before);
    await db.knex('auth_user').where({ id: goneFirst }).delete();
    assert.equal((await outstandingRows(before.jti))[0].user_id, null, 'the row stays, without its user');
    assert.equal(await store.blacklist(before), true);
    assert.equal(await store.isBlacklisted(before.jti), true);
    // A never-recorded token of the deleted user is recorded without the user, not refused.
    const neverRecorded = token({ userId: goneFirst });
    assert.equal(await store.blacklist(neverRecorded), true);
    assert.equal((await outstandingRows(neverRecorded.jti))[0].user_id, null);

    const goneAfter = await newUserId();
    const revoked = token({ userId: goneAfter });
    await store.outstand(revoked);
    assert.equal(await store.blacklist(revoked), true);
    await db.knex('auth_user').where({ id: goneAfter }).delete();
    assert.equal(await store.isBlacklisted(revoked.jti), true);
    assert.equal((await blacklistRows(revoked.jti)).length, 1);
  });

  it('answers exactly one of 20 concurrent calls for a never-recorded token with true, without an error', async () => {
    const pool = concurrentPool();
    try {
      const racing = new KnexBlacklistStore(pool);
      const stray = token();
      const results = await Promise.all(Array.from({ length: 20 }, () => racing.blacklist(stray)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await outstandingRows(stray.jti)).length, 1);
      assert.equal((await blacklistRows(stray.jti)).length, 1);
    } finally {
      await pool.destroy();
    }
  });
});

describe('KnexBlacklistStore.isBlacklisted', () => {
  it('is false for an unknown jti and for a recorded one, true once it is blacklisted', async () => {
    const issued = token();
    assert.equal(await store.isBlacklisted(issued.jti), false);
    await store.outstand(issued);
    assert.equal(await store.isBlacklisted(issued.jti), false);
    await store.blacklist(issued);
    assert.equal(await store.isBlacklisted(issued.jti), true);
  });

  it('answers concurrent checks with one statement, each with its own answer', async () => {
    const blacklisted = Array.from({ length: 10 }, () => token());
    const recorded = Array.from({ length: 10 }, () => token());
    for (const each of blacklisted) await store.blacklist(each);
    for (const each of recorded) await store.outstand(each);
    const jtis = [...blacklisted, ...recorded, ...Array.from({ length: 10 }, () => token())].map((each) => each.jti);
    jtis.push(blacklisted[0]!.jti, recorded[0]!.jti);
    let answers: boolean[] = [];
    const sent = await statementsSent(db.knex, async () => {
      answers = await Promise.all(jtis.map((jti) => store.isBlacklisted(jti)));
    });
    assert.equal(sent, 1, 'one statement for 32 checks');
    assert.deepEqual(answers, [...Array(10).fill(true), ...Array(20).fill(false), true, false]);
  });

  it('sends each check on its own with lookupBatching: false', async () => {
    const alone = new KnexBlacklistStore(db.knex, { lookupBatching: false });
    const blacklisted = token();
    await store.blacklist(blacklisted);
    let answers: boolean[] = [];
    const sent = await statementsSent(db.knex, async () => {
      answers = await Promise.all([blacklisted.jti, token().jti, blacklisted.jti].map((jti) => alone.isBlacklisted(jti)));
    });
    assert.equal(sent, 3);
    assert.deepEqual(answers, [true, false, true]);
  });

  it('is false, without asking PostgreSQL, for a jti it cannot store (NUL)', async () => {
    assert.equal(await store.isBlacklisted('a\u0000b'), false);
  });
});

describe('KnexBlacklistStore.rotate', () => {
  it('blacklists the consumed token and records the issued one', async () => {
    const userId = await newUserId();
    const consumed = token({ userId });
    const issued = token({ userId });
    await store.outstand(consumed);
    assert.equal(await store.rotate(consumed, issued), true);
    assert.equal(await store.isBlacklisted(consumed.jti), true);
    const [row] = await outstandingRows(issued.jti);
    assert.equal(String(row.user_id), userId);
    assert.equal(await store.isBlacklisted(issued.jti), false);
  });

  it('records a consumed token that was never recorded, and accepts no successor (null)', async () => {
    const consumed = token();
    assert.equal(await store.rotate(consumed, null), true);
    assert.equal((await outstandingRows(consumed.jti)).length, 1);
    assert.equal(await store.isBlacklisted(consumed.jti), true);
  });

  it('resolves false and records nothing when the consumed token is already blacklisted', async () => {
    const consumed = token();
    await store.blacklist(consumed);
    const issued = token();
    assert.equal(await store.rotate(consumed, issued), false);
    assert.deepEqual(await outstandingRows(issued.jti), []);
    assert.equal((await blacklistRows(consumed.jti)).length, 1);
  });

  for (const batching of ['sent one by one', 'in batches'] as const) {
  it(`lets exactly one of 24 concurrent rotations of one token win, in each of 6 rounds, and records only its successor (${batching})`, async () => {
    const pool = concurrentPool();
    try {
      const racing = new KnexBlacklistStore(pool, batching === 'in batches' ? {} : { rotationBatching: false });
      // Open every connection first, so the calls below run side by side, not one by one.
      await Promise.all(Array.from({ length: 24 }, () => pool.raw('select pg_sleep(0.02)')));
      for (let round = 0; round < 6; round += 1) {
        const userId = await newUserId();
        const consumed = token({ userId });
        // Even rounds: the token was recorded at login; odd rounds: never recorded (get-or-create races too).
        if (round % 2 === 0) await racing.outstand(consumed);
        const successors = Array.from({ length: 24 }, () => token({ userId }));
        const results = await Promise.all(successors.map((issued) => racing.rotate(consumed, issued)));

        const winners = successors.filter((_, index) => results[index] === true);
        assert.equal(winners.length, 1, `round ${round}: exactly one rotation succeeds`);
        assert.equal((await outstandingRows(consumed.jti)).length, 1, `round ${round}: one row for the consumed token`);
        assert.equal((await blacklistRows(consumed.jti)).length, 1, `round ${round}: one blacklist row`);
        const recorded = await db.knex(OUTSTANDING).whereIn('jti', successors.map((each) => each.jti)).pluck('jti');
        assert.deepEqual(recorded, [winners[0]?.jti], `round ${round}: only the winner's successor is recorded`);
      }
    } finally {
      await pool.destroy();
    }
  });
  }
});

describe('KnexBlacklistStore.rotate in batches', () => {
  it('sends concurrent rotations of different tokens as one statement, each with its own answer', async () => {
    const userId = await newUserId();
    const recorded = Array.from({ length: 20 }, () => token({ userId }));
    const unrecorded = Array.from({ length: 10 }, () => token({ userId }));
    const blacklisted = Array.from({ length: 10 }, () => token({ userId }));
    for (const each of recorded) await store.outstand(each);
    for (const each of blacklisted) await store.blacklist(each);
    const consumed = [...recorded, ...unrecorded, ...blacklisted];
    const successors = consumed.map(() => token({ userId }));
    let results: boolean[] = [];
    const sent = await statementsSent(db.knex, async () => {
      results = await Promise.all(consumed.map((each, i) => store.rotate(each, successors[i]!)));
    });
    assert.equal(sent, 1, 'one statement for the 40 rotations');
    assert.deepEqual(results, [...Array(30).fill(true), ...Array(10).fill(false)]);
    for (const [i, each] of consumed.entries()) {
      assert.equal(await store.isBlacklisted(each.jti), true, `consumed token ${i} is blacklisted`);
      assert.equal((await blacklistRows(each.jti)).length, 1, `consumed token ${i} has one blacklist row`);
      const [row] = await outstandingRows(successors[i]!.jti);
      if (i < 30) assert.equal(String(row?.user_id), userId, `the successor of winner ${i} is recorded with its user`);
      else assert.equal(row, undefined, `the successor of loser ${i} is not recorded`);
    }
    const [row] = await outstandingRows(unrecorded[0]!.jti);
    assert.equal(String(row.user_id), userId, 'a consumed token never recorded is recorded with its user');
  });

  it('lets one of several rotations of the same token, sent in one turn among others, win', async () => {
    const consumed = token();
    const others = Array.from({ length: 5 }, () => token());
    const successors = Array.from({ length: 5 }, () => token());
    const results = await Promise.all([
      ...successors.map((issued) => store.rotate(consumed, issued)),
      ...others.map((each) => store.rotate(each, token())),
    ]);
    assert.equal(results.slice(0, 5).filter(Boolean).length, 1, 'exactly one rotation of the shared token wins');
    assert.deepEqual(results.slice(5), [true, true, true, true, true]);
    const recorded = await db.knex(OUTSTANDING).whereIn('jti', successors.map((each) => each.jti)).pluck('jti');
    assert.equal(recorded.length, 1, "only the winner's successor is recorded");
  });

  it('lets exactly one of two instances win each of 30 tokens both rotate at once, in batches', async () => {
    const pools = [concurrentPool(), concurrentPool()];
    try {
      const [a, b] = pools.map((pool) => new KnexBlacklistStore(pool));
      const consumed = Array.from({ length: 30 }, (_, i) => token({ userId: null, jti: `shared-${sequence}-${i}` }));
      for (const each of consumed.slice(0, 15)) await store.outstand(each);
      const successorsA = consumed.map(() => token());
      const successorsB = consumed.map(() => token());
      const [resultsA, resultsB] = await Promise.all([
        Promise.all(consumed.map((each, i) => a!.rotate(each, successorsA[i]!))),
        Promise.all(consumed.map((each, i) => b!.rotate(each, successorsB[i]!))),
      ]);
      for (const i of consumed.keys()) {
        assert.equal(Number(resultsA[i]) + Number(resultsB[i]), 1, `token ${i}: exactly one instance wins`);
        const winner = resultsA[i] ? successorsA[i]! : successorsB[i]!;
        const loser = resultsA[i] ? successorsB[i]! : successorsA[i]!;
        assert.equal((await outstandingRows(winner.jti)).length, 1, `token ${i}: the winner's successor is recorded`);
        assert.equal((await outstandingRows(loser.jti)).length, 0, `token ${i}: the loser's is not`);
        assert.equal((await blacklistRows(consumed[i]!.jti)).length, 1, `token ${i}: one blacklist row`);
      }
    } finally {
      await Promise.all(pools.map((pool) => pool.destroy()));
    }
  });

  it("still rotates every token of a batch whose statement the foreign key refused (a deleted user's token)", async () => {
    const userId = await newUserId();
    const gone = token({ userId: '2000000000' });
    const others = Array.from({ length: 3 }, () => token({ userId }));
    const results = await Promise.all([gone, ...others].map((each) => store.rotate(each, token({ userId: each.userId }))));
    assert.deepEqual(results, [true, true, true, true]);
    const [row] = await outstandingRows(gone.jti);
    assert.equal(row.user_id, null, 'the token of a user that does not exist is recorded without a user');
    for (const each of others) assert.equal(await store.isBlacklisted(each.jti), true);
  });

  it('rejects rotationBatching values that are not positive integers with a TypeError naming the option', () => {
    assert.throws(() => new KnexBlacklistStore(db.knex, { rotationBatching: { maxBatch: 0 } }), /rotationBatching\.maxBatch/);
    assert.throws(() => new KnexBlacklistStore(db.knex, { rotationBatching: { maxInFlight: 1.5 } }), /rotationBatching\.maxInFlight/);
    assert.throws(() => new KnexBlacklistStore(db.knex, { lookupBatching: { maxInFlight: 0 } }), /lookupBatching\.maxInFlight/);
  });
});

describe('KnexBlacklistStore.unblacklist', () => {
  it('removes the entry, keeps the outstanding row, and resolves true only the first time', async () => {
    const issued = token();
    await store.blacklist(issued);
    assert.equal(await store.unblacklist(issued.jti), true);
    assert.equal(await store.isBlacklisted(issued.jti), false);
    assert.equal((await outstandingRows(issued.jti)).length, 1);
    assert.equal(await store.unblacklist(issued.jti), false);
  });

  it('unblacklistJti tells an unknown jti from one that is not blacklisted', async () => {
    const issued = token();
    await store.outstand(issued);
    assert.equal(await store.unblacklistJti(issued.jti), 'not-blacklisted');
    assert.equal(await store.unblacklistJti('never-seen'), 'unknown');
    await store.blacklist(issued);
    assert.equal(await store.unblacklistJti(issued.jti), 'unblacklisted');
  });
});

describe('KnexBlacklistStore.blacklistJti', () => {
  it("blacklists a recorded jti, then answers 'already'; a jti never recorded is 'unknown'", async () => {
    const issued = token();
    await store.outstand(issued);
    assert.equal(await store.blacklistJti(issued.jti), 'blacklisted');
    assert.equal(await store.isBlacklisted(issued.jti), true);
    assert.equal(await store.blacklistJti(issued.jti), 'already');
    assert.equal(await store.blacklistJti('never-seen'), 'unknown');
    assert.deepEqual(await outstandingRows('never-seen'), []);
  });
});

describe('KnexBlacklistStore.blacklistUser and revokeUserTokens', () => {
  it("blacklists every unexpired, not yet blacklisted token of the user, and no one else's", async () => {
    const userId = await newUserId();
    const otherId = await newUserId();
    const live = [token({ userId }), token({ userId }), token({ userId })];
    const expired = token({ userId, expiresAt: NOW });
    const alreadyRevoked = token({ userId });
    const others = token({ userId: otherId });
    for (const each of [...live, expired, alreadyRevoked, others]) await store.outstand(each);
    await store.blacklist(alreadyRevoked);

    assert.equal(await store.blacklistUser(userId, NOW), 3);
    for (const each of [...live, alreadyRevoked]) assert.equal(await store.isBlacklisted(each.jti), true);
    assert.equal(await store.isBlacklisted(expired.jti), false, 'expires_at <= now is left to the flush');
    assert.equal(await store.isBlacklisted(others.jti), false);
    assert.equal(await revokeUserTokens(store, userId, NOW), 0, 'a second call has nothing left to do');
  });

  it('resolves 0 for a user without tokens and for an id that cannot be a user_id', async () => {
    assert.equal(await store.blacklistUser(await newUserId(), NOW), 0);
    assert.equal(await store.blacklistUser('not-a-number', NOW), 0);
  });
});

describe('KnexBlacklistStore.listUserTokens', () => {
  it('lists the user’s tokens newest first, with their blacklist time', async () => {
    const userId = await newUserId();
    const older = token({ userId, createdAt: new Date(NOW.getTime() - 2 * HOUR) });
    const newer = token({ userId, createdAt: new Date(NOW.getTime() - HOUR) });
    const undated = token({ userId, createdAt: null });
    for (const each of [older, undated, newer]) await store.outstand(each);
    await store.outstand(token({ userId: await newUserId() }));
    await store.blacklist(older);

    const rows = await store.listUserTokens(userId);
    assert.deepEqual(
      rows.map((row) => row.jti),
      [newer.jti, older.jti, undated.jti],
    );
    const [first, second] = rows;
    assert.ok(first && second);
    assert.deepEqual(
      { ...first, id: typeof first.id },
      { id: 'string', jti: newer.jti, userId, token: newer.token, createdAt: newer.createdAt, expiresAt: newer.expiresAt, blacklistedAt: null },
    );
    assert.deepEqual(second.blacklistedAt, BLACKLISTED_AT);
    assert.deepEqual(await store.listUserTokens('nobody'), []);
  });
});

describe('KnexBlacklistStore.flushExpired', () => {
  it("deletes expired rows and their blacklist entries, and nothing else (Simple JWT's 6 outstanding, 4 blacklisted)", async () => {
    const flushDb = await createTestDatabase();
    try {
      await migrate(flushDb.knex);
      const flushing = new KnexBlacklistStore(flushDb.knex);
      const soon = new Date(NOW.getTime() + HOUR);
      const live = ['live-1', 'live-2', 'live-3', 'live-4'].map((jti) => token({ jti }));
      const expiring = ['expired-1', 'expired-2'].map((jti) => token({ jti, expiresAt: soon }));
      for (const each of [...live, ...expiring]) await flushing.outstand(each);
      for (const each of [live[2], live[3], ...expiring]) await flushing.blacklist(each as OutstandingToken);

      assert.equal(await flushing.flushExpired(soon), 2, 'expires_at <= now goes');
      assert.deepEqual(await flushDb.knex(OUTSTANDING).orderBy('id').pluck('jti'), ['live-1', 'live-2', 'live-3', 'live-4']);
      const blacklisted = await flushDb.knex(BLACKLISTED).join(OUTSTANDING, `${OUTSTANDING}.id`, 'token_id').orderBy('jti').pluck('jti');
      assert.deepEqual(blacklisted, ['live-3', 'live-4']);
      assert.equal(await flushing.flushExpired(soon), 0);
    } finally {
      await flushDb.drop();
    }
  });

  it('works in batches of batchSize and reports the running total after each', async () => {
    const flushDb = await createTestDatabase();
    try {
      await migrate(flushDb.knex);
      const flushing = new KnexBlacklistStore(flushDb.knex);
      for (let i = 0; i < 5; i += 1) await flushing.outstand(token({ expiresAt: NOW }));
      const progress: number[] = [];
      const deleted = await flushExpiredTokens(flushing, { now: NOW, batchSize: 2, onProgress: (n) => progress.push(n) });
      assert.equal(deleted, 5);
      assert.deepEqual(progress, [2, 4, 5]);
    } finally {
      await flushDb.drop();
    }
  });

  it('rejects a batchSize that is not a positive integer with a TypeError naming it', async () => {
    for (const batchSize of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(store.flushExpired(NOW, { batchSize }), (error: unknown) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /batchSize/);
        return true;
      });
    }
  });

  it('flushes 100,000 expired rows in batches while rotations go on, and keeps the 1,000 live ones', async (t) => {
    const flushDb = await createTestDatabase();
    const traffic = knexFactory({ client: 'pg', connection: flushDb.connectionString, pool: { min: 0, max: 4 } });
    try {
      await migrate(flushDb.knex);
      // Rows 1..100 000 expired (every fifth blacklisted); 100 001..101 000 live (every other one blacklisted).
      // Token strings of a realistic length (~260 bytes), so the measured rate means something.
      await flushDb.knex.raw(
        `insert into ${OUTSTANDING} (user_id, jti, token, created_at, expires_at)
         select null, 'bulk-' || g, repeat(md5(g::text), 8), ?::timestamptz - interval '2 days',
                case when g <= 100000 then ?::timestamptz - interval '1 second' else ?::timestamptz + interval '1 day' end
           from generate_series(1, 101000) g`,
        [NOW, NOW, NOW],
      );
      await flushDb.knex.raw(
        `insert into ${BLACKLISTED} (token_id, blacklisted_at)
         select id, ? from ${OUTSTANDING}
          where (id <= 100000 and id % 5 = 0) or (id > 100000 and id % 2 = 0)`,
        [NOW],
      );
      await flushDb.knex.raw(`analyze ${OUTSTANDING}; analyze ${BLACKLISTED}`);

      const rotating = new KnexBlacklistStore(traffic);
      const progress: number[] = [];
      const started = performance.now();
      const flushing = new KnexBlacklistStore(flushDb.knex).flushExpired(NOW, { onProgress: (n) => progress.push(n) });
      // Traffic during the flush: rotations of live tokens, each must succeed.
      const rotations = Promise.all(
        Array.from({ length: 40 }, (_, i) => rotating.rotate(token({ jti: `bulk-${100001 + 2 * i}` }), token())),
      );
      const [deleted, rotated] = await Promise.all([flushing, rotations]);
      const seconds = (performance.now() - started) / 1000;
      t.diagnostic(`flushed ${deleted} rows in ${seconds.toFixed(2)} s: ${Math.round(deleted / seconds)} rows/s`);

      assert.equal(deleted, 100_000);
      assert.deepEqual(progress, Array.from({ length: 10 }, (_, i) => (i + 1) * 10_000));
      assert.deepEqual(rotated, Array(40).fill(true));
      const counts = await flushDb.knex.raw(
        `select (select count(*) from ${OUTSTANDING} where jti like 'bulk-%')::int as outstanding,
                (select count(*) from ${BLACKLISTED})::int as blacklisted`,
      );
      // 1 000 live rows stay, with their 500 blacklist entries plus the 40 made by the rotations.
      assert.deepEqual(counts.rows[0], { outstanding: 1000, blacklisted: 540 });
    } finally {
      await traffic.destroy();
      await flushDb.drop();
    }
  });
});

describe('KnexBlacklistStore failures', () => {
  it('rejects every method with ServiceUnavailableError, carrying the cause, when the database is unreachable', async () => {
    const broken = knexFactory({
      client: 'pg',
      connection: 'postgres://postgres@127.0.0.1:1/none',
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 2000,
      // Knex would log every refused connection; the assertions below are what matters.
      log: { warn: () => undefined, error: () => undefined },
    });
    try {
      const down = new KnexBlacklistStore(broken);
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['outstand', () => down.outstand(token())],
        ['blacklist', () => down.blacklist(token())],
        ['rotate', () => down.rotate(token(), token())],
        ['isBlacklisted', () => down.isBlacklisted('x')],
        ['isBlacklisted, concurrent (one batch)', () => down.isBlacklisted('y')],
        ['rotate, concurrent (one batch)', () => down.rotate(token(), token())],
        ['unblacklist', () => down.unblacklist('x')],
        ['blacklistJti', () => down.blacklistJti('x')],
        ['blacklistUser', () => down.blacklistUser('1', NOW)],
        ['listUserTokens', () => down.listUserTokens('1')],
        ['flushExpired', () => down.flushExpired(NOW)],
      ];
      await Promise.all(
        calls.map(([name, call]) =>
          assert.rejects(call(), (error: unknown) => {
            assert.ok(error instanceof ServiceUnavailableError, name);
            assert.equal(error.code, 'service_unavailable');
            assert.ok(error.cause !== undefined, name);
            return true;
          }),
        ),
      );
    } finally {
      await broken.destroy();
    }
  });

  it('rejects with ServiceUnavailableError when its tables are missing', async () => {
    const missing = new KnexBlacklistStore(db.knex, { outstandingTable: 'no_such_table', blacklistedTable: 'nor_this' });
    await assert.rejects(missing.isBlacklisted('x'), ServiceUnavailableError);
    await assert.rejects(missing.rotate(token(), null), ServiceUnavailableError);
  });

  it('rejects an empty table name with a TypeError at construction', () => {
    assert.throws(() => new KnexBlacklistStore(db.knex, { outstandingTable: '' }), /outstandingTable/);
  });
});

/** A pool wide enough for the concurrency tests' calls to really run at the same time. */
function concurrentPool(): Knex {
  return knexFactory({ client: 'pg', connection: db.connectionString, pool: { min: 0, max: 25 } });
}
