import pg from 'pg';
import { PgListener } from './pg-listener.js';
import { logStateChanges, notInSyncError } from './state-report.js';
import type { StateChangeReporter } from './state-report.js';
import type { MirrorState, PgConnection } from './listener-types.js';
import type { BlacklistStore, OutstandingToken, OutstandingTokenRow } from './blacklist-store.js';

/** The channel the blacklist trigger (migration `..._blacklist_notify`) announces on. */
export const BLACKLIST_CHANNEL = 'koa_simple_jwt_blacklist';
/** The `application_name` of the listening connection, to find it in `pg_stat_activity`. */
export const LISTENER_APPLICATION_NAME = 'koa-simple-jwt-blacklist-listener';

/** Options of {@link BlacklistMirror}. */
export interface BlacklistMirrorOptions {
  /** How to reach PostgreSQL for the listening connection (a URL or pg's client config). */
  connection: PgConnection;
  /** Re-read the whole blacklist this often, covering anything missed. Default 60 s. */
  resyncIntervalMs?: number;
  /** First reconnection delay after the listening connection drops; doubles up to 5 s. Default 100 ms. */
  reconnectDelayMs?: number;
  /**
   * Longest a (re)connection with its load, or a resync, may take before the listening connection
   * counts as lost (answers come from the database until it is back). A connection gone silent is
   * noticed within `resyncIntervalMs + syncTimeoutMs`. Raise it if loading the whole blacklist
   * takes longer. Default 5 s.
   */
  syncTimeoutMs?: number;
  outstandingTable?: string;
  blacklistedTable?: string;
  /** Told about connection problems (default: nothing); the mirror recovers by itself. */
  onError?: (error: unknown) => void;
  /**
   * Told when the listening connection is lost (checks then go to the database: fail closed) and
   * when it is back in sync. Default: one `console.warn` line per change; `false` for silence.
   */
  onStateChange?: StateChangeReporter | false;
}

export type { MirrorState } from './listener-types.js';

/** What the trigger sends (it also sends the row's `expires_at`, which the mirror does not use). */
interface Notice {
  op: 'add' | 'remove';
  jti: string;
}

/**
 * A {@link BlacklistStore} whose per-request check, `isBlacklisted`, does no I/O: every instance
 * keeps the jtis of the blacklisted rows in memory, loaded at start and kept current by
 * PostgreSQL `LISTEN/NOTIFY` (a trigger announces each change in the transaction that makes it).
 * Writes go to the wrapped store, atomically, as before.
 *
 * It answers exactly as the database's check would (a blacklisted row exists for the jti),
 * whatever the row's `expires_at` says. That date is not a safe bound: a token is still accepted
 * for `leeway` seconds after its `exp`, and a sliding token refreshed by Simple JWT keeps the
 * `expires_at` of the token as first issued while its `exp` moves on. Entries go when their rows
 * go: `flushExpired` (run it periodically, as Simple JWT's `flushexpiredtokens`) deletes them, and
 * the next resync forgets them.
 *
 * It fails closed: before the first load completes, while the listening connection is down, and
 * until a reload after reconnecting, `isBlacklisted` asks the database. A listening connection
 * that goes silent counts as down once a resync gets no answer within `syncTimeoutMs`. A periodic
 * resync replaces the memory copy, so nothing missed can linger; changes announced while a load
 * reads are replayed onto what it read.
 *
 * Memory: one Set entry per blacklisted row (a 32-character jti).
 *
 * @example
 * const blacklist = await BlacklistMirror.start(new KnexBlacklistStore(knex), { connection: process.env.DATABASE_URL! });
 * const jwt = createSimpleJwt({ signingKey, userStore, blacklistStore: blacklist });
 * // on shutdown:
 * await blacklist.close();
 */
export class BlacklistMirror implements BlacklistStore {
  readonly #store: BlacklistStore;
  readonly #tables: { outstanding: string; blacklisted: string };
  /** The jtis of the blacklisted rows. */
  #entries = new Set<string>();
  #listener: PgListener | undefined;
  /** The listening connection's last failure, for ready()'s message. */
  #lastError: unknown;
  /** The changes announced while a load reads (PgListener runs one at a time), replayed onto its snapshot. */
  #pending: Notice[] | undefined;

  private constructor(store: BlacklistStore, options: BlacklistMirrorOptions) {
    this.#store = store;
    this.#tables = {
      outstanding: options.outstandingTable ?? 'token_blacklist_outstandingtoken',
      blacklisted: options.blacklistedTable ?? 'token_blacklist_blacklistedtoken',
    };
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
        onError: (error: unknown) => {
          mirror.#lastError = error;
          options.onError?.(error);
        },
        onStateChange: options.onStateChange === false ? undefined : (options.onStateChange ?? logStateChanges('BlacklistMirror')),
      },
      {
        notify: (payload) => mirror.#onNotification(payload),
        // The listener runs one sync at a time, so loads never overlap.
        sync: (client) => mirror.#load(client),
      },
    );
    return mirror;
  }

  /** `in-sync` when answers come from memory; otherwise they come from the database. */
  /**
   * Resolves when the wrapped store is ready (its tables exist) and memory is in sync; otherwise
   * rejects with an Error saying what to fix (run the migrations; a listening connection that does
   * not reach PostgreSQL directly). Call it once at startup, after `start()`.
   */
  async ready(): Promise<void> {
    await this.#store.ready?.();
    if (this.state !== 'in-sync') throw notInSyncError('BlacklistMirror', this.state, this.#lastError);
  }

  get state(): MirrorState {
    return this.#listener?.state ?? 'starting';
  }

  /** Blacklisted jtis held in memory. */
  get size(): number {
    return this.#entries.size;
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    if (this.state !== 'in-sync') return this.#store.isBlacklisted(jti);
    return this.#entries.has(jti);
  }

  async outstand(token: OutstandingToken): Promise<void> {
    await this.#store.outstand(token);
  }

  async blacklist(token: OutstandingToken): Promise<boolean> {
    const created = await this.#store.blacklist(token);
    this.#entries.add(token.jti);
    return created;
  }

  async rotate(consumed: OutstandingToken, issued: OutstandingToken | null): Promise<boolean> {
    const rotated = await this.#store.rotate(consumed, issued);
    this.#entries.add(consumed.jti);
    return rotated;
  }

  async unblacklist(jti: string): Promise<boolean> {
    const removed = await this.#store.unblacklist(jti);
    this.#entries.delete(jti);
    return removed;
  }

  async blacklistUser(userId: string, now: Date): Promise<number> {
    const count = await this.#store.blacklistUser(userId, now);
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
    await this.#listener?.close();
  }

  /**
   * Reads every blacklisted jti. The read's snapshot may miss a change committed while it runs,
   * so every change announced meanwhile is replayed onto it, in order; replaying one the snapshot
   * already has changes nothing.
   */
  async #load(client: pg.Client): Promise<void> {
    const pending: Notice[] = [];
    this.#pending = pending;
    try {
      const { outstanding: outstandingTable, blacklisted: blacklistedTable } = this.#tables;
      const result = await client.query<{ jti: string }>(
        `SELECT o.jti
           FROM ${pg.escapeIdentifier(blacklistedTable)} b
           JOIN ${pg.escapeIdentifier(outstandingTable)} o ON o.id = b.token_id`,
      );
      const entries = new Set<string>();
      for (const row of result.rows) entries.add(row.jti);
      for (const notice of pending) apply(entries, notice);
      this.#entries = entries;
    } finally {
      this.#pending = undefined;
    }
  }

  #onNotification(payload: string | undefined): void {
    let notice: Notice;
    try {
      notice = JSON.parse(payload ?? '') as Notice;
    } catch {
      return;
    }
    // Memory follows at once, also during a resync (still answering from memory), and the load
    // in flight replays it onto its snapshot.
    apply(this.#entries, notice);
    this.#pending?.push(notice);
  }
}

function apply(entries: Set<string>, notice: Notice): void {
  if (notice.op === 'add') entries.add(notice.jti);
  else if (notice.op === 'remove') entries.delete(notice.jti);
}
