/**
 * Families in the token services: a login starts one, a rotation claims the successor within
 * its predecessor's family, and a consumed token presented again is a retry or a reuse. Called
 * from `obtain-token-pair.ts` and `refresh-access-token.ts`; the store behind it is the
 * {@link FamilyStore} port.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ExpiredTokenError, TokenError } from '../errors.js';
import { decideReplay } from './reuse-policy.js';
import { fireReuseDetected } from './reuse-detected.js';
import type { ClientInfo, ConsumedToken, FamilyMember, FamilyStore } from './family-store.js';
import type { ServiceContext } from '../services/service-context.js';
import type { Token } from '../tokens/token.js';

/**
 * A short, stable pseudonym of an IP address for the sessions listing: enough to tell two logins
 * apart, not the address itself. (IPv4 space is small: treat it as a pseudonym, not anonymity.)
 */
export function hashIp(ip: string | undefined): string | null {
  if (!ip) return null;
  return createHash('sha256').update(`koa-simple-jwt:ip:${ip}`).digest('hex').slice(0, 16);
}

/** The row of `token` (signed as `signed`, issued with the access token `accessJti`) in its family. */
export function familyMember(context: ServiceContext, token: Token, signed: string, accessJti: string | null): FamilyMember {
  const { jtiClaim } = context.settings;
  return { jti: String(jtiClaim === null ? '' : token.payload[jtiClaim]), token: signed, accessJti, expiresAt: new Date(token.flushAfter() * 1000) };
}

/** The access token's jti, to record with its refresh token. */
export function jtiOf(context: ServiceContext, token: Token): string | null {
  const { jtiClaim } = context.settings;
  const jti = jtiClaim === null ? undefined : token.payload[jtiClaim];
  return typeof jti === 'string' ? jti : null;
}

/** The families store when families are on for this instance (a family store is configured). */
export function familiesOf(context: ServiceContext): FamilyStore | undefined {
  return context.settings.familyStore;
}

/**
 * Starts a family for the refresh token of a login (after it was recorded as outstanding).
 */
export async function startFamily(context: ServiceContext, refresh: Token, signed: string, accessJti: string | null, client: ClientInfo = {}): Promise<void> {
  const store = familiesOf(context);
  if (!store) return;
  const { userIdClaim } = context.settings;
  const userId = refresh.payload[userIdClaim];
  await store.startFamily({
    id: randomUUID().replace(/-/g, ''),
    userId: userId === undefined || userId === null || userId === '' ? null : String(userId),
    createdAt: context.settings.clock.now(),
    userAgent: client.userAgent ?? null,
    ipHash: hashIp(client.ip),
    token: familyMember(context, refresh, signed, accessJti),
  });
}

/**
 * Claims the rotation of `consumedJti` to `successor` before the blacklist consumes it. Resolves
 * `'go'` when this call won (or the token belongs to no family: rotate as Simple JWT does), or the
 * successor to answer with (a retry within the grace window). Throws the 401 otherwise.
 */
export async function claimRotation(context: ServiceContext, consumedJti: string, successor: FamilyMember, client: ClientInfo): Promise<'go' | { successor: string }> {
  const store = familiesOf(context);
  if (!store) return 'go';
  const { clock, familyMaxLifetime } = context.settings;
  const now = clock.now();
  const createdAfter = familyMaxLifetime === undefined ? null : new Date(now.getTime() - familyMaxLifetime * 1000);
  const claim = await store.claimRotation(consumedJti, successor, now, createdAfter);
  switch (claim.outcome) {
    case 'claimed':
    case 'no-family':
      return 'go';
    case 'revoked':
      throw new TokenError('Token is blacklisted');
    case 'expired':
      throw new ExpiredTokenError();
    case 'rotated':
      return { successor: await answerReplay(context, consumedJti, claim.consumed, client) };
  }
}

/**
 * A refresh token the blacklist refused: a retry within the grace window resolves the successor
 * the rotation issued; a reuse revokes the family and throws; anything else throws the 401
 * Simple JWT gives a blacklisted token.
 */
export async function replayConsumed(context: ServiceContext, jti: string, client: ClientInfo): Promise<string> {
  const store = familiesOf(context);
  const consumed = store ? await store.consumedToken(jti) : null;
  if (consumed === null) throw new TokenError('Token is blacklisted');
  return answerReplay(context, jti, consumed, client);
}

async function answerReplay(context: ServiceContext, jti: string, consumed: ConsumedToken, client: ClientInfo): Promise<string> {
  const { clock, reuseGraceSeconds, onReuseDetected } = context.settings;
  const now = clock.now();
  const decision = decideReplay(consumed, now, reuseGraceSeconds);
  if (decision === 'retry' && consumed.successorToken !== null) return consumed.successorToken;
  if (decision === 'revoke') {
    // The revocation is the store's one statement; only the call that revoked it reports it.
    if (await familiesOf(context)!.revokeFamily(consumed.familyId, now)) {
      fireReuseDetected(onReuseDetected, {
        userId: consumed.userId,
        familyId: consumed.familyId,
        jti,
        ip: client.ip ?? null,
        userAgent: client.userAgent ?? null,
      });
    }
  }
  throw new TokenError('Token is blacklisted');
}
