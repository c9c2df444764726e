import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { listSessions, logoutAll } from '../../src/families/sessions.js';
import { SettingsError } from '../../src/errors.js';
import type { FamilySession, FamilyStore } from '../../src/families/family-store.js';
import type { ServiceContext } from '../../src/services/service-context.js';
import type { Token } from '../../src/tokens/token.js';
import type { AuthUser } from '../../src/stores/user-store.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const family: FamilySession = { id: 'f1', createdAt: NOW, lastUsedAt: NOW, userAgent: 'laptop/1', ipHash: null, accessJtis: ['a1'] };

function contextWith(familyStore: Partial<FamilyStore> | undefined, blacklistUser?: (id: string, at: Date) => Promise<void>): ServiceContext {
  return {
    settings: { jtiClaim: 'jti', userIdClaim: 'user_id', clock: { now: () => NOW }, familyStore, blacklistStore: blacklistUser ? { blacklistUser } : undefined },
  } as unknown as ServiceContext;
}
const tokenOf = (payload: Record<string, unknown>): Token => ({ payload }) as unknown as Token;

describe('listSessions', () => {
  test('without a family store: a SettingsError naming familyStore', async () => {
    await assert.rejects(listSessions(contextWith(undefined), tokenOf({ user_id: 7, jti: 'a1' })), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.deepEqual([error.setting, error.reason], ['familyStore', 'the sessions endpoints need a family store']);
      return true;
    });
  });

  test('a token issued with none of the sessions (a sliding token, one from before families) marks none current', async () => {
    const context = contextWith({ listFamilies: async () => [family] });
    assert.deepEqual((await listSessions(context, tokenOf({ user_id: 7, jti: 'other' }))).map((session) => session.current), [false]);
    assert.deepEqual((await listSessions(context, tokenOf({ user_id: 7, jti: 'a1' }))).map((session) => session.current), [true]);
  });
});

describe('logoutAll', () => {
  test('blacklists the outstanding tokens of the user by id, and of no user when the user has none', async () => {
    const blacklisted: unknown[] = [];
    const context = contextWith({ revokeUserBefore: async () => undefined }, async (id, at) => void blacklisted.push([id, at]));
    await logoutAll(context, tokenOf({ user_id: 7 }), { id: 7, username: 'alice', isActive: true } as AuthUser);
    assert.deepEqual(blacklisted, [['7', NOW]]);
    for (const id of [undefined, null]) await logoutAll(context, tokenOf({ user_id: 7 }), { id, username: 'alice', isActive: true } as unknown as AuthUser);
    assert.equal(blacklisted.length, 1);
  });
});
