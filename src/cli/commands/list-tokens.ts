import { KnexBlacklistStore } from '../../stores/knex-blacklist-store.js';
import { KnexFamilyStore } from '../../postgres/knex-family-store.js';
import { type CliCommand } from '../command.js';
import { userIdArgument } from './user-id-argument.js';

/**
 * `list-tokens <user-id>`: the user's outstanding tokens, newest first, as a table of jti,
 * issue time, expiry, blacklist time (`-` when not blacklisted) and the family (session) the
 * token belongs to (`-` for none). Times are UTC, to the second.
 *
 * @example
 * // koa-simple-jwt list-tokens 42
 * // jti                               created               expires               blacklisted  family
 * // 9b2f...                           2026-03-01T12:00:00Z  2026-03-02T12:00:00Z  -            3f6c...
 */
export const listTokensCommand: CliCommand = {
  name: 'list-tokens',
  summary: "List a user's outstanding tokens and whether each is blacklisted",
  usage: 'list-tokens <user-id>',
  options: {},
  async run(ctx) {
    const userId = userIdArgument(ctx.positionals);
    const knex = await ctx.database();
    const rows = await new KnexBlacklistStore(knex).listUserTokens(userId);
    if (rows.length === 0) {
      ctx.print(`User ${userId} has no outstanding tokens.`);
      return 0;
    }
    const families = await new KnexFamilyStore(knex).familiesOf(rows.map((row) => row.jti));
    const table = [
      ['jti', 'created', 'expires', 'blacklisted', 'family'],
      ...rows.map((row) => [row.jti, time(row.createdAt), time(row.expiresAt), time(row.blacklistedAt), families.get(row.jti) ?? '-']),
    ];
    const widths = [0, 1, 2, 3].map((column) => Math.max(...table.map((cells) => (cells[column] ?? '').length)));
    for (const cells of table) {
      ctx.print(cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
    }
    return 0;
  },
};

function time(at: Date | null): string {
  return at === null ? '-' : at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
