import { KnexBlacklistStore } from '../../stores/knex-blacklist-store.js';
import { KnexFamilyStore } from '../../postgres/knex-family-store.js';
import { flushExpiredTokens } from '../../stores/revocation.js';
import { UsageError, type CliCommand } from '../command.js';

const DEFAULT_BATCH_SIZE = 10_000;

/**
 * `flush-expired [--batch-size <n>]`: deletes expired outstanding tokens and their blacklist
 * entries (Simple JWT's `flushexpiredtokens`), in batches so it can run from cron while the
 * service serves traffic. After every full batch it prints the running total, so a long run
 * shows progress; it ends with the count. Families whose every token has expired go too (with a
 * line of their own when there were any).
 *
 * @example
 * // koa-simple-jwt flush-expired --batch-size 5000
 * // Deleted 5000 so far...
 * // Deleted 7300 expired tokens.
 */
export const flushExpiredCommand: CliCommand = {
  name: 'flush-expired',
  summary: 'Delete expired outstanding tokens and their blacklist entries, in batches',
  usage: 'flush-expired [--batch-size <n>]',
  options: {
    'batch-size': { type: 'string' },
  },
  async run(ctx) {
    if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
    const batchSize = parseBatchSize(ctx.values['batch-size']);
    const knex = await ctx.database();
    const store = new KnexBlacklistStore(knex);
    const deleted = await flushExpiredTokens(store, {
      batchSize,
      // A partial batch is the last one: the final line reports it.
      onProgress: (total) => {
        if (total % batchSize === 0) ctx.print(`Deleted ${total} so far...`);
      },
    });
    ctx.print(`Deleted ${deleted} expired token${deleted === 1 ? '' : 's'}.`);
    const families = await new KnexFamilyStore(knex).flushExpired(new Date());
    if (families > 0) ctx.print(`Deleted ${families} ended session${families === 1 ? '' : 's'} (token families).`);
    return 0;
  },
};

function parseBatchSize(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_BATCH_SIZE;
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,8}$/.test(value)) {
    throw new UsageError(`--batch-size must be a positive integer, got "${String(value)}"`);
  }
  return Number(value);
}
