/**
 * The sessions of a signed-in user: their live refresh-token families. The controller
 * (`controllers/session-controller.ts`) calls one of these per request with the validated token
 * of the request; every operation is scoped to that token's user, so no user can see or revoke
 * another user's sessions.
 */
import { NotFoundError, SettingsError } from '../errors.js';
import type { FamilySession, FamilyStore } from './family-store.js';
import type { ServiceContext } from '../services/service-context.js';
import type { Token } from '../tokens/token.js';
import type { AuthUser } from '../stores/user-store.js';
import type { TokenUser } from '../authentication/token-user.js';

/** One session as the API lists it. */
export interface Session {
  /** The family id. */
  id: string;
  /** When the login happened (ISO 8601). */
  created: string;
  /** When the session was last refreshed (ISO 8601), to the minute. */
  lastUsed: string;
  /** The login's `User-Agent`. */
  userAgent: string | null;
  /** A pseudonym of the login's IP address (16 hex characters). */
  ipHash: string | null;
  /** The request's token belongs to this session (known when it is the access token issued with the family's newest refresh token). */
  current: boolean;
}

function storeOf(context: ServiceContext): FamilyStore {
  const store = context.settings.familyStore;
  if (!store) throw new SettingsError('familyStore', 'the sessions endpoints need a family store');
  return store;
}

/** The user id claim of the request's token: the key of the user's families. */
function userOf(context: ServiceContext, token: Token): string {
  return String(token.payload[context.settings.userIdClaim]);
}

function jtiOf(context: ServiceContext, token: Token): string | undefined {
  const { jtiClaim } = context.settings;
  const jti = jtiClaim === null ? undefined : token.payload[jtiClaim];
  return typeof jti === 'string' ? jti : undefined;
}

function currentFamily(context: ServiceContext, token: Token, families: readonly FamilySession[]): string | null {
  const jti = jtiOf(context, token);
  return jti === undefined ? null : (families.find((family) => family.accessJtis.includes(jti))?.id ?? null);
}

/**
 * `GET /token/sessions`: the user's live sessions, newest first.
 *
 * @example
 * await listSessions(context, token); // [{ id: '9f...', created: '2026-...', current: true, ... }]
 */
export async function listSessions(context: ServiceContext, token: Token): Promise<Session[]> {
  const families = await storeOf(context).listFamilies(userOf(context, token), context.settings.clock.now());
  const current = currentFamily(context, token, families);
  return families.map((family) => ({
    id: family.id,
    created: family.createdAt.toISOString(),
    lastUsed: family.lastUsedAt.toISOString(),
    userAgent: family.userAgent,
    ipHash: family.ipHash,
    current: family.id === current,
  }));
}

/**
 * `DELETE /token/sessions/{id}`: revokes one of the user's sessions (its refresh tokens are
 * blacklisted; access tokens already issued live out their short lifetime). A session that is
 * not the user's, or does not exist, or is revoked already, is 404.
 */
export async function revokeSession(context: ServiceContext, token: Token, id: string): Promise<void> {
  if (!(await storeOf(context).revokeFamily(id, context.settings.clock.now(), userOf(context, token)))) throw new NotFoundError();
}

/**
 * `POST /token/sessions/revoke-others`: revokes every session of the user but the current one
 * (all of them when the current one cannot be told). Resolves how many it revoked.
 */
export async function revokeOtherSessions(context: ServiceContext, token: Token): Promise<{ revoked: number }> {
  const store = storeOf(context);
  const userId = userOf(context, token);
  const now = context.settings.clock.now();
  const current = currentFamily(context, token, await store.listFamilies(userId, now));
  return { revoked: await store.revokeOtherFamilies(userId, current, now) };
}

/**
 * `POST /token/logout-all`: the user's `revoked_before` becomes now, so every token issued before
 * (this request's included, access tokens too) is refused on every instance, every session ends,
 * and the user's outstanding tokens are blacklisted (which a Django service sharing the tables
 * honours too).
 */
export async function logoutAll(context: ServiceContext, token: Token, user: AuthUser | TokenUser): Promise<void> {
  const now = context.settings.clock.now();
  await storeOf(context).revokeUserBefore(userOf(context, token), now);
  const id = (user as { id?: unknown }).id;
  if (id !== undefined && id !== null) await context.settings.blacklistStore?.blacklistUser(String(id), now);
}
