/**
 * The blacklist's hot-path SQL, in one place: named statements over Simple JWT's two tables.
 * The indexes they rely on are the unique ones both Django's tables and migration
 * `20260102000000_token_blacklist` have: `outstandingtoken.jti` and `blacklistedtoken.token_id`.
 */
import { pgStatement, quoteTable, type PgStatement } from './pg-statement.js';

/** The statements of one pair of tables. */
export interface BlacklistStatements {
  /** $1..$5 an outstanding row (user_id, jti, token, created_at, expires_at). */
  readonly outstand: PgStatement;
  /** $1..$5 the token's outstanding row, $6 blacklisted_at. Returns `known` and `won`. */
  readonly blacklist: PgStatement;
  /** As `blacklist`, then $7..$11 the successor's outstanding row, inserted only when `won`. */
  readonly rotate: PgStatement;
  /**
   * Many rotations in one statement: $1..$5 arrays of the consumed tokens' outstanding columns,
   * $6 blacklisted_at, $7..$11 arrays of the successors' columns (one element per rotation; the
   * consumed jtis distinct). Returns one row per rotation, `n` its 1-based position, with `known`
   * and `won` as `rotate` does.
   */
  readonly rotateMany: PgStatement;
  /** $1 a jti. Returns `blacklisted`. */
  readonly isBlacklisted: PgStatement;
  /** $1 an array of jtis. Returns the `jti` of each that is blacklisted. */
  readonly blacklistedAmong: PgStatement;
}

/**
 * Builds the statements for these tables.
 *
 * The blacklisting is one statement of data-modifying CTEs: PostgreSQL runs it atomically,
 * without BEGIN/COMMIT round trips. `consumed` reads the outstanding row; `recorded` inserts it
 * only when absent (a concurrent insert of the same jti makes it insert nothing, and the caller
 * runs the statement again under a fresh snapshot). The blacklist insert waits on the unique
 * `token_id` for a concurrent winner to commit, then inserts nothing: `won` is 0, and the
 * successor, selected from the rows that insert returned, is not recorded. The foreign keys
 * (deferred on Django's tables, immediate on ours) are checked at the statement's end, when the
 * row `recorded` inserted is there.
 *
 * `rotateMany` is `rotate` over arrays (see `StatementCoalescer`): each rotation keeps its own
 * single winner, rows are written in key order so that two concurrent batches take the unique
 * index locks in the same order, and one commit covers them all.
 */
export function blacklistStatements(outstandingTable: string, blacklistedTable: string): BlacklistStatements {
  const o = quoteTable(outstandingTable);
  const b = quoteTable(blacklistedTable);
  const columns = '(user_id, jti, token, created_at, expires_at)';
  const consume = `with consumed as (
      select id from ${o} where jti = $2
    ), recorded as (
      insert into ${o} ${columns}
      select $1::integer, $2::varchar, $3::text, $4::timestamptz, $5::timestamptz where not exists (select 1 from consumed)
      on conflict (jti) do nothing returning id
    ), token as (
      select id from consumed union all select id from recorded
    ), won as (
      insert into ${b} (token_id, blacklisted_at) select id, $6::timestamptz from token
      on conflict (token_id) do nothing returning token_id
    )`;
  return Object.freeze({
    outstand: pgStatement(
      `insert into ${o} ${columns} values ($1::integer, $2::varchar, $3::text, $4::timestamptz, $5::timestamptz) on conflict (jti) do nothing`,
    ),
    blacklist: pgStatement(
      `${consume}
    select (select count(*) from token)::int as known, (select count(*) from won)::int as won`,
    ),
    rotate: pgStatement(
      `${consume}, issued as (
      insert into ${o} ${columns}
      select $7::integer, $8::varchar, $9::text, $10::timestamptz, $11::timestamptz from won
      on conflict (jti) do nothing returning id
    )
    select (select count(*) from token)::int as known, (select count(*) from won)::int as won, (select count(*) from issued)::int as issued`,
    ),
    rotateMany: pgStatement(
      `with input as (
      select * from unnest($1::integer[], $2::varchar[], $3::text[], $4::timestamptz[], $5::timestamptz[],
                           $7::integer[], $8::varchar[], $9::text[], $10::timestamptz[], $11::timestamptz[])
        with ordinality as i(user_id, jti, token, created_at, expires_at,
                             next_user_id, next_jti, next_token, next_created_at, next_expires_at, n)
    ), consumed as (
      select i.n, o.id from input i join ${o} o on o.jti = i.jti
    ), recorded as (
      insert into ${o} ${columns}
      select i.user_id, i.jti, i.token, i.created_at, i.expires_at from input i
       where not exists (select 1 from consumed c where c.n = i.n)
       order by i.jti
      on conflict (jti) do nothing returning id, jti
    ), token as (
      select n, id from consumed union all select i.n, r.id from recorded r join input i on i.jti = r.jti
    ), won as (
      insert into ${b} (token_id, blacklisted_at) select id, $6::timestamptz from token order by id
      on conflict (token_id) do nothing returning token_id
    ), issued as (
      insert into ${o} ${columns}
      select i.next_user_id, i.next_jti, i.next_token, i.next_created_at, i.next_expires_at
        from input i join token t on t.n = i.n join won w on w.token_id = t.id
       order by i.next_jti
      on conflict (jti) do nothing returning id
    )
    select i.n::int as n, (t.id is not null) as known, (w.token_id is not null) as won
      from input i left join token t on t.n = i.n left join won w on w.token_id = t.id
     order by i.n`,
    ),
    isBlacklisted: pgStatement(
      `select exists (select 1 from ${b} b join ${o} o on o.id = b.token_id where o.jti = $1) as blacklisted`,
    ),
    blacklistedAmong: pgStatement(`select o.jti from ${o} o join ${b} b on b.token_id = o.id where o.jti = any($1::varchar[])`),
  });
}
