import { KnexUserStore } from '../../stores/knex-user-store.js';
import { UsageError, type CliCommand, type CommandContext } from '../command.js';

/**
 * `activate <username>`: sets `is_active`, so the user may obtain tokens again.
 *
 * @example
 * // koa-simple-jwt activate alice
 */
export const activateCommand: CliCommand = {
  name: 'activate',
  summary: 'Allow a user to log in again (is_active = true)',
  usage: 'activate <username>',
  options: {},
  run: (ctx) => setActive(ctx, true),
};

/**
 * `deactivate <username>`: clears `is_active`, so obtaining tokens fails. Tokens already issued
 * are refused only where authentication looks the user up and checks `isActive` (Simple JWT's
 * default for database-backed authentication; stateless authentication cannot).
 *
 * @example
 * // koa-simple-jwt deactivate alice
 */
export const deactivateCommand: CliCommand = {
  name: 'deactivate',
  summary: 'Stop a user from logging in (is_active = false)',
  usage: 'deactivate <username>',
  options: {},
  run: (ctx) => setActive(ctx, false),
};

async function setActive(ctx: CommandContext, active: boolean): Promise<number> {
  const [username, ...extra] = ctx.positionals;
  if (username === undefined || username === '') throw new UsageError('missing <username>');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const store = new KnexUserStore(await ctx.database());
  if (!(await store.setActive(username, active))) {
    ctx.printError(`No user named "${username}".`);
    return 1;
  }
  ctx.print(`${active ? 'Activated' : 'Deactivated'} user "${username}".`);
  return 0;
}
