import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { claimRotation, familyMember, hashIp, jtiOf, replayConsumed, startFamily } from '../../src/families/family-rotation.js';
import { ExpiredTokenError, TokenError } from '../../src/errors.js';
import type { ConsumedToken, FamilyStore, NewFamily, RotationClaim } from '../../src/families/family-store.js';
import type { ReuseDetectedEvent } from '../../src/families/reuse-detected.js';
import type { ServiceContext } from '../../src/services/service-context.js';
import type { Token } from '../../src/tokens/token.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');

/** A family store that records what it is asked and answers what the test sets. */
function recordingStore(answers: { claim?: RotationClaim; consumed?: ConsumedToken | null; revoked?: boolean } = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    (method: string, answer: unknown) =>
    async (...args: unknown[]) => (calls.push({ method, args }), answer);
  const store = {
    startFamily: record('startFamily', undefined),
    claimRotation: record('claimRotation', answers.claim ?? { outcome: 'claimed', familyId: 'f1' }),
    consumedToken: record('consumedToken', answers.consumed ?? null),
    revokeFamily: record('revokeFamily', answers.revoked ?? true),
  } as unknown as FamilyStore;
  return { store, calls };
}

function contextWith(store: FamilyStore | undefined, settings: Record<string, unknown> = {}): ServiceContext {
  return {
    settings: { jtiClaim: 'jti', userIdClaim: 'user_id', clock: { now: () => NOW }, familyStore: store, familyMaxLifetime: undefined, reuseGraceSeconds: 10, onReuseDetected: undefined, ...settings },
  } as unknown as ServiceContext;
}

/** A token as the services hold it: its payload and the instant its row may go. */
const tokenOf = (payload: Record<string, unknown>, flushAfter = 1_767_268_800): Token => ({ payload, flushAfter: () => flushAfter }) as unknown as Token;

const consumed: ConsumedToken = {
  familyId: 'f1',
  userId: '7',
  familyCreatedAt: new Date('2026-12-01T11:00:00.000Z'),
  revoked: false,
  rotatedAt: new Date(NOW.getTime() - 60_000),
  successorToken: 'successor.jwt',
  successorRotated: false,
};

describe('hashIp', () => {
  test('is a 16-hex-digit pseudonym that tells addresses apart and never holds the address', () => {
    const one = hashIp('203.0.113.9');
    assert.match(one ?? '', /^[0-9a-f]{16}$/);
    assert.equal(hashIp('203.0.113.9'), one, 'stable');
    assert.notEqual(hashIp('203.0.113.10'), one);
    assert.ok(!(one ?? '').includes('203'));
  });

  test('is null when the transport knows no address', () => {
    assert.equal(hashIp(undefined), null);
    assert.equal(hashIp(''), null);
  });
});

describe('familyMember and jtiOf', () => {
  test('a member row holds the jti, the signed token, the access jti and the flush instant in milliseconds', () => {
    const context = contextWith(undefined);
    assert.deepEqual(familyMember(context, tokenOf({ jti: 'r1' }, 1_767_268_800), 'signed.jwt', 'a1'), {
      jti: 'r1',
      token: 'signed.jwt',
      accessJti: 'a1',
      expiresAt: new Date(1_767_268_800_000),
    });
  });

  test('jtiOf answers a string jti, and null for anything else', () => {
    const context = contextWith(undefined);
    assert.equal(jtiOf(context, tokenOf({ jti: 'a1' })), 'a1');
    assert.equal(jtiOf(context, tokenOf({ jti: 42 })), null);
    assert.equal(jtiOf(context, tokenOf({})), null);
  });
});

describe('startFamily', () => {
  test('records the login\'s user, client and first token', async () => {
    const { store, calls } = recordingStore();
    await startFamily(contextWith(store), tokenOf({ jti: 'r1', user_id: 7 }), 'signed.jwt', 'a1', { ip: '203.0.113.9', userAgent: 'laptop/1' });
    const family = calls[0]?.args[0] as NewFamily;
    assert.match(family.id, /^[0-9a-f]{32}$/);
    assert.deepEqual({ ...family, id: 'x' }, {
      id: 'x',
      userId: '7',
      createdAt: NOW,
      userAgent: 'laptop/1',
      ipHash: hashIp('203.0.113.9'),
      token: { jti: 'r1', token: 'signed.jwt', accessJti: 'a1', expiresAt: new Date(1_767_268_800_000) },
    });
  });

  test('a token without a usable user id claim, and a client without details, are recorded as null', async () => {
    for (const user_id of [undefined, null, '']) {
      const { store, calls } = recordingStore();
      await startFamily(contextWith(store), tokenOf({ jti: 'r1', user_id }), 'signed.jwt', null);
      const family = calls[0]?.args[0] as NewFamily;
      assert.deepEqual([family.userId, family.userAgent, family.ipHash], [null, null, null], JSON.stringify(user_id));
    }
    const { store, calls } = recordingStore();
    await startFamily(contextWith(store), tokenOf({ jti: 'r1', user_id: 0 }), 'signed.jwt', null);
    assert.equal((calls[0]?.args[0] as NewFamily).userId, '0', 'a user id 0 is a user id');
  });
});

describe('claimRotation', () => {
  const successor = { jti: 'r2', token: 'successor.jwt', accessJti: 'a2', expiresAt: NOW };

  test('without families, rotates as Simple JWT does', async () => {
    assert.equal(await claimRotation(contextWith(undefined), 'r1', successor, {}), 'go');
  });

  test('asks the store with familyMaxLifetime as the oldest creation time allowed', async () => {
    const { store, calls } = recordingStore();
    assert.equal(await claimRotation(contextWith(store, { familyMaxLifetime: 3600 }), 'r1', successor, {}), 'go');
    assert.deepEqual(calls[0]?.args, ['r1', successor, NOW, new Date(NOW.getTime() - 3_600_000)]);
    await claimRotation(contextWith(store), 'r1', successor, {});
    assert.equal(calls[1]?.args[3], null);
  });

  test('a revoked family is "Token is blacklisted"; an expired one "Token is expired"', async () => {
    const revoked = recordingStore({ claim: { outcome: 'revoked', familyId: 'f1' } });
    await assert.rejects(claimRotation(contextWith(revoked.store), 'r1', successor, {}), (error: unknown) => error instanceof TokenError && error.message === 'Token is blacklisted');
    const expired = recordingStore({ claim: { outcome: 'expired', familyId: 'f1' } });
    await assert.rejects(claimRotation(contextWith(expired.store), 'r1', successor, {}), ExpiredTokenError);
  });
});

describe('replayConsumed', () => {
  test('a consumed token that was never rotated (blacklisted some other way) is refused without revoking its family', async () => {
    const events: ReuseDetectedEvent[] = [];
    const { store, calls } = recordingStore({ consumed: { ...consumed, rotatedAt: null, successorToken: null } });
    await assert.rejects(replayConsumed(contextWith(store, { onReuseDetected: (event: ReuseDetectedEvent) => void events.push(event) }), 'r1', {}), (error: unknown) => error instanceof TokenError && error.message === 'Token is blacklisted');
    assert.deepEqual(calls.map((call) => call.method), ['consumedToken']);
    assert.deepEqual(events, []);
  });

  test('reuse revokes the family and tells onReuseDetected, once, only when this call revoked it', async () => {
    for (const revoked of [true, false]) {
      const events: ReuseDetectedEvent[] = [];
      const { store, calls } = recordingStore({ consumed, revoked });
      await assert.rejects(replayConsumed(contextWith(store, { onReuseDetected: (event: ReuseDetectedEvent) => void events.push(event) }), 'r1', { ip: '203.0.113.9' }), TokenError);
      assert.deepEqual(calls[1], { method: 'revokeFamily', args: ['f1', NOW] });
      assert.deepEqual(events, revoked ? [{ userId: '7', familyId: 'f1', jti: 'r1', ip: '203.0.113.9', userAgent: null }] : []);
    }
  });
});
