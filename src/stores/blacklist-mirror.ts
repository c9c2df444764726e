import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PgListener } from './pg-listener.js';
import { JtiSet } from './jti-set.js';
import { SUMMARY_TABLE, Snapshot, addChecksum, checksumTerm, parseChange } from './blacklist-changes.js';
import type { Change } from './blacklist-changes.js';
import type { Clock } from '../clock.js';
import { logStateChanges, notInSyncError } from './state-report.js';
import type { StateChangeReporter } from './state-report.js';
import type { ListenerHealth, MirrorState, PgConnection } from './listener-types.js';
import type { BlacklistStore, OutstandingToken, OutstandingTokenRow } from './blacklist-store.js';

/** The channel the blacklist triggers (migration `..._blacklist_sync`) announce on. */
export const BLACKLIST_CHANNEL = 'koa_simple_jwt_blacklist';
/** The `application_name` of the listening connection, to find it in `pg_stat_activity`. */
export const LISTENER_APPLICATION_NAME = 'koa-simple-jwt-blacklist-listener';

const DEFAULT_LOAD_BATCH_SIZE = 50_000;
/** Round trips a sync waits, after sending its mark, for the mark to come back. */
const MARK_ROUND_TRIPS = 3;

/** Options of {@link BlacklistMirror}. */
export interface BlacklistMirrorOptions {
  /** How to reach PostgreSQL for the listening connection (a URL or pg's client config). */
  connection: PgConnection;
  /**
   * Compare memory with the database this often (an O(1) read of the summary the triggers keep),
   * reloading only when they disagree. Default 60 s.
   */
  resyncIntervalMs?: number;
  /** First reconnection delay after the listening connection drops; doubles up to 5 s. Default 100 ms. */
  reconnectDelayMs?: number;
  /**
   * Longest one round trip of a (re)connection, a load or a check may take before the listening
   * connection counts as lost (answers come from the database until it is back). A load of many
   * batches is bounded per batch, not as a whole. A connection gone silent is noticed within
   * `resyncIntervalMs + syncTimeoutMs`. Default 5 s.
   */
  syncTimeoutMs?: number;
  /** Rows read per round trip by a load. Default 50,000. */
  loadBatchSize?: number;
  outstandingTable?: string;
  blacklistedTable?: string;
  /**
   * Longest memory answers after the newest proof (a heartbeat on the listening connection) that
   * every change committed before it has arrived; past it answers come from the database until
   * heartbeats return. Default 1000 ms.
   */
  maxStalenessMs?: number;
  /** Where staleness is measured from (tests). Default the wall clock. */
  clock?: Clock;
  /** Told about connection problems and reloads (default: nothing); the mirror recovers by itself. */
  onError?: (error: unknown) => void;
  /**
   * Told when the listening connection is lost (checks then go to the database: fail closed) and
   * when it is back in sync. Default: one `console.warn` line per change; `false` for silence.
   */
  onStateChange?: StateChangeReporter | false;
}

export type { MirrorState } from './listener-types.js';

/** A change announced while a sync runs, with what applying it did to memory (when applied live). */
interface Logged {
  change: Change;
  entries: number;
  checksum: number;
}

/** Count and checksum of the blacklisted rows, as the summary table holds them. */
interface Summary {
  entries: number;
  checksum: number;
}

/**
 * A {@link BlacklistStore} whose per-request check, `isBlacklisted`, does no I/O: every instance
 * keeps the jtis of the blacklisted rows in memory, loaded at start and kept current by
 * PostgreSQL `LISTEN/NOTIFY` (triggers announce each change in the transaction that makes it,
 * removals by the flush included). Writes go to the wrapped store, atomically, as before.
 *
 * It answers exactly as the database's check would (a blacklisted row exists for the jti),
 * whatever the row's `expires_at` says: entries go when their rows go (`flushExpired`).
 *
 * After the first load it never reads the whole table again in normal operation. Every resync
 * compares its count and checksum with the summary the triggers keep (one small read); after a
 * reconnection it reads only the rows added since its watermark, then compares. It reloads only
 * when a comparison disagrees. Loads are streamed in batches, each round trip bounded by
 * `syncTimeoutMs`. See the README, "How the mirror misses nothing".
 *
 * It fails closed: before the first load completes, while the listening connection is down, and
 * while it reloads after a disagreement, `isBlacklisted` asks the database.
 *
 * Memory: about 23 bytes per blacklisted jti of 32 hex characters (see {@link JtiSet}).
 *
 * @example
 * const blacklist = await BlacklistMirror.start(new KnexBlacklistStore(knex), { connection: process.env.DATABASE_URL! });
 * const jwt = createSimpleJwt({ signingKey, userStore, blacklistStore: blacklist });
 * // on shutdown:
 * await blacklist.close();
 */
export class BlacklistMirror implements BlacklistStore {
  readonly #store: BlacklistStore;
  readonly #tables: { outstanding: string; blacklisted: string; summary: string };
  readonly #batchSize: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  #listener: PgListener | undefined;
  /** The listening connection's last failure, for ready()'s message. */
  #lastError: unknown;
  /** The jtis of the blacklisted rows; undefined before the first load. */
  #set: JtiSet | undefined;
  /** The checksum of the rows `#set` holds (see blacklist-changes). */
  #checksum = 0;
  /** The summary minus memory, measured at the last load (0 unless the summary drifted). */
  #offset: Summary = { entries: 0, checksum: 0 };
  /** Every row with a larger id has not been seen (catch-up after a reconnection reads from here). */
  #watermark = 0;
  /** Memory may answer (the listener must also be in sync). */
  #trusted = false;
  /** The set whose resize the background steps are finishing, if any. */
  #draining: JtiSet | undefined;
  #closed = false;
  /** A removal came without its jti (a cascade): memory is wrong until the next load. */
  #broken = false;
  /** The listening connection has been in sync since memory was last brought in line. */
  #connected = false;
  /** Changes announced during the sync in flight; `live` when they are applied to memory at once. */
  #log: { entries: Logged[]; live: boolean } | undefined;
  /** Our own writes, answered at once until their announcement arrives: jti → blacklisted. */
  readonly #recent = new Map<string, { blacklisted: boolean; serial: number }>();
  #serial = 0;
  readonly #markPrefix = randomUUID();

  private constructor(store: BlacklistStore, options: BlacklistMirrorOptions) {
    this.#store = store;
    this.#tables = {
      outstanding: pg.escapeIdentifier(options.outstandingTable ?? 'token_blacklist_outstandingtoken'),
      blacklisted: pg.escapeIdentifier(options.blacklistedTable ?? 'token_blacklist_blacklistedtoken'),
      summary: pg.escapeIdentifier(SUMMARY_TABLE),
    };
    const batchSize = options.loadBatchSize ?? DEFAULT_LOAD_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new TypeError(`koa-simple-jwt: loadBatchSize must be a positive integer, got ${String(batchSize)}`);
    this.#batchSize = batchSize;
    this.#onError = options.onError;
  }

  /**
   * Wraps `store`, connects the listener and loads the blacklist. Resolves once in sync; if the
   * database cannot be reached yet it still resolves, answering from the database (fail closed)
   * and retrying in the background.
   */
  static async start(store: BlacklistStore, options: BlacklistMirrorOptions): Promise<BlacklistMirror> {
    const mirror = new BlacklistMirror(store, options);
    mirror.#listener = await PgListener.start(
      {
        connection: options.connection,
        channel: BLACKLIST_CHANNEL,
        applicationName: LISTENER_APPLICATION_NAME,
        resyncIntervalMs: options.resyncIntervalMs,
        reconnectDelayMs: options.reconnectDelayMs,
        syncTimeoutMs: options.syncTimeoutMs,
        maxStalenessMs: options.maxStalenessMs,
        clock: options.clock,
        onError: (error: unknown) => {
          mirror.#lastError = error;
          options.onError?.(error);
        },
        onStateChange: options.onStateChange === false ? undefined : (options.onStateChange ?? logStateChanges('BlacklistMirror')),
      },
      {
        notify: (payload) => mirror.#onNotification(payload),
        // The listener runs one sync at a time.
        sync: (client, progress) => mirror.#sync(client, progress),
        lost: () => {
          mirror.#connected = false;
        },
      },
    );
    return mirror;
  }

  /**
   * Resolves when the wrapped store is ready (its tables exist) and memory is in sync; otherwise
   * rejects with an Error saying what to fix (run the migrations; a listening connection that does
   * not reach PostgreSQL directly). Call it once at startup, after `start()`.
   */
  async ready(): Promise<void> {
    await this.#store.ready?.();
    if (this.state !== 'in-sync') throw notInSyncError('BlacklistMirror', this.state, this.#lastError);
  }

  /** `in-sync` when answers come from memory; otherwise they come from the database. */
  get state(): MirrorState {
    const state = this.#listener?.state ?? 'starting';
    if (state !== 'in-sync' || this.#trusted) return state;
    return this.#set ? 'reconnecting' : 'starting';
  }

  /** The listener's state, staleness and PostgreSQL's notification queue usage, for a health route. */
  health(): Promise<ListenerHealth> {
    // Set by `start` before the instance is handed out (the constructor is private).
    return this.#listener!.health();
  }

  /** Blacklisted jtis held in memory. */
  get size(): number {
    return this.#set?.size ?? 0;
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    if (!this.#trusted || this.#listener?.trusted !== true) return this.#store.isBlacklisted(jti);
    const recent = this.#recent.get(jti);
    if (recent !== undefined) return recent.blacklisted;
    return this.#set!.has(jti);
  }

  async outstand(token: OutstandingToken): Promise<void> {
    await this.#store.outstand(token);
  }

  async blacklist(token: OutstandingToken): Promise<boolean> {
    const created = await this.#store.blacklist(token);
    this.#remember(token.jti, true);
    return created;
  }

  async rotate(consumed: OutstandingToken, issued: OutstandingToken | null): Promise<boolean> {
    const rotated = await this.#store.rotate(consumed, issued);
    this.#remember(consumed.jti, true);
    return rotated;
  }

  async unblacklist(jti: string): Promise<boolean> {
    const removed = await this.#store.unblacklist(jti);
    this.#remember(jti, false);
    return removed;
  }

  async blacklistUser(userId: string, now: Date): Promise<number> {
    const count = await this.#store.blacklistUser(userId, now);
    // A check waits for its mark, which comes after every announcement committed before it.
    await this.#listener?.resync();
    return count;
  }

  listUserTokens(userId: string): Promise<OutstandingTokenRow[]> {
    return this.#store.listUserTokens(userId);
  }

  flushExpired(now: Date, options?: { batchSize?: number; onProgress?: (deleted: number) => void }): Promise<number> {
    return this.#store.flushExpired(now, options);
  }

  /** Stops listening and resyncing. The wrapped store is not closed. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#listener?.close();
  }

  /** A write of ours has committed: answer it at once, until its announcement (or the next sync) arrives. */
  #remember(jti: string, blacklisted: boolean): void {
    this.#recent.set(jti, { blacklisted, serial: ++this.#serial });
  }

  /**
   * Brings memory in line: a check of the summary while connected all along, a catch-up from the
   * watermark after a reconnection, and a full load when either disagrees (or before the first).
   */
  async #sync(client: pg.Client, progress: () => void): Promise<void> {
    const serial = this.#serial;
    if (this.#set && !this.#broken) {
      const agrees = this.#connected ? await this.#check(client, progress) : await this.#catchUp(client, progress);
      if (agrees && !this.#broken) {
        this.#synced(serial);
        return;
      }
      this.#trusted = false;
      this.#onError?.(new Error('koa-simple-jwt: the blacklist in memory disagreed with the database; reloading it'));
    }
    await this.#load(client, progress);
    this.#synced(serial);
  }

  #synced(serial: number): void {
    this.#connected = true;
    this.#trusted = !this.#broken;
    // Writes of ours that committed before this sync began are in memory now.
    for (const [jti, entry] of this.#recent) if (entry.serial <= serial) this.#recent.delete(jti);
  }

  /**
   * The steady-state check: one round trip reads the summary under a snapshot, then sends a mark.
   * Changes arriving meanwhile are applied at once; those the snapshot does not see are taken
   * back out of the comparison. Memory agrees when its count and checksum equal the summary's.
   */
  async #check(client: pg.Client, progress: () => void): Promise<boolean> {
    const log = this.#startLog(true);
    try {
      const mark = this.#newMark();
      const [result] = (await client.query(`${this.#summarySql()}; ${markSql(mark)}`)) as unknown as pg.QueryResult[];
      progress();
      await this.#awaitMark(client, log, mark, progress);
      const { snapshot, summary } = readSummary(result!.rows[0]);
      let entries = this.#set!.size;
      let checksum = this.#checksum;
      for (const logged of log.entries) {
        if (logged.change.kind === 'mark' || snapshot.sees(logged.change.xid)) continue;
        entries -= logged.entries;
        checksum = addChecksum(checksum, -logged.checksum);
      }
      return this.#agrees(summary, entries, checksum);
    } finally {
      this.#log = undefined;
    }
  }

  /**
   * After a reconnection (memory not answering): reads the rows past the watermark under one
   * snapshot, applies the changes that snapshot sees, compares with the summary, then applies
   * the rest. Rows missed below the watermark, or removals missed while disconnected, show as a
   * disagreement.
   */
  async #catchUp(client: pg.Client, progress: () => void): Promise<boolean> {
    const log = this.#startLog(false);
    const set = this.#set!;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { snapshot, summary } = readSummary((await client.query(this.#summarySql())).rows[0]);
      progress();
      let after = this.#watermark;
      for (;;) {
        const { rows } = await client.query<{ id: string; jti: string }>(
          `SELECT b.id, o.jti FROM ${this.#tables.blacklisted} b JOIN ${this.#tables.outstanding} o ON o.id = b.token_id
            WHERE b.id > $1 ORDER BY b.id LIMIT $2`,
          [after, this.#batchSize],
        );
        progress();
        for (const row of rows) {
          const id = Number(row.id);
          if (set.add(row.jti)) this.#checksum = addChecksum(this.#checksum, checksumTerm(id));
          after = Math.max(after, id);
        }
        if (rows.length < this.#batchSize) break;
      }
      const mark = this.#newMark();
      await client.query(`COMMIT; ${markSql(mark)}`);
      progress();
      await this.#awaitMark(client, log, mark, progress);
      this.#watermark = after;
      const later: Change[] = [];
      for (const { change } of log.entries) {
        if (change.kind === 'mark') continue;
        if (snapshot.sees(change.xid)) this.#apply(set, change);
        else later.push(change);
      }
      if (!this.#agrees(summary, set.size, this.#checksum)) return false;
      for (const change of later) this.#apply(set, change);
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.#log = undefined;
    }
  }

  /**
   * Reads every blacklisted row under one snapshot, in batches (one round trip each, bounded by
   * `syncTimeoutMs`), into a new set; then applies, in order, the changes announced meanwhile
   * that the snapshot does not see. Until it completes, memory answers as before (or not at all).
   */
  async #load(client: pg.Client, progress: () => void): Promise<void> {
    const log = this.#startLog(this.#set !== undefined);
    try {
      // Parallel workers would only add overhead to a merge join read in order, in small batches.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL max_parallel_workers_per_gather = 0');
      const { snapshot, summary } = readSummary((await client.query(this.#summarySql())).rows[0]);
      progress();
      const set = new JtiSet(Math.max(0, summary.entries));
      let checksum = 0;
      let after = 0;
      let watermark = 0;
      // Pipelined: the next batch is asked for as soon as a batch arrives (its first key is known
      // then), so the database reads it while this one is decoded; one batch ahead at most.
      // One buffer for every batch's bytes: no garbage of 800 kB per batch for the allocator to keep.
      const scratch = Buffer.allocUnsafe(this.#batchSize * 16);
      let next: Promise<pg.QueryResult<BatchRow>> | undefined = this.#queryBatch(client, after);
      while (next !== undefined) {
        const batch = (await next).rows[0]!;
        progress();
        next = undefined;
        if (batch.n === 0) break;
        const from = after;
        after = Number(batch.last);
        if (batch.n === this.#batchSize) next = this.#queryBatch(client, after);
        const bytes = batch.hex === null ? EMPTY : lowercaseHex(batch.hex, scratch);
        if (bytes !== undefined) {
          // Every jti of 32 bytes in this batch is 32 lowercase hex characters: decoded at once.
          set.addAll(bytes);
          for (const jti of batch.other ?? []) set.add(jti);
        } else {
          // Rare: a 32-byte jti that is not lowercase hex. The same batch again, one string per jti
          // (queued behind the next batch's statement, if one is out).
          const again = await client.query<BatchRow>(this.#batchSql(true), [from, this.#batchSize]);
          progress();
          for (const jti of again.rows[0]!.other ?? []) set.add(jti);
        }
        checksum = addChecksum(checksum, Number(batch.sum));
        watermark = Math.max(watermark, Number(batch.top));
      }
      const mark = this.#newMark();
      await client.query(`COMMIT; ${markSql(mark)}`);
      progress();
      await this.#awaitMark(client, log, mark, progress);
      // The summary should equal what was read under the same snapshot; if it drifted (its rows
      // edited by hand, triggers disabled for a while), later checks compare against the drift.
      const offset = { entries: summary.entries - set.size, checksum: addChecksum(summary.checksum, -checksum) };
      if (offset.entries !== 0 || offset.checksum !== 0) {
        this.#onError?.(new Error(`koa-simple-jwt: ${SUMMARY_TABLE} disagrees with the blacklisted rows (by ${offset.entries} rows); comparing with that difference`));
      }
      this.#offset = offset;
      this.#set = set;
      this.#checksum = checksum;
      this.#watermark = watermark;
      this.#broken = false;
      for (const { change } of log.entries) {
        if (change.kind !== 'mark' && !snapshot.sees(change.xid)) this.#apply(set, change);
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      this.#log = undefined;
    }
  }

  #startLog(live: boolean): { entries: Logged[]; live: boolean } {
    const log = { entries: [], live };
    this.#log = log;
    return log;
  }

  #newMark(): string {
    return `${this.#markPrefix}:${++this.#serial}`;
  }

  /**
   * A listening session gets its own notification at the end of the transaction that sent it,
   * after every one queued before it; a connection that never brings it back (a transaction
   * pooler drops LISTEN) fails the sync rather than trusting memory.
   */
  async #awaitMark(client: pg.Client, log: { entries: Logged[] }, mark: string, progress: () => void): Promise<void> {
    for (let trip = 0; ; trip += 1) {
      if (log.entries.some(({ change }) => change.kind === 'mark' && change.mark === mark)) return;
      if (trip === MARK_ROUND_TRIPS) {
        throw new Error('koa-simple-jwt: the listening connection does not receive its own NOTIFY (is it going through a transaction-mode pooler such as PgBouncer? connect it directly)');
      }
      await client.query('SELECT 1');
      progress();
    }
  }

  #agrees(summary: Summary, entries: number, checksum: number): boolean {
    return summary.entries - this.#offset.entries === entries && addChecksum(summary.checksum, -this.#offset.checksum) === checksum;
  }

  #summarySql(): string {
    return `SELECT txid_current_snapshot()::text AS snapshot, coalesce(sum(entries), 0)::text AS entries,
                   (coalesce(sum(checksum), 0) % 281474976710656)::text AS checksum
              FROM ${this.#tables.summary}`;
  }

  /**
   * One batch of a load, in `token_id` order: a merge join of two index scans (the unique
   * `token_id` index and the outstanding table's primary key), no lookup per row. The jtis of 32
   * bytes come as one string (checked and decoded as hex at once), the others as a JSON array;
   * `all` sends every jti in the array.
   */
  #batchSql(all: boolean): string {
    const hex = all ? 'false' : 'octet_length(o.jti) = 32';
    return `SELECT count(*)::int AS n, max(token_id)::text AS last, max(id)::text AS top,
                   coalesce(sum(((id & 4294967295) * 1540483477) & 4294967295), 0)::text AS sum,
                   string_agg(jti, '') FILTER (WHERE hex) AS hex,
                   json_agg(jti) FILTER (WHERE NOT hex) AS other
              FROM (SELECT b.id, b.token_id, o.jti, ${hex} AS hex
                      FROM ${this.#tables.blacklisted} b JOIN ${this.#tables.outstanding} o ON o.id = b.token_id
                     WHERE b.token_id > $1 AND o.id > $1 ORDER BY b.token_id LIMIT $2) batch`;
  }

  /** Sends one batch's statement ahead; a failure is seen by the loop that awaits it. */
  #queryBatch(client: pg.Client, after: number): Promise<pg.QueryResult<BatchRow>> {
    const result = client.query<BatchRow>(this.#batchSql(false), [after, this.#batchSize]);
    // If the load fails before it awaits this one (a decode, the retry of a batch), the rejection
    // is not unhandled: the load's own error is what is reported.
    result.catch(() => undefined);
    return result;
  }

  #onNotification(payload: string | undefined): void {
    const change = parseChange(payload);
    if (change === undefined) return;
    const log = this.#log;
    if (change.kind === 'mark') {
      log?.entries.push({ change, entries: 0, checksum: 0 });
      return;
    }
    // Buffered during a catch-up or a first load; applied at once otherwise (memory may be answering).
    if (log && !log.live) {
      log.entries.push({ change, entries: 0, checksum: 0 });
      return;
    }
    const set = this.#set;
    const entries = set?.size ?? 0;
    const checksum = this.#checksum;
    if (set) this.#apply(set, change);
    log?.entries.push({ change, entries: (set?.size ?? 0) - entries, checksum: addChecksum(this.#checksum, -checksum) });
  }

  /** Applies one announced change to `set` (and the checksum, when `set` is the one in use). */
  #apply(set: JtiSet, change: Change): void {
    let checksum = this.#set === set ? this.#checksum : 0;
    if (change.kind === 'reset') {
      set.clear();
      checksum = 0;
      this.#recent.clear();
    } else if (change.kind === 'rows') {
      for (const [id, jti] of change.rows) {
        if (jti === null) {
          // Removed with its outstanding row in one statement (a cascade): the jti is unknown.
          if (!this.#broken) queueMicrotask(() => void this.#listener?.resync());
          this.#broken = true;
          this.#trusted = false;
          continue;
        }
        this.#recent.delete(jti);
        if (change.op === 'add') {
          if (set.add(jti)) checksum = addChecksum(checksum, checksumTerm(id));
          this.#watermark = Math.max(this.#watermark, id);
        } else if (set.delete(jti)) {
          checksum = addChecksum(checksum, -checksumTerm(id));
        }
      }
    }
    if (this.#set === set) this.#checksum = checksum;
    if (set.resizing) this.#drain(set);
  }

  /**
   * Finishes a resize of the set in the background, {@link DRAIN_SLOTS} slots per turn of the
   * event loop (a few ms at 10 M), instead of blocking it for a whole rehash (about 1 s at 10 M).
   */
  #drain(set: JtiSet): void {
    // One chain of steps per set: a set replaced by a reload stops its own chain at its next step
    // and does not hold up the new set's.
    if (this.#draining === set) return;
    this.#draining = set;
    const step = (): void => {
      if (this.#draining !== set) return;
      if (!this.#closed && this.#set === set && set.migrate(DRAIN_SLOTS)) {
        setImmediate(step);
      } else {
        this.#draining = undefined;
      }
    };
    setImmediate(step);
  }
}

const EMPTY = new Uint8Array(0);

/** Slots of a resize moved per turn of the event loop in the background. */
const DRAIN_SLOTS = 32_768;

/**
 * The bytes of `text`, decoded into `into`, when it is lowercase hex; else undefined. Node's hex
 * decoder stops at the first character that is not a hex digit (so the length tells) and takes
 * uppercase too (so the text must be its own lowercase: a jti in uppercase hex is another jti).
 * Four times faster than a regular expression over the batch.
 */
function lowercaseHex(text: string, into: Buffer): Uint8Array | undefined {
  if (text.length > into.length * 2) return undefined;
  const length = into.write(text, 'hex');
  return length * 2 === text.length && text.toLowerCase() === text ? into.subarray(0, length) : undefined;
}

interface BatchRow {
  n: number;
  last: string | null;
  top: string | null;
  sum: string;
  hex: string | null;
  other: string[] | null;
}

function markSql(mark: string): string {
  return `SELECT pg_notify(${pg.escapeLiteral(BLACKLIST_CHANNEL)}, ${pg.escapeLiteral(JSON.stringify({ op: 'mark', m: mark }))})`;
}

function readSummary(row: { snapshot: string; entries: string; checksum: string } | undefined): { snapshot: Snapshot; summary: Summary } {
  if (!row) throw new Error('koa-simple-jwt: the blacklist summary returned no row');
  return { snapshot: new Snapshot(row.snapshot), summary: { entries: Number(row.entries), checksum: Number(row.checksum) } };
}
