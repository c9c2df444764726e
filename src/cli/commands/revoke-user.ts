import { KnexBlacklistStore } from '../../stores/knex-blacklist-store.js';
import { revokeUserTokens } from '../../stores/revocation.js';
import { type CliCommand } from '../command.js';
import { userIdArgument } from './user-id-argument.js';

/**
 * `revoke-user <user-id>`: "log out everywhere". Blacklists every outstanding, unexpired token
 * of the user, so none of their refresh (or sliding) tokens works again; access tokens already
 * issued run out at their own `exp`. Prints how many tokens it blacklisted.
 *
 * @example
 * // koa-simple-jwt revoke-user 42
 * // Blacklisted 3 tokens of user 42.
 */
export const revokeUserCommand: CliCommand = {
  name: 'revoke-user',
  summary: "Log a user out everywhere: blacklist all of the user's outstanding tokens",
  usage: 'revoke-user <user-id>',
  options: {},
  async run(ctx) {
    const userId = userIdArgument(ctx.positionals);
    const count = await revokeUserTokens(new KnexBlacklistStore(await ctx.database()), userId);
    ctx.print(`Blacklisted ${count} token${count === 1 ? '' : 's'} of user ${userId}.`);
    return 0;
  },
};
