import { KnexBlacklistStore } from '../../stores/knex-blacklist-store.js';
import { blacklistTokenByJti, unblacklistTokenByJti } from '../../stores/revocation.js';
import { UsageError, type CliCommand } from '../command.js';

/**
 * `blacklist <jti>`: blacklists one recorded token (what Django's admin does by adding a
 * BlacklistedToken row). Exit 1 when no outstanding token has that jti; blacklisting a token
 * that already is succeeds and says so.
 *
 * @example
 * // koa-simple-jwt blacklist 5f0c1d2e...
 * // Blacklisted token 5f0c1d2e....
 */
export const blacklistCommand: CliCommand = {
  name: 'blacklist',
  summary: 'Blacklist one recorded token by its jti',
  usage: 'blacklist <jti>',
  options: {},
  async run(ctx) {
    const jti = jtiArgument(ctx.positionals);
    const outcome = await blacklistTokenByJti(new KnexBlacklistStore(await ctx.database()), jti);
    switch (outcome) {
      case 'blacklisted':
        ctx.print(`Blacklisted token ${jti}.`);
        return 0;
      case 'already':
        ctx.print(`Token ${jti} was already blacklisted.`);
        return 0;
      case 'unknown':
        ctx.printError(`No outstanding token has jti ${jti}; nothing was blacklisted.`);
        return 1;
    }
  },
};

/**
 * `unblacklist <jti>`: lifts one blacklist entry; the token works again until it expires.
 * Exit 1 when the jti is unknown or not blacklisted.
 *
 * @example
 * // koa-simple-jwt unblacklist 5f0c1d2e...
 */
export const unblacklistCommand: CliCommand = {
  name: 'unblacklist',
  summary: 'Remove the blacklist entry of one token by its jti',
  usage: 'unblacklist <jti>',
  options: {},
  async run(ctx) {
    const jti = jtiArgument(ctx.positionals);
    const outcome = await unblacklistTokenByJti(new KnexBlacklistStore(await ctx.database()), jti);
    switch (outcome) {
      case 'unblacklisted':
        ctx.print(`Removed token ${jti} from the blacklist.`);
        return 0;
      case 'not-blacklisted':
        ctx.printError(`Token ${jti} is not blacklisted.`);
        return 1;
      case 'unknown':
        ctx.printError(`No outstanding token has jti ${jti}.`);
        return 1;
    }
  },
};

function jtiArgument(positionals: string[]): string {
  const [jti, ...extra] = positionals;
  if (jti === undefined || jti === '') throw new UsageError('missing <jti>');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  return jti;
}
