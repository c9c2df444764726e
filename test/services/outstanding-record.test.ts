import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUpDatabase, SIGNING_KEY } from '../support/demo.js';
import { createSimpleJwt, KnexBlacklistStore, KnexUserStore, RefreshToken } from '../../src/index.js';
import type { TestDatabase } from '../../examples/support/database.js';
import { outstandingRecord } from '../../src/services/outstanding-record.js';
import { MemoryUserStore, serviceContext } from '../support/service-fakes.js';

let db: TestDatabase;
let users: KnexUserStore;
let store: KnexBlacklistStore;
before(async () => {
  db = await setUpDatabase();
  users = new KnexUserStore(db.knex, { iterations: 1 });
  store = new KnexBlacklistStore(db.knex);
});
after(() => db?.drop());

async function rowOf(token: string): Promise<{ user_id: number | null }> {
  const jti = String(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).jti);
  const row = await db.knex('token_blacklist_outstandingtoken').where({ jti }).first();
  assert.ok(row, 'the token is recorded as outstanding');
  return row;
}

test('issueTokenPair and issueSlidingToken record the token as outstanding, as for_user does', async () => {
  const user = await users.createUser({ username: 'issued', password: 'pw-issued' });
  const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, blacklistStore: store });
  const { refresh, access } = await jwt.issueTokenPair(user);
  assert.equal((await rowOf(refresh)).user_id, user.id);
  const sliding = await jwt.issueSlidingToken(user);
  assert.equal((await rowOf(sliding)).user_id, user.id);
  const accessJti = JSON.parse(Buffer.from(access.split('.')[1]!, 'base64url').toString()).jti;
  assert.equal(await db.knex('token_blacklist_outstandingtoken').where({ jti: accessJti }).first(), undefined, 'access tokens are never recorded');
});

test('with userIdField naming another field, outstanding rows hold the user\'s primary key, not the claim', async () => {
  // A username that is another user's id: the claim "1" must not land on user 1.
  const alice = await users.createUser({ username: `alice-${Date.now()}`, password: 'pw-alice' });
  const numeric = await users.createUser({ username: String(alice.id), password: 'pw-numeric' });
  const jwt = createSimpleJwt({ signingKey: SIGNING_KEY, userStore: users, blacklistStore: store, userIdField: 'username', rotateRefreshTokens: true, blacklistAfterRotation: true });

  const obtained = await jwt.obtainTokenPair({ username: String(alice.id), password: 'pw-numeric' });
  assert.equal((await rowOf(obtained.refresh)).user_id, numeric.id, 'obtain');

  const rotated = await jwt.refreshAccessToken(obtained.refresh);
  assert.equal((await rowOf(obtained.refresh)).user_id, numeric.id, 'the consumed token');
  assert.equal((await rowOf(rotated.refresh!)).user_id, numeric.id, 'rotation');

  // A token never recorded (issued by another service sharing the key) is recorded when blacklisted,
  // with its user looked up by the claim, as Simple JWT's blacklist() does.
  const foreign = RefreshToken.forUser(jwt.context, numeric).sign();
  await jwt.blacklistToken(foreign);
  assert.equal((await rowOf(foreign)).user_id, numeric.id, 'blacklist');

  assert.equal(await store.blacklistUser(String(alice.id), new Date()), 0, 'alice has no tokens to revoke');
});

describe('outstandingRecord (fake user store)', () => {
  const CAROL = { id: 12, username: 'carol', isActive: true };

  test('with the user given, the row holds its primary key; with null, no user; and no lookup either way', async () => {
    const users = new MemoryUserStore([CAROL]);
    const context = serviceContext({ userStore: users, userIdField: 'username' });
    const token = RefreshToken.forUser(context, CAROL);
    const base = token.outstandingRecord('signed.jwt');
    assert.deepEqual(await outstandingRecord(context, token, 'signed.jwt', CAROL), { ...base, userId: '12' });
    assert.deepEqual(await outstandingRecord(context, token, 'signed.jwt', null), { ...base, userId: null });
    assert.deepEqual(users.lookups, []);
  });

  test('with userIdField "id", the claim is the primary key: the row as the token makes it, no lookup', async () => {
    const users = new MemoryUserStore([CAROL]);
    const context = serviceContext({ userStore: users });
    const token = RefreshToken.forUser(context, CAROL);
    assert.deepEqual(await outstandingRecord(context, token, 'signed.jwt'), { ...token.outstandingRecord('signed.jwt'), userId: '12' });
    assert.deepEqual(users.lookups, []);
  });

  test('with another userIdField, looks the claim up: the user\'s primary key, or null when none is found or there is no store', async () => {
    const users = new MemoryUserStore([CAROL]);
    const context = serviceContext({ userStore: users, userIdField: 'username' });
    assert.equal((await outstandingRecord(context, RefreshToken.forUser(context, CAROL), 'signed.jwt')).userId, '12');
    assert.deepEqual(users.lookups, [{ field: 'username', value: 'carol' }]);
    assert.equal((await outstandingRecord(context, RefreshToken.forUser(context, { ...CAROL, username: 'gone' }), 'signed.jwt')).userId, null);
    const storeless = serviceContext({ userIdField: 'username' });
    assert.equal((await outstandingRecord(storeless, RefreshToken.forUser(storeless, CAROL), 'signed.jwt')).userId, null);
  });

  test('a token without a user claim is recorded with no user and looks nothing up', async () => {
    const users = new MemoryUserStore([CAROL]);
    const context = serviceContext({ userStore: users, userIdField: 'username' });
    assert.equal((await outstandingRecord(context, RefreshToken.create(context), 'signed.jwt')).userId, null);
    assert.deepEqual(users.lookups, []);
  });
});
