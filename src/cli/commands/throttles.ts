import { KnexLoginThrottleStore } from '../../stores/knex-login-throttle-store.js';
import { addressKey, usernameKey } from '../../throttle/login-throttle.js';
import { UsageError, type CliCommand, type CommandContext } from '../command.js';

/**
 * `list-throttles [<username>] [--address <ip>]`: the login throttles kept in PostgreSQL
 * (`KnexLoginThrottleStore`), as key, failures, last failure and the end of the wait (`-` when
 * not waiting). Without arguments: every remembered key.
 *
 * @example
 * // koa-simple-jwt list-throttles alice
 * // key             failures  last failure          blocked until
 * // username:alice  6         2026-03-01T12:00:00Z  2026-03-01T12:02:00Z
 */
export const listThrottlesCommand: CliCommand = {
  name: 'list-throttles',
  summary: 'List login throttles (failed logins and waits) for a username, an address, or all',
  usage: 'list-throttles [<username>] [--address <ip>]',
  options: { address: { type: 'string' } },
  async run(ctx) {
    const prefixes = keysOf(ctx, false);
    const store = new KnexLoginThrottleStore(await ctx.database());
    // A named key is listed alone (`alice` must not list `alice2`, which shares the prefix).
    const entries = (await Promise.all((prefixes.length > 0 ? prefixes : ['']).map((prefix) => store.list(prefix))))
      .flat()
      .filter((entry) => prefixes.length === 0 || prefixes.includes(entry.key));
    if (entries.length === 0) {
      ctx.print('No login throttles.');
      return 0;
    }
    const table = [
      ['key', 'failures', 'last failure', 'blocked until'],
      ...entries.map((entry) => [entry.key, String(entry.failures), time(entry.lastFailureAt), time(entry.blockedUntil)]),
    ];
    const widths = [0, 1, 2].map((column) => Math.max(...table.map((cells) => (cells[column] ?? '').length)));
    for (const cells of table) ctx.print(cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
    return 0;
  },
};

/**
 * `clear-throttles <username> [--address <ip>]`: forgets the failed logins of a username (and of
 * an address), so a locked-out user may try again at once.
 *
 * @example
 * // koa-simple-jwt clear-throttles alice
 * // Cleared 1 login throttle.
 */
export const clearThrottlesCommand: CliCommand = {
  name: 'clear-throttles',
  summary: 'Let a username (or --address) log in again at once: forget its failed logins',
  usage: 'clear-throttles <username> [--address <ip>]',
  options: { address: { type: 'string' } },
  async run(ctx) {
    const keys = keysOf(ctx, true);
    const count = await new KnexLoginThrottleStore(await ctx.database()).clear(keys);
    ctx.print(`Cleared ${count} login throttle${count === 1 ? '' : 's'}.`);
    return 0;
  },
};

/** The store keys named on the command line: a username (exactly one matches), an address. */
function keysOf(ctx: CommandContext, required: boolean): string[] {
  const [username, ...extra] = ctx.positionals;
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const address = ctx.values.address;
  if (required && username === undefined && typeof address !== 'string') throw new UsageError('a username (or --address) is required');
  const keys: string[] = [];
  if (username !== undefined) {
    if (username === '') throw new UsageError('the username is empty');
    keys.push(usernameKey(username));
  }
  if (typeof address === 'string') keys.push(addressKey(address));
  return keys;
}

function time(at: Date | null): string {
  return at === null ? '-' : at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
