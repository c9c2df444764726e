import { KnexFamilyStore } from '../../postgres/knex-family-store.js';
import { UsageError, type CliCommand } from '../command.js';
import { userIdArgument } from './user-id-argument.js';

/**
 * `sessions <user-id>`: the user's live sessions (refresh-token families), newest first: id,
 * login time, last use, a hash of the login's IP and its user agent. Times are UTC.
 *
 * @example
 * // koa-simple-jwt sessions 42
 * // id                                created               last used             ip hash           user agent
 * // 3f6c2a9e1b8d4c7f9a0e5d2b1c4f8a6e  2026-03-01T12:00:00Z  2026-03-01T12:30:00Z  9b1f0c2d3e4a5b6c  Mozilla/5.0 ...
 */
export const sessionsCommand: CliCommand = {
  name: 'sessions',
  summary: "List a user's live sessions (refresh-token families)",
  usage: 'sessions <user-id>',
  options: {},
  async run(ctx) {
    const userId = userIdArgument(ctx.positionals);
    const families = await new KnexFamilyStore(await ctx.database()).listFamilies(userId, new Date());
    if (families.length === 0) {
      ctx.print(`User ${userId} has no live sessions.`);
      return 0;
    }
    const table = [
      ['id', 'created', 'last used', 'ip hash', 'user agent'],
      ...families.map((family) => [family.id, time(family.createdAt), time(family.lastUsedAt), family.ipHash ?? '-', family.userAgent ?? '-']),
    ];
    const widths = [0, 1, 2, 3].map((column) => Math.max(...table.map((cells) => (cells[column] ?? '').length)));
    for (const cells of table) ctx.print(cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
    return 0;
  },
};

/**
 * `revoke-session <family-id>`: ends one session: the family is revoked and its refresh tokens
 * blacklisted (on every instance, through the blacklist's notifications). Its access tokens live
 * out their short lifetime; `revoke-user` refuses those too. Exit 1 when no live session has the id.
 *
 * @example
 * // koa-simple-jwt revoke-session 3f6c2a9e1b8d4c7f9a0e5d2b1c4f8a6e
 * // Ended session 3f6c2a9e1b8d4c7f9a0e5d2b1c4f8a6e.
 */
export const revokeSessionCommand: CliCommand = {
  name: 'revoke-session',
  summary: 'End one session: revoke its refresh-token family',
  usage: 'revoke-session <family-id>',
  options: {},
  async run(ctx) {
    const [id, ...extra] = ctx.positionals;
    if (id === undefined || id === '') throw new UsageError('missing <family-id>');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (await new KnexFamilyStore(await ctx.database()).revokeFamily(id, new Date())) {
      ctx.print(`Ended session ${id}.`);
      return 0;
    }
    ctx.printError(`No live session has id ${id}; nothing was revoked.`);
    return 1;
  },
};

function time(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
