/**
 * Runs koa-simple-jwt's migrations with the knex CLI, for deployments that drive migrations that
 * way instead of `koa-simple-jwt migrate` or the exported `migrate()`:
 *
 *   DATABASE_URL=postgres://user:password@host:5432/app npx knex migrate:latest --knexfile knexfile.js
 *   DATABASE_URL=... npx knex migrate:rollback --all --knexfile knexfile.js
 *
 * The book-keeping table is `koa_simple_jwt_migrations`, the one `src/stores/migrate.ts` uses
 * (MIGRATIONS_TABLE), so the three ways of migrating agree on what ran and none of them touches
 * the host app's `knex_migrations`. Plain ESM JavaScript: it never imports `src/`.
 */
import { fileURLToPath } from 'node:url';

const url = process.env.DATABASE_URL;
if (url === undefined || url === '') {
  throw new Error('DATABASE_URL is not set (e.g. DATABASE_URL=postgres://user:password@localhost:5432/app)');
}

/** @type {import('knex').Knex.Config} */
export default {
  client: 'pg',
  connection: url,
  pool: { min: 0, max: 1 },
  migrations: {
    // Absolute, so the knex CLI finds the folder whatever its working directory.
    directory: fileURLToPath(new URL('./migrations', import.meta.url)),
    tableName: 'koa_simple_jwt_migrations',
    // Only the plain JavaScript migrations, as migrate() loads them.
    loadExtensions: ['.js'],
  },
};
