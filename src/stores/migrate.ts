/**
 * Runs this package's Knex migrations (the package root's `migrations/` folder) against a host
 * app's database, book-keeping them in tables of our own so they never mix with the host app's
 * `knex_migrations`: the host can run its own migrations before or after ours, in any order.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';

/** Our migrations table; Knex names its lock table `${MIGRATIONS_TABLE}_lock`. */
export const MIGRATIONS_TABLE = 'koa_simple_jwt_migrations';

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** `'up'` (default) applies every pending migration; `'down'` rolls back. */
  direction?: 'up' | 'down';
  /** With `'down'`: roll back every migration of ours instead of only the latest batch. */
  all?: boolean;
}

/**
 * Applies (or rolls back) koa-simple-jwt's migrations and returns the names of the migration
 * files that ran, in order; an empty list when there was nothing to do.
 *
 * The `auth_user` migration leaves an existing (Django) table alone, and rolling it back drops
 * the table only if that migration created it.
 *
 * @example
 * import knexFactory from 'knex';
 * const knex = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
 * await migrate(knex);                        // ['20260101000000_auth_user.js']
 * await migrate(knex, { direction: 'down' }); // rolls back the latest batch
 */
export async function migrate(knex: Knex, options: MigrateOptions = {}): Promise<string[]> {
  const direction = options.direction ?? 'up';
  if (direction !== 'up' && direction !== 'down') {
    throw new TypeError(`migrate: direction must be 'up' or 'down', got ${String(direction)}`);
  }
  const config: Knex.MigratorConfig = {
    directory: migrationsDirectory(),
    tableName: MIGRATIONS_TABLE,
    // Only plain ESM JavaScript: under tsx, Knex would otherwise also try to load stray .ts files.
    loadExtensions: ['.js'],
  };
  const [, log] =
    direction === 'up'
      ? await knex.migrate.latest(config)
      : await knex.migrate.rollback(config, options.all ?? false);
  return log as string[];
}

/**
 * The package root's `migrations/`. This module runs from `src/stores/` (tsx, tests) or from
 * `dist/src/stores/` (the published build), so the folder is two or three levels up.
 */
function migrationsDirectory(): string {
  const candidates = ['../../migrations', '../../../migrations'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined) {
    throw new Error(`koa-simple-jwt: migrations folder not found (looked in ${candidates.join(', ')})`);
  }
  return found;
}
