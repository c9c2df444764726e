import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import type { OutstandingToken } from '../../src/stores/blacklist-store.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { KnexUserStore } from '../../src/stores/knex-user-store.js';
import { migrate } from '../../src/stores/migrate.js';
import { pgStatement, quoteTable } from '../../src/stores/pg-statement.js';

const HOUR = 3_600_000;
const NOW = new Date('2026-03-01T12:00:00.000Z');

let db: TestDatabase;
let blacklist: KnexBlacklistStore;
let users: KnexUserStore;
let sequence = 0;

before(async () => {
  db = await createTestDatabase();
  await migrate(db.knex);
  blacklist = new KnexBlacklistStore(db.knex);
  users = new KnexUserStore(db.knex, { iterations: 1000 });
  await users.createUser({ username: 'alice', password: 'alice-pw' });
});

after(() => db?.drop());

function token(userId: string | null = null): OutstandingToken {
  sequence += 1;
  const jti = `rt-${sequence}-${Math.random().toString(16).slice(2)}`;
  return { jti, userId, token: `h.${jti}.s`, createdAt: NOW, expiresAt: new Date(NOW.getTime() + HOUR) };
}

/**
 * The statements `work` sends to PostgreSQL, in order: every `pg.Client#query` call is one round
 * trip (an extended-protocol query is sent as one Parse/Bind/Execute/Sync flight).
 */
async function roundTrips(work: () => Promise<unknown>): Promise<Array<{ text: string; name: string | undefined }>> {
  const sent: Array<{ text: string; name: string | undefined }> = [];
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text: string; name?: string };
    sent.push(typeof config === 'string' ? { text: config, name: undefined } : { text: config.text, name: config.name });
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    pg.Client.prototype.query = original;
  }
  return sent;
}

describe('round trips per store operation', () => {
  it('rotates a refresh token in one named statement: no BEGIN, no COMMIT', async () => {
    const consumed = token();
    await blacklist.outstand(consumed);
    const sent = await roundTrips(() => blacklist.rotate(consumed, token()));
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.name ?? '', /^ksjwt_[0-9a-f]{16}$/);
  });

  it('rotates a token that was never recorded in one statement too', async () => {
    const sent = await roundTrips(() => blacklist.rotate(token(), token()));
    assert.equal(sent.length, 1);
  });

  it('answers a losing rotation in one statement', async () => {
    const consumed = token();
    await blacklist.rotate(consumed, token());
    let rotated: boolean | undefined;
    const sent = await roundTrips(async () => (rotated = await blacklist.rotate(consumed, token())));
    assert.equal(rotated, false);
    assert.equal(sent.length, 1);
  });

  it('blacklists, records an issued token and checks the blacklist in one named statement each', async () => {
    for (const operation of [() => blacklist.blacklist(token()), () => blacklist.outstand(token()), () => blacklist.isBlacklisted('some-jti')]) {
      const sent = await roundTrips(operation);
      assert.equal(sent.length, 1);
      assert.ok(sent[0]!.name, 'a named statement');
    }
  });

  it('looks a user up by id or username, and records a login, in one named statement each', async () => {
    const alice = await users.findUser('username', 'alice');
    assert.ok(alice);
    for (const operation of [
      () => users.findUser('id', String(alice.id)),
      () => users.findUser('username', 'alice'),
      () => users.updateLastLogin(alice, NOW),
    ]) {
      const sent = await roundTrips(operation);
      assert.equal(sent.length, 1);
      assert.ok(sent[0]!.name, 'a named statement');
    }
  });

  it('authenticates with one lookup (the password check makes no query)', async () => {
    const sent = await roundTrips(() => users.authenticate({ username: 'alice', password: 'alice-pw' }));
    assert.equal(sent.length, 1);
  });
});

describe('pgStatement', () => {
  it('names a statement after its text, so different tables never share a name', () => {
    assert.equal(pgStatement('select 1').name, pgStatement('select 1').name);
    assert.notEqual(pgStatement('select 1 from "a"').name, pgStatement('select 1 from "b"').name);
  });

  it('quotes each part of a schema-qualified table name', () => {
    assert.equal(quoteTable('public.auth_user'), '"public"."auth_user"');
    assert.equal(quoteTable('we"ird'), '"we""ird"');
  });
});
