import pg from 'pg';

import type { PgConnection } from './listener-types.js';

/** What {@link PgListener.state} reports; the in-memory copies trust memory only when `in-sync`. */
export type { MirrorState } from './listener-types.js';
import type { MirrorState } from './listener-types.js';

/** Options of {@link PgListener}. */
export interface PgListenerOptions {
  /** How to reach PostgreSQL (a URL or pg's client config). */
  connection: PgConnection;
  /** The channel to LISTEN on. */
  channel: string;
  /** The connection's `application_name`, to find it in `pg_stat_activity`. */
  applicationName: string;
  /** Run `sync` again this often, covering anything missed. Default 60 s. */
  resyncIntervalMs?: number;
  /** First reconnection delay after the connection drops; doubles up to 5 s. Default 100 ms. */
  reconnectDelayMs?: number;
  /**
   * Longest a (re)connection with its LISTEN and `sync`, or a resync, may take; past it the
   * connection counts as lost. A connection gone silent (a partition, a failover, a NAT dropping
   * it) raises no error: without this bound memory would be trusted until the OS gives up on the
   * socket, minutes or hours later. Default 5 s.
   */
  syncTimeoutMs?: number;
  /** Told about connection problems; the listener recovers by itself. */
  onError?: ((error: unknown) => void) | undefined;
  /** Told when `state` changes after the first sync: `reconnecting` (with the cause), `in-sync` again. */
  onStateChange?: ((state: MirrorState, error?: unknown) => void) | undefined;
}

type ResolvedListenerOptions = PgListenerOptions & Required<Pick<PgListenerOptions, 'resyncIntervalMs' | 'reconnectDelayMs' | 'syncTimeoutMs'>>;

/** The defaults filled in, every duration checked (a TypeError names the bad one). */
function resolveListenerOptions(options: PgListenerOptions): ResolvedListenerOptions {
  const resolved = { ...options, resyncIntervalMs: options.resyncIntervalMs ?? 60_000, reconnectDelayMs: options.reconnectDelayMs ?? 100, syncTimeoutMs: options.syncTimeoutMs ?? 5000 };
  for (const name of ['resyncIntervalMs', 'reconnectDelayMs', 'syncTimeoutMs'] as const) {
    const value = resolved[name];
    if (!(value > 0 && Number.isFinite(value))) throw new TypeError(`koa-simple-jwt: ${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return resolved;
}

/** What a copy kept in memory does with the listener. */
export interface PgListenerHandlers {
  /** One notification's payload. */
  notify(payload: string | undefined): void;
  /**
   * Brings the copy in line with the database: after LISTEN on every (re)connection, and every
   * resync interval. The listener is `in-sync` once the first one resolves; a rejection, or not
   * resolving within `syncTimeoutMs`, counts as a lost connection. Never called while a previous
   * call is still running, on this connection or an earlier one.
   */
  sync(client: pg.Client): Promise<void>;
  /** The connection is gone: memory must not be trusted until the next `sync`. */
  lost?(): void;
}

/**
 * One PostgreSQL connection that LISTENs on a channel for an in-memory copy of some table, with
 * the copy's fail-closed bookkeeping: `state` is `in-sync` only after LISTEN and a full `sync`
 * on the current connection; a dropped connection makes it `reconnecting` at once and reconnects
 * with backoff, syncing again before it is `in-sync`.
 *
 * A connection that goes silent is treated as dropped: every resync is a round trip on the
 * listening connection bounded by `syncTimeoutMs` (TCP keepalive is on as well, so the OS lets go
 * of the socket too). Syncs run one at a time.
 *
 * @example
 * const listener = await PgListener.start(
 *   { connection, channel: 'my_channel', applicationName: 'my-listener', resyncIntervalMs: 60_000, reconnectDelayMs: 100, syncTimeoutMs: 5000 },
 *   { notify: (payload) => apply(payload), sync: (client) => reload(client) },
 * );
 */
export class PgListener {
  readonly #options: ResolvedListenerOptions;
  readonly #handlers: PgListenerHandlers;
  #state: MirrorState = 'starting';
  #client: pg.Client | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnectDelay: number;
  #generation = 0;
  /** Settles when the sync work in flight (if any) has finished, whatever its outcome. */
  #inFlight: Promise<void> | undefined;
  /** A resync asked for while another sync ran, not started yet: later requests share it. */
  #queued: Promise<void> | undefined;

  private constructor(options: ResolvedListenerOptions, handlers: PgListenerHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#reconnectDelay = options.reconnectDelayMs;
  }

  /**
   * Connects, listens and syncs. Resolves once in sync; if the database cannot be reached yet it
   * still resolves (state `reconnecting`) and keeps retrying in the background.
   */
  static async start(options: PgListenerOptions, handlers: PgListenerHandlers): Promise<PgListener> {
    const listener = new PgListener(resolveListenerOptions(options), handlers);
    await listener.#connect();
    listener.#resyncTimer = setInterval(() => listener.#tick(), listener.#options.resyncIntervalMs);
    listener.#resyncTimer.unref();
    return listener;
  }

  get state(): MirrorState {
    return this.#state;
  }

  /**
   * Runs `sync` on the current connection once any sync in flight has finished, so it reads what
   * was committed before this call (nothing when not in sync). Calls made while one waits share it.
   */
  resync(): Promise<void> {
    if (this.#state !== 'in-sync') return Promise.resolve();
    if (this.#queued) return this.#queued;
    if (!this.#inFlight) return this.#resyncNow();
    const queued = this.#inFlight.then(() => {
      this.#queued = undefined;
      return this.#resyncNow();
    });
    this.#queued = queued;
    return queued;
  }

  /** Stops listening and resyncing. */
  async close(): Promise<void> {
    this.#state = 'closed';
    clearInterval(this.#resyncTimer);
    clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    // A polite goodbye waits for the server's; on a silent connection it would wait forever.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, this.#options.syncTimeoutMs)));
    await Promise.race([client.end().catch(() => undefined), timeout]);
    clearTimeout(timer);
    client.connection.stream.destroy();
  }

  /** The resync timer: a sync still running (slow, or on a silent connection) is not joined by another. */
  #tick(): void {
    if (!this.#inFlight) void this.#resyncNow();
  }

  async #resyncNow(): Promise<void> {
    const client = this.#client;
    if (this.#state !== 'in-sync' || !client) return;
    await this.#run(this.#generation, async () => {
      // A round trip even when `sync` makes none (the user cache only forgets): it is what proves
      // the connection, and so the notifications, still flow.
      await client.query('SELECT 1');
      await this.#handlers.sync(client);
    });
  }

  async #connect(): Promise<void> {
    if (this.#state === 'closed') return;
    const generation = ++this.#generation;
    const { connection, applicationName, channel } = this.#options;
    const config = (typeof connection === 'string' ? { connectionString: connection } : connection) as pg.ClientConfig;
    // Keepalive lets the OS notice a dead peer on an idle connection; syncTimeoutMs bounds the rest.
    const client = new pg.Client({ keepAlive: true, keepAliveInitialDelayMillis: 10_000, ...config, application_name: applicationName });
    this.#client = client;
    client.on('notification', (message) => {
      if (generation === this.#generation) this.#handlers.notify(message.payload);
    });
    client.on('error', (error) => this.#lost(generation, error));
    client.on('end', () => this.#lost(generation, new Error('listening connection ended')));
    const synced = await this.#run(generation, async () => {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      await this.#handlers.sync(client);
    });
    if (!synced || generation !== this.#generation || this.#closed()) return;
    const recovered = this.#state === 'reconnecting';
    this.#state = 'in-sync';
    this.#reconnectDelay = this.#options.reconnectDelayMs;
    if (recovered) this.#options.onStateChange?.('in-sync');
  }

  /**
   * Runs `work` once the sync in flight (if any) has settled, so that syncs never overlap; resolves
   * true if it finished within `syncTimeoutMs`. A failure or a timeout loses the connection.
   */
  async #run(generation: number, work: () => Promise<void>): Promise<boolean> {
    const previous = this.#inFlight;
    const done = (async () => {
      await previous;
      // The connection may have been lost while waiting: do not sync on a dead one.
      if (generation !== this.#generation || this.#closed()) throw new Error('listening connection lost');
      await work();
    })();
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight = settled;
    void settled.then(() => {
      if (this.#inFlight === settled) this.#inFlight = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const { syncTimeoutMs } = this.#options;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`listening connection: no answer within ${syncTimeoutMs} ms (syncTimeoutMs)`)), syncTimeoutMs);
    });
    try {
      await Promise.race([done, timeout]);
      return true;
    } catch (error) {
      this.#lost(generation, error);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  // A method, so TypeScript does not narrow #state across the awaits above.
  #closed(): boolean {
    return this.#state === 'closed';
  }

  /** The connection is gone: not in sync until reconnected and synced again. */
  #lost(generation: number, error: unknown): void {
    if (generation !== this.#generation || this.#state === 'closed') return;
    this.#generation += 1;
    const changed = this.#state !== 'reconnecting';
    this.#state = 'reconnecting';
    this.#handlers.lost?.();
    this.#options.onError?.(error);
    if (changed) this.#options.onStateChange?.('reconnecting', error);
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      // Not a polite end(): that waits for an answer a silent connection never gives, and leaves
      // a pending connect() unsettled. Destroying the socket fails whatever the sync in flight
      // waits for (connect, LISTEN, a query), so the next sync can start.
      client.connection.stream.destroy();
    }
    const delay = this.#reconnectDelay;
    this.#reconnectDelay = Math.min(delay * 2, 5000);
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
    this.#reconnectTimer.unref();
  }
}
