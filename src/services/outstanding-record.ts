import type { Token } from '../tokens/token.js';
import type { AuthUser } from '../stores/user-store.js';
import type { OutstandingToken } from '../stores/blacklist-store.js';
import type { ServiceContext } from './service-context.js';

/**
 * The outstanding-table record of `token` (signed as `signed`) with Simple JWT's user: the user's
 * primary key (`AuthUser.id`), as Django's foreign key holds it, never the claim's value. They
 * differ when `userIdField` names another field (`'username'`, `'email'`).
 *
 * @param user the token's user when the caller has it (`null`: none); otherwise it is looked up
 *   by the user id claim, as Simple JWT's `blacklist()` does (none when missing or not found).
 */
export async function outstandingRecord(context: ServiceContext, token: Token, signed: string, user?: AuthUser | null): Promise<OutstandingToken> {
  const record = token.outstandingRecord(signed);
  if (user !== undefined) return { ...record, userId: user === null ? null : String(user.id) };
  const { userIdField } = context.settings;
  if (record.userId === null || userIdField === 'id') return record;
  const found = (await context.userStore?.findUser(userIdField, record.userId)) ?? null;
  return { ...record, userId: found === null ? null : String(found.id) };
}
