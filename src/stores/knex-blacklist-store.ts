/**
 * The default {@link BlacklistStore}: Simple JWT's `token_blacklist` tables on PostgreSQL, read
 * and written with Knex. It works on the tables our migration makes and on the ones Django made,
 * so a Django service and this one can share a blacklist.
 */
import type { Knex } from 'knex';
import { checkTables, withMigrationHint } from './check-tables.js';
import { systemClock, type Clock } from '../clock.js';
import { ServiceUnavailableError } from '../errors.js';
import type { BlacklistStore, OutstandingToken, OutstandingTokenRow } from './blacklist-store.js';
import { blacklistStatements, type BlacklistStatements } from './blacklist-statements.js';
import { runStatement, type PgStatement } from './pg-statement.js';
import { batchedStatement, type BatchingOptions } from './statement-coalescer.js';

/** Options of {@link KnexBlacklistStore}. */
export interface KnexBlacklistStoreOptions {
  /** The outstanding-token table. Default `'token_blacklist_outstandingtoken'` (Django's). */
  outstandingTable?: string;
  /** The blacklisted-token table. Default `'token_blacklist_blacklistedtoken'` (Django's). */
  blacklistedTable?: string;
  /** Where `blacklisted_at` comes from. Default the wall clock. */
  clock?: Clock;
  /**
   * Concurrent rotations share a statement (and a commit) when the database is busy: a rotation
   * is sent at once while fewer than `maxInFlight` (default 2) batches are out, else it waits for
   * one to come back and goes with the others that waited (at most `maxBatch`, default 256). Each
   * keeps its single winner. `false` sends every rotation on its own.
   */
  rotationBatching?: false | BatchingOptions;
  /**
   * Concurrent `isBlacklisted` checks share a statement when the database is busy, as rotations
   * do (`rotationBatching`; defaults: 2 batches out, 256 jtis each). `false` sends every check on
   * its own.
   */
  lookupBatching?: false | BatchingOptions;
}

/** A rotation waiting for its batch. */
interface Rotation {
  consumed: OutstandingToken;
  issued: OutstandingToken;
}

/** Options of {@link KnexBlacklistStore.flushExpired}. */
export interface FlushExpiredOptions {
  /** Rows deleted per batch, each batch in its own short transaction. Default 10 000. */
  batchSize?: number;
  /** Called after every batch that deleted rows, with the running total. */
  onProgress?: (deleted: number) => void;
}

/** What {@link KnexBlacklistStore.blacklistJti} did. */
export type BlacklistJtiResult = 'blacklisted' | 'already' | 'unknown';

/** What {@link KnexBlacklistStore.unblacklistJti} did. */
export type UnblacklistJtiResult = 'unblacklisted' | 'not-blacklisted' | 'unknown';

const DEFAULT_BATCH_SIZE = 10_000;
const INT4_MAX = 2_147_483_647;
/** Writes retried after a race (see {@link classify}); more would hide a real fault. */
const MAX_ATTEMPTS = 3;

interface ListedRow {
  id: string | number;
  user_id: number | null;
  jti: string;
  token: string;
  created_at: Date | null;
  expires_at: Date;
  blacklisted_at: Date | null;
}

/**
 * Outstanding and blacklisted tokens in PostgreSQL.
 *
 * Every write that must not half-happen is one statement (atomic by itself), and every "is it there yet?"
 * decision is taken by a unique index (`INSERT ... ON CONFLICT DO NOTHING`), never by a read
 * followed by a write: Simple JWT checks the blacklist and inserts separately, so concurrent
 * refreshes of one token can all succeed or fail with an IntegrityError (simplejwt #985). Every
 * database failure is thrown as a {@link ServiceUnavailableError} with the original as `cause`;
 * no method answers "not blacklisted" because the database failed.
 *
 * @example
 * const store = new KnexBlacklistStore(knex);
 * const simpleJwt = createSimpleJwt({ signingKey, rotateRefreshTokens: true, blacklistAfterRotation: true, blacklistStore: store });
 * await store.isBlacklisted('5f0c...');        // false
 * await store.flushExpired(new Date());       // e.g. 1234 rows deleted
 */
export class KnexBlacklistStore implements BlacklistStore {
  readonly #knex: Knex;
  readonly #outstanding: string;
  readonly #blacklisted: string;
  readonly #clock: Clock;
  readonly #sql: BlacklistStatements;
  /** A rotation with a successor, alone or in a batch (`rotationBatching`). */
  readonly #rotateWithSuccessor: (rotation: Rotation) => Promise<boolean>;
  /** The blacklist check, alone or in a batch (`lookupBatching`). */
  readonly #checkBlacklisted: (jti: string) => Promise<boolean>;

  constructor(knex: Knex, options: KnexBlacklistStoreOptions = {}) {
    this.#knex = knex;
    this.#outstanding = tableOption('outstandingTable', options.outstandingTable ?? 'token_blacklist_outstandingtoken');
    this.#blacklisted = tableOption('blacklistedTable', options.blacklistedTable ?? 'token_blacklist_blacklistedtoken');
    this.#clock = options.clock ?? systemClock;
    this.#sql = blacklistStatements(this.#outstanding, this.#blacklisted);
    this.#rotateWithSuccessor = batchedStatement('KnexBlacklistStore', 'rotationBatching', options.rotationBatching, {
      one: (rotation) => this.#consume(this.#sql.rotate, rotation.consumed, rotation.issued),
      many: (rotations) => this.#rotateMany(rotations),
      key: (rotation) => rotation.consumed.jti,
    });
    this.#checkBlacklisted = batchedStatement('KnexBlacklistStore', 'lookupBatching', options.lookupBatching, {
      one: (jti) => this.#isBlacklisted(jti),
      many: (jtis) => this.#blacklistedAmong(jtis),
    });
  }

  /** Rejects, naming the fix, when a table is missing or the database cannot be reached (`jwt.ready()`). */
  async ready(): Promise<void> {
    await checkTables(this.#knex, 'KnexBlacklistStore', [this.#outstanding, this.#blacklisted]);
  }

  /**
   * Records an issued token. Recording a jti that is there already keeps the first row. One
   * statement.
   *
   * @example
   * await store.outstand({ jti, userId: '42', token: signed, createdAt: now, expiresAt: exp });
   */
  async outstand(token: OutstandingToken): Promise<void> {
    await this.#write((userless) => runStatement(this.#knex, this.#sql.outstand, outstandingValues(token, userless)));
  }

  /**
   * Blacklists a token, recording it first if it never was (Simple JWT's get-or-create, which
   * keeps the user and `created_at` of an existing row). Resolves true when this call
   * blacklisted it, false when it already was; concurrent calls never fail on a unique index.
   * One statement (one round trip, atomic by itself).
   *
   * @example
   * await store.blacklist(refresh.outstandingRecord(encoded)); // true, then false
   */
  async blacklist(token: OutstandingToken): Promise<boolean> {
    return this.#consume(this.#sql.blacklist, token, null);
  }

  /**
   * Consumes a refresh token and records its successor, atomically, in one statement (one round
   * trip, no explicit transaction). The blacklist row of `consumed` is inserted on its unique
   * `token_id`: of N concurrent calls exactly one inserts it, the others wait for that one to
   * commit and then find the row there and resolve false; the successor is inserted only from
   * the row the winner's insert returned, so no loser ever records a second refresh token.
   *
   * @example
   * if (!(await store.rotate(consumed, issued))) throw new TokenError('Token is blacklisted');
   */
  async rotate(consumed: OutstandingToken, issued: OutstandingToken | null): Promise<boolean> {
    if (issued === null) return this.#consume(this.#sql.blacklist, consumed, null);
    return this.#rotateWithSuccessor({ consumed, issued });
  }

  /**
   * The per-request check: one EXISTS over the unique jti index and the unique `token_id` index,
   * a named (prepared) statement; concurrent checks share one (see `lookupBatching`).
   *
   * @example
   * if (await store.isBlacklisted(jti)) throw new TokenError('Token is blacklisted');
   */
  async isBlacklisted(jti: string): Promise<boolean> {
    if (!isStorableText(jti)) return false;
    return this.#run(() => this.#checkBlacklisted(jti));
  }

  async #isBlacklisted(jti: string): Promise<boolean> {
    const result = await runStatement<{ blacklisted: boolean }>(this.#knex, this.#sql.isBlacklisted, [jti]);
    return result.rows[0]?.blacklisted === true;
  }

  /** Several checks in one `= any(...)` statement (see `lookupBatching`). */
  async #blacklistedAmong(jtis: string[]): Promise<boolean[]> {
    const { rows } = await runStatement<{ jti: string }>(this.#knex, this.#sql.blacklistedAmong, [jtis]);
    const blacklisted = new Set(rows.map((row) => row.jti));
    return jtis.map((jti) => blacklisted.has(jti));
  }

  /**
   * Removes a jti's blacklist entry (its outstanding row stays). Resolves true when there was one.
   *
   * @example
   * await store.unblacklist(jti); // true, then false
   */
  async unblacklist(jti: string): Promise<boolean> {
    return (await this.unblacklistJti(jti)) === 'unblacklisted';
  }

  /**
   * Like {@link unblacklist}, telling an unknown jti from one that was not blacklisted. One
   * statement.
   *
   * @example
   * await store.unblacklistJti('nope'); // 'unknown'
   */
  async unblacklistJti(jti: string): Promise<UnblacklistJtiResult> {
    if (!isStorableText(jti)) return 'unknown';
    const result = await this.#run(() =>
      this.#knex.raw(
        `with token as (select id from ?? where jti = ?),
              removed as (delete from ?? where token_id in (select id from token) returning id)
         select (select count(*) from token)::int as known, (select count(*) from removed)::int as changed`,
        [this.#outstanding, jti, this.#blacklisted],
      ),
    );
    const row = result.rows[0] as { known: number; changed: number } | undefined;
    if (row === undefined || row.known === 0) return 'unknown';
    return row.changed > 0 ? 'unblacklisted' : 'not-blacklisted';
  }

  /**
   * Blacklists the outstanding token with this jti, which must have been recorded (the manual
   * revocation Django's admin offers). One statement.
   *
   * @example
   * await store.blacklistJti(jti); // 'blacklisted', then 'already'; 'unknown' for a jti never recorded
   */
  async blacklistJti(jti: string): Promise<BlacklistJtiResult> {
    if (!isStorableText(jti)) return 'unknown';
    const result = await this.#write(() =>
      this.#knex.raw(
        `with token as (select id from ?? where jti = ?),
              added as (insert into ?? (token_id, blacklisted_at) select id, ? from token
                        on conflict (token_id) do nothing returning id)
         select (select count(*) from token)::int as known, (select count(*) from added)::int as changed`,
        [this.#outstanding, jti, this.#blacklisted, this.#clock.now()],
      ),
    );
    const row = result.rows[0] as { known: number; changed: number } | undefined;
    if (row === undefined || row.known === 0) return 'unknown';
    return row.changed > 0 ? 'blacklisted' : 'already';
  }

  /**
   * "Log out everywhere": blacklists every outstanding token of the user that expires after
   * `now` and is not blacklisted yet, in one `INSERT ... SELECT`. Resolves how many it
   * blacklisted. Tokens issued later are not affected.
   *
   * @example
   * await store.blacklistUser('42', new Date()); // 3
   */
  async blacklistUser(userId: string, now: Date): Promise<number> {
    const id = userIdValue(userId);
    if (id === null) return 0;
    const result = await this.#write(() =>
      this.#knex.raw(
        // In id order, so two concurrent calls for one user take the unique-index locks in the
        // same order and cannot deadlock.
        `insert into ?? (token_id, blacklisted_at)
         select o.id, ? from ?? o
          where o.user_id = ? and o.expires_at > ?
            and not exists (select 1 from ?? b where b.token_id = o.id)
          order by o.id
         on conflict (token_id) do nothing`,
        [this.#blacklisted, this.#clock.now(), this.#outstanding, id, now, this.#blacklisted],
      ),
    );
    return result.rowCount ?? 0;
  }

  /**
   * A user's outstanding tokens, newest first, each with when it was blacklisted (or null).
   *
   * @example
   * for (const row of await store.listUserTokens('42')) console.log(row.jti, row.blacklistedAt);
   */
  async listUserTokens(userId: string): Promise<OutstandingTokenRow[]> {
    const id = userIdValue(userId);
    if (id === null) return [];
    const result = await this.#run(() =>
      this.#knex.raw(
        `select o.id, o.user_id, o.jti, o.token, o.created_at, o.expires_at, b.blacklisted_at
           from ?? o left join ?? b on b.token_id = o.id
          where o.user_id = ?
          order by o.created_at desc nulls last, o.id desc`,
        [this.#outstanding, this.#blacklisted, id],
      ),
    );
    return (result.rows as ListedRow[]).map((row) => ({
      id: String(row.id),
      userId: row.user_id === null ? null : String(row.user_id),
      jti: row.jti,
      token: row.token,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      blacklistedAt: row.blacklisted_at,
    }));
  }

  /**
   * Deletes the outstanding rows with `expires_at <= now`, and their blacklist rows, in batches
   * of `batchSize` rows. Each batch is one statement, hence its own short transaction: a table
   * of millions of rows is never locked for long and traffic goes on meanwhile. Rows that other
   * transactions hold (a concurrent blacklisting) are skipped rather than waited for; a later
   * run deletes them. Resolves the number of outstanding rows deleted.
   *
   * @throws TypeError when `batchSize` is not a positive integer.
   * @example
   * await store.flushExpired(new Date(), { onProgress: (n) => console.log(`${n} deleted`) });
   */
  async flushExpired(now: Date, options: FlushExpiredOptions = {}): Promise<number> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new TypeError(`flushExpired: option "batchSize" must be a positive integer, got ${String(batchSize)}`);
    }
    let total = 0;
    for (;;) {
      const deleted = await this.#write(() => this.#knex.transaction((trx) => this.#flushBatch(trx, now, batchSize)));
      if (deleted > 0) {
        total += deleted;
        options.onProgress?.(total);
      }
      if (deleted < batchSize) return total;
    }
  }

  /**
   * One batch of {@link flushExpired}: two statements in one transaction. The blacklist rows go
   * first, in a statement of their own, while their outstanding rows are still there, so that the
   * trigger announcing removals (migration `20260105000000_blacklist_sync`) reads their jtis and
   * mirrors forget them without a reload (Django's ORM deletes in the same order). They go
   * explicitly: Django's tables have no ON DELETE CASCADE (its ORM deletes them), ours do, and
   * this works on both. Rows that other transactions hold (a concurrent blacklisting) are
   * skipped rather than waited for; a later run deletes them.
   */
  async #flushBatch(trx: Knex.Transaction, now: Date, batchSize: number): Promise<number> {
    const batch = await trx.raw(
      `with batch as (
         select id from ?? where expires_at <= ? order by id limit ? for update skip locked
       ), blacklisted as (
         delete from ?? where token_id in (select id from batch)
       )
       select id from batch`,
      [this.#outstanding, now, batchSize, this.#blacklisted],
    );
    const ids = (batch.rows as { id: string | number }[]).map((row) => String(row.id));
    if (ids.length === 0) return 0;
    const result = await trx.raw('delete from ?? where id = any(?::bigint[])', [this.#outstanding, `{${ids.join(',')}}`]);
    return result.rowCount ?? 0;
  }

  /**
   * Runs a blacklist or rotation statement: true when this call blacklisted `consumed`. The
   * statement finds `consumed`'s outstanding row or records it; when a concurrent call recorded
   * the same jti first, this statement's snapshot cannot see that row and finds nothing
   * (`known` 0): it runs again, and the next snapshot does.
   */
  async #consume(statement: PgStatement, consumed: OutstandingToken, issued: OutstandingToken | null): Promise<boolean> {
    return this.#write(async (userless) => {
      const values = [...outstandingValues(consumed, userless), this.#clock.now()];
      if (issued !== null) values.push(...outstandingValues(issued, userless));
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const result = await runStatement<{ known: number; won: number }>(this.#knex, statement, values);
        const row = result.rows[0];
        if (row !== undefined && row.known > 0) return row.won > 0;
      }
      throw new Error(`could not record the outstanding token ${consumed.jti} (it kept disappearing)`);
    });
  }

  /**
   * Several rotations in one `rotateMany` statement (see `rotationBatching`). A rotation that
   * statement could not settle (its consumed token was being recorded by a concurrent call), and
   * every rotation of a batch whose statement failed (an outage, a deleted user's foreign key, two
   * batches deadlocking), runs again on its own through {@link #consume}, which knows what each
   * failure means.
   */
  async #rotateMany(rotations: Rotation[]): Promise<Array<boolean | Promise<boolean>>> {
    const alone = (rotation: Rotation) => this.#consume(this.#sql.rotate, rotation.consumed, rotation.issued);
    const columns = (token: OutstandingToken) => outstandingValues(token, false);
    const consumed = rotations.map((rotation) => columns(rotation.consumed));
    const issued = rotations.map((rotation) => columns(rotation.issued));
    const values = [...transpose(consumed), this.#clock.now(), ...transpose(issued)];
    let rows: { n: number; known: boolean; won: boolean }[];
    try {
      rows = (await runStatement<{ n: number; known: boolean; won: boolean }>(this.#knex, this.#sql.rotateMany, values)).rows;
    } catch {
      return rotations.map(alone);
    }
    return rotations.map((rotation, i) => {
      const row = rows[i];
      return row !== undefined && row.n === i + 1 && row.known ? row.won : alone(rotation);
    });
  }

  /**
   * Runs a write, repeating it after a race that is not a fault (see {@link classify}). `work`
   * is told to leave `user_id` NULL after the user foreign key refused the row.
   */
  async #write<T>(work: (userless: boolean) => PromiseLike<T>): Promise<T> {
    let userless = false;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work(userless);
      } catch (error) {
        const kind = attempt < MAX_ATTEMPTS ? classify(error, this.#outstanding) : 'fault';
        if (kind === 'fault') throw new ServiceUnavailableError(withMigrationHint(error));
        if (kind === 'user-gone') userless = true;
      }
    }
  }

  /** The single place where database errors of reads become 503s. */
  async #run<T>(query: () => PromiseLike<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new ServiceUnavailableError(withMigrationHint(error));
    }
  }
}

/**
 * What a failed write means.
 * - `user-gone`: the user foreign key refused an outstanding row (the user was deleted, or the
 *   token's user lives in another table). Django sets `user_id` NULL when a user is deleted, so
 *   the row is recorded without a user: a token of a deleted user can still be blacklisted.
 * - `race`: a deadlock or serialization failure, or a blacklist row whose outstanding row a
 *   concurrent flush just deleted (with Django's deferred keys, found at commit). Repeating the
 *   whole transaction is safe.
 * - `fault`: anything else (the database is down, a table is missing): a 503.
 */
function classify(error: unknown, outstandingTable: string): 'user-gone' | 'race' | 'fault' {
  const { code, table } = (error ?? {}) as { code?: unknown; table?: unknown };
  if (code === '40P01' || code === '40001') return 'race';
  if (code !== '23503') return 'fault';
  // pg reports the referencing table without its schema.
  const bare = outstandingTable.slice(outstandingTable.lastIndexOf('.') + 1);
  return table === bare ? 'user-gone' : 'race';
}

/** Columns of rows → one array per column. */
function transpose(rows: unknown[][]): unknown[][] {
  return rows[0]!.map((_, column) => rows.map((row) => row[column]));
}

function tableOption(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`KnexBlacklistStore: option "${name}" must be a non-empty string`);
  }
  return value;
}

/** The five columns of an outstanding row, in the order the statements take them. */
function outstandingValues(token: OutstandingToken, userless: boolean): unknown[] {
  return [userless ? null : userIdValue(token.userId), token.jti, token.token, token.createdAt, token.expiresAt];
}

/**
 * The `user_id` to store or look up: an integer, as Django's column is, or null for an id that
 * cannot be one (a non-numeric or out-of-range value would make PostgreSQL fail, not mismatch).
 */
function userIdValue(userId: string | null): number | null {
  if (typeof userId !== 'string' || !/^-?[0-9]{1,10}$/.test(userId)) return null;
  const id = Number(userId);
  return Math.abs(id) <= INT4_MAX ? id : null;
}

/** PostgreSQL text cannot hold NUL, so such a jti matches nothing; sending it would be an error. */
function isStorableText(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\u0000');
}
