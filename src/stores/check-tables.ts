import type { Knex } from 'knex';

/** PostgreSQL error codes and Node socket codes that mean "the server could not be reached". */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', '57P03', '3D000', '28P01', '28000']);

/**
 * The startup check of the Knex stores: the database answers and every table exists. Rejects
 * with one Error saying what to do: run the migrations (naming the missing tables), or check the
 * connection (naming the driver's reason), never a bare `relation "auth_user" does not exist`
 * on the first request.
 *
 * @example
 * await checkTables(knex, 'KnexUserStore', ['auth_user']);
 */
export async function checkTables(knex: Knex, what: string, tables: readonly string[]): Promise<void> {
  let rows: Array<{ name: string; found: string | null }>;
  try {
    const result = await knex.raw<{ rows: Array<{ name: string; found: string | null }> }>(
      `SELECT t.name, to_regclass(t.name)::text AS found FROM (VALUES ${tables.map(() => '(?::text)').join(', ')}) AS t(name)`,
      [...tables],
    );
    rows = result.rows;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = error instanceof Error ? error.message : String(error);
    const hint = typeof code === 'string' && UNREACHABLE.has(code) ? 'check DATABASE_URL (or the connection given to knex) and that PostgreSQL is running' : 'check the connection given to knex';
    throw new Error(`koa-simple-jwt: ${what} cannot reach its database (${reason}); ${hint}`, { cause: error });
  }
  const missing = rows.filter((row) => row.found === null).map((row) => row.name);
  if (missing.length > 0) {
    throw new Error(
      `koa-simple-jwt: ${what}: table${missing.length > 1 ? 's' : ''} ${missing.map((name) => `"${name}"`).join(', ')} missing; run \`npx koa-simple-jwt migrate\` (or \`await migrate(knex)\`) before starting the app`,
    );
  }
}

/**
 * A missing table (SQLSTATE 42P01) as it reaches the log, as the 503's `cause`: the driver's
 * message and what to run. The driver's error stays its `cause` (the CLI words it its own way).
 */
export class MissingTableError extends Error {
  constructor(original: Error) {
    super(`${original.message}: run \`npx koa-simple-jwt migrate\` (or \`await migrate(knex)\`), and call \`await jwt.ready()\` at startup to catch this before serving`, { cause: original });
    this.name = 'MissingTableError';
  }
}

/**
 * A store's database failure as it reaches the log: a missing table (an app started before its
 * migrations) becomes a {@link MissingTableError}; anything else is unchanged.
 *
 * @example
 * throw new ServiceUnavailableError(withMigrationHint(error));
 */
export function withMigrationHint(error: unknown): unknown {
  return error instanceof Error && (error as { code?: unknown }).code === '42P01' ? new MissingTableError(error) : error;
}
