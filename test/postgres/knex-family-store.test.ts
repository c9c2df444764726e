import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import { migrate } from '../../src/stores/migrate.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import { KnexFamilyStore } from '../../src/postgres/knex-family-store.js';
import type { FamilyMember } from '../../src/families/family-store.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
let db: TestDatabase;
let store: KnexFamilyStore;
let blacklist: KnexBlacklistStore;
let sequence = 0;

before(async () => {
  db = await createTestDatabase();
  await migrate(db.knex);
  store = new KnexFamilyStore(db.knex);
  blacklist = new KnexBlacklistStore(db.knex);
});
after(() => db?.drop());

function member(expiresAt = new Date(NOW.getTime() + DAY)): FamilyMember {
  sequence += 1;
  return { jti: `jti-${sequence}`, token: `token-${sequence}`, accessJti: `access-${sequence}`, expiresAt };
}
/** A family with its first token recorded as outstanding too, as a login does. */
async function family(userId = '1', first = member()): Promise<{ id: string; first: FamilyMember }> {
  sequence += 1;
  const id = `family-${sequence}`;
  await blacklist.outstand({ jti: first.jti, userId: null, token: first.token, createdAt: NOW, expiresAt: first.expiresAt });
  await store.startFamily({ id, userId, createdAt: NOW, userAgent: 'agent', ipHash: null, token: first });
  return { id, first };
}

describe('claimRotation', () => {
  it('of 20 concurrent claims of one token exactly one wins; the others see its successor', async () => {
    const { id, first } = await family();
    const successors = Array.from({ length: 20 }, () => member());
    const claims = await Promise.all(successors.map((successor) => store.claimRotation(first.jti, successor, NOW, null)));
    const won = claims.filter((claim) => claim.outcome === 'claimed');
    assert.equal(won.length, 1);
    const winner = successors[claims.findIndex((claim) => claim.outcome === 'claimed')]!;
    for (const claim of claims.filter((each) => each.outcome !== 'claimed')) {
      assert.equal(claim.outcome, 'rotated');
      if (claim.outcome === 'rotated') {
        assert.equal(claim.consumed.successorToken, winner.token);
        assert.equal(claim.consumed.familyId, id);
        assert.equal(claim.consumed.successorRotated, false);
      }
    }
  });

  it('answers no-family for a token of no family, expired past the cap, revoked for a revoked family', async () => {
    assert.deepEqual(await store.claimRotation('never-recorded', member(), NOW, null), { outcome: 'no-family' });
    const old = await family();
    assert.deepEqual(await store.claimRotation(old.first.jti, member(), NOW, NOW), { outcome: 'expired', familyId: old.id });
    const revoked = await family();
    assert.equal(await store.revokeFamily(revoked.id, NOW), true);
    assert.deepEqual(await store.claimRotation(revoked.first.jti, member(), NOW, null), { outcome: 'revoked', familyId: revoked.id });
  });
});

describe('revokeFamily', () => {
  it("blacklists every outstanding token of the family, only once, and only the given user's with userId", async () => {
    const { id, first } = await family('7');
    const second = member();
    await store.claimRotation(first.jti, second, NOW, null);
    await blacklist.outstand({ jti: second.jti, userId: null, token: second.token, createdAt: NOW, expiresAt: second.expiresAt });
    assert.equal(await store.revokeFamily(id, NOW, '8'), false);
    assert.equal(await blacklist.isBlacklisted(second.jti), false);
    assert.equal(await store.revokeFamily(id, NOW, '7'), true);
    assert.equal(await blacklist.isBlacklisted(first.jti), true);
    assert.equal(await blacklist.isBlacklisted(second.jti), true);
    assert.equal(await store.revokeFamily(id, NOW), false);
    assert.equal((await store.consumedToken(first.jti))?.revoked, true);
  });
});

describe('revokeUserBefore and revokedBefore', () => {
  it('never moves revoked_before back, and ends the user\'s families', async () => {
    const { id } = await family('9');
    await store.revokeUserBefore('9', new Date(NOW.getTime() + 1000));
    await store.revokeUserBefore('9', NOW);
    assert.equal(await store.revokedBefore('9'), NOW.getTime() + 1000);
    assert.equal(await store.revokedBefore('10'), null);
    assert.deepEqual(await store.listFamilies('9', NOW), []);
    assert.equal((await store.consumedToken((await db.knex('koa_simple_jwt_family_token').where({ family_id: id }).first()).jti))?.revoked, true);
  });
});

describe('flushExpired', () => {
  it('deletes expired token rows and the families left with no live token', async () => {
    const gone = await family('11', member(new Date(NOW.getTime() - 1000)));
    const live = await family('11');
    const deleted = await store.flushExpired(NOW);
    assert.ok(deleted >= 1);
    assert.equal(await store.consumedToken(gone.first.jti), null);
    assert.equal((await store.listFamilies('11', NOW)).map((each) => each.id).includes(live.id), true);
  });
});
