import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import { runCliCaptured } from '../support/cli.js';
import { claimsOf } from '../support/http.js';
import { createSimpleJwt, KnexBlacklistStore, KnexUserStore, migrate } from '../../src/index.js';
import { KnexFamilyStore } from '../../src/postgres/knex-family-store.js';
import type { SimpleJwt } from '../../src/index.js';

let db: TestDatabase;
let jwt: SimpleJwt;
let users: KnexUserStore;

before(async () => {
  db = await createTestDatabase();
  await migrate(db.knex);
  users = new KnexUserStore(db.knex, { iterations: 1000 });
  jwt = createSimpleJwt({
    signingKey: 'cli-session-test-signing-key-of-32-bytes',
    userStore: users,
    blacklistStore: new KnexBlacklistStore(db.knex),
    familyStore: new KnexFamilyStore(db.knex),
    rotateRefreshTokens: true,
    blacklistAfterRotation: true,
  });
});
after(() => db?.drop());

const cli = (argv: string[]) => runCliCaptured(argv, { DATABASE_URL: db.connectionString });

describe('sessions', () => {
  it("lists the user's live sessions with their user agent, and none of another user's", async () => {
    const alice = await users.createUser({ username: 'alice', password: 'pw' });
    const bob = await users.createUser({ username: 'bob', password: 'pw' });
    await jwt.issueTokenPair(alice, { userAgent: 'phone/1', ip: '203.0.113.7' });
    await jwt.issueTokenPair(bob, { userAgent: 'bob-agent' });
    const result = await cli(['sessions', String(alice.id)]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^id +created +last used +ip hash +user agent$/);
    assert.match(lines[1]!, /^[0-9a-f]{32}  \S+Z  \S+Z  [0-9a-f]{16}  phone\/1$/);
  });

  it('says when the user has none', async () => {
    const result = await cli(['sessions', '2000000000']);
    assert.equal(result.stdout, 'User 2000000000 has no live sessions.\n');
  });
});

describe('revoke-session', () => {
  it('ends a session: its refresh token is refused; a second run exits 1', async () => {
    const carol = await users.createUser({ username: 'carol', password: 'pw' });
    const { refresh } = await jwt.issueTokenPair(carol);
    const listed = await cli(['sessions', String(carol.id)]);
    const id = listed.stdout.trimEnd().split('\n')[1]!.split(' ')[0]!;
    const listing = await cli(['list-tokens', String(carol.id)]);
    assert.match(listing.stdout, new RegExp(`^${String(claimsOf(refresh).jti)} .* ${id}$`, 'm'));

    const ended = await cli(['revoke-session', id]);
    assert.deepEqual([ended.code, ended.stdout], [0, `Ended session ${id}.\n`]);
    await assert.rejects(jwt.refreshAccessToken(refresh), { message: 'Token is blacklisted' });
    const again = await cli(['revoke-session', id]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No live session has id/);
  });

  it('rejects a missing family id (exit code 2)', async () => {
    const result = await cli(['revoke-session']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /missing <family-id>/);
  });
});
