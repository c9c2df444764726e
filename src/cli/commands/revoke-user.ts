import { KnexBlacklistStore } from '../../stores/knex-blacklist-store.js';
import { KnexFamilyStore } from '../../postgres/knex-family-store.js';
import { revokeUserTokens } from '../../stores/revocation.js';
import { type CliCommand } from '../command.js';
import { userIdArgument } from './user-id-argument.js';

/**
 * `revoke-user <user-id>`: "log out everywhere". Blacklists every outstanding, unexpired token
 * of the user, so none of their refresh (or sliding) tokens works again, and sets the user's
 * `revoked_before` to now: instances with a family store refuse every token of the user issued
 * until now, access tokens included, and the user's sessions end. Prints how many tokens it
 * blacklisted.
 *
 * @example
 * // koa-simple-jwt revoke-user 42
 * // Blacklisted 3 tokens of user 42.
 * // Every token of user 42 issued until now is refused, access tokens included (revoked_before).
 */
export const revokeUserCommand: CliCommand = {
  name: 'revoke-user',
  summary: "Log a user out everywhere: blacklist all of the user's outstanding tokens",
  usage: 'revoke-user <user-id>',
  options: {},
  async run(ctx) {
    const userId = userIdArgument(ctx.positionals);
    const knex = await ctx.database();
    const count = await revokeUserTokens(new KnexBlacklistStore(knex), userId, new Date(), new KnexFamilyStore(knex));
    ctx.print(`Blacklisted ${count} token${count === 1 ? '' : 's'} of user ${userId}.`);
    ctx.print(`Every token of user ${userId} issued until now is refused, access tokens included (revoked_before).`);
    return 0;
  },
};
