import { migrate } from '../../stores/migrate.js';
import { UsageError, type CliCommand } from '../command.js';

/**
 * `migrate [--down [--all]]`: applies koa-simple-jwt's migrations (book-kept in
 * `koa_simple_jwt_migrations`, apart from the app's own), or rolls the latest batch back.
 *
 * @example
 * // DATABASE_URL=postgres://... koa-simple-jwt migrate
 */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: "Create or update koa-simple-jwt's tables (--down rolls back the latest batch)",
  usage: 'migrate [--down [--all]]',
  options: {
    down: { type: 'boolean' },
    all: { type: 'boolean' },
  },
  async run(ctx) {
    const down = ctx.values.down === true;
    const all = ctx.values.all === true;
    if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
    if (all && !down) throw new UsageError('--all only applies with --down');
    const names = await migrate(await ctx.database(), { direction: down ? 'down' : 'up', all });
    if (names.length === 0) {
      ctx.print(down ? 'Nothing to roll back.' : 'No migrations to apply.');
    } else {
      const verb = down ? 'Rolled back' : 'Applied';
      ctx.print(`${verb} ${names.length} migration${names.length === 1 ? '' : 's'}:`);
      for (const name of names) ctx.print(`  ${name}`);
    }
    return 0;
  },
};
