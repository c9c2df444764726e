import { UsageError } from '../command.js';

/**
 * The single `<user-id>` argument of the per-user commands. `user_id` is an integer column (as
 * Django's is), so anything else is a usage error rather than a silent "0 tokens".
 *
 * @example
 * userIdArgument(['42']); // '42'
 */
export function userIdArgument(positionals: string[]): string {
  const [userId, ...extra] = positionals;
  if (userId === undefined || userId === '') throw new UsageError('missing <user-id>');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!/^-?[0-9]{1,10}$/.test(userId) || Math.abs(Number(userId)) > 2_147_483_647) {
    throw new UsageError(`<user-id> must be an integer user id, got "${userId}"`);
  }
  return userId;
}
