/**
 * Hot-path SQL as named, prepared PostgreSQL statements, run on a connection of the Knex pool.
 *
 * Knex stays the owner of the pool (its size, timeouts, validation, `destroy()`); only the
 * per-request statements skip its query builder and runner, which cost more Node CPU than the
 * round trip itself (measured: a `knex(table).where().first()` about 380 µs of CPU per query on
 * this machine kind, a named statement on a pool connection about 210 µs). A named statement is
 * parsed and planned once per connection; later executions send only Bind/Execute.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import pg from 'pg';

/** A statement that is prepared once per pool connection and run by name afterwards. */
export interface PgStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * A statement named after its text (a hash), so two stores with different table names never
 * share a name: pg refuses a name prepared with another text on the same connection.
 *
 * @example
 * const byJti = pgStatement(`select 1 from ${quoteTable('my_table')} where jti = $1`);
 */
export function pgStatement(text: string): PgStatement {
  const name = `ksjwt_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
  return Object.freeze({ name, text });
}

/**
 * A table name as SQL, each dot-separated part quoted (`schema.table` → `"schema"."table"`),
 * as Knex's `??` does.
 */
export function quoteTable(name: string): string {
  return name
    .split('.')
    .map((part) => pg.escapeIdentifier(part))
    .join('.');
}

interface KnexPgClient {
  acquireConnection(): Promise<pg.Client>;
  releaseConnection(connection: pg.Client): Promise<void>;
}

/**
 * Runs `statement` with `values` on a connection borrowed from `knex`'s pool: one round trip.
 * Errors are pg's own (the caller decides what a failure means).
 *
 * @example
 * const { rows } = await runStatement(knex, byJti, [jti]);
 */
export async function runStatement<R extends pg.QueryResultRow = pg.QueryResultRow>(
  knex: Knex,
  statement: PgStatement,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  const client = knex.client as unknown as KnexPgClient;
  const connection = await client.acquireConnection();
  try {
    return await connection.query<R>({ name: statement.name, text: statement.text, values });
  } finally {
    await client.releaseConnection(connection);
  }
}
