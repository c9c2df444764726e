import pg from 'pg';

/** What {@link PgListener.state} reports; the in-memory copies trust memory only when `in-sync`. */
export type MirrorState = 'starting' | 'in-sync' | 'reconnecting' | 'closed';

/** Options of {@link PgListener}. */
export interface PgListenerOptions {
  /** How to reach PostgreSQL (a URL or pg's client config). */
  connection: string | pg.ClientConfig;
  /** The channel to LISTEN on. */
  channel: string;
  /** The connection's `application_name`, to find it in `pg_stat_activity`. */
  applicationName: string;
  /** Run `sync` again this often, covering anything missed. */
  resyncIntervalMs: number;
  /** First reconnection delay after the connection drops; doubles up to 5 s. */
  reconnectDelayMs: number;
  /** Told about connection problems; the listener recovers by itself. */
  onError?: ((error: unknown) => void) | undefined;
}

/** What a copy kept in memory does with the listener. */
export interface PgListenerHandlers {
  /** One notification's payload. */
  notify(payload: string | undefined): void;
  /**
   * Brings the copy in line with the database: after LISTEN on every (re)connection, and every
   * resync interval. The listener is `in-sync` once the first one resolves; a rejection counts as
   * a lost connection.
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
 */
export class PgListener {
  readonly #options: PgListenerOptions;
  readonly #handlers: PgListenerHandlers;
  #state: MirrorState = 'starting';
  #client: pg.Client | undefined;
  #resyncTimer: NodeJS.Timeout | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnectDelay: number;
  #generation = 0;

  private constructor(options: PgListenerOptions, handlers: PgListenerHandlers) {
    this.#options = options;
    this.#handlers = handlers;
    this.#reconnectDelay = options.reconnectDelayMs;
  }

  /**
   * Connects, listens and syncs. Resolves once in sync; if the database cannot be reached yet it
   * still resolves (state `reconnecting`) and keeps retrying in the background.
   */
  static async start(options: PgListenerOptions, handlers: PgListenerHandlers): Promise<PgListener> {
    const listener = new PgListener(options, handlers);
    await listener.#connect();
    listener.#resyncTimer = setInterval(() => void listener.resync(), options.resyncIntervalMs);
    listener.#resyncTimer.unref();
    return listener;
  }

  get state(): MirrorState {
    return this.#state;
  }

  /** Runs `sync` now on the current connection (nothing when not in sync). */
  async resync(): Promise<void> {
    const client = this.#client;
    if (this.#state !== 'in-sync' || !client) return;
    const generation = this.#generation;
    try {
      await this.#handlers.sync(client);
    } catch (error) {
      this.#lost(generation, error);
    }
  }

  /** Stops listening and resyncing. */
  async close(): Promise<void> {
    this.#state = 'closed';
    clearInterval(this.#resyncTimer);
    clearTimeout(this.#reconnectTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#state === 'closed') return;
    const generation = ++this.#generation;
    const { connection, applicationName, channel } = this.#options;
    const config = typeof connection === 'string' ? { connectionString: connection } : connection;
    const client = new pg.Client({ ...config, application_name: applicationName });
    this.#client = client;
    client.on('notification', (message) => {
      if (generation === this.#generation) this.#handlers.notify(message.payload);
    });
    client.on('error', (error) => this.#lost(generation, error));
    client.on('end', () => this.#lost(generation, new Error('listening connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      await this.#handlers.sync(client);
      if (generation !== this.#generation || this.#closed()) return;
      this.#state = 'in-sync';
      this.#reconnectDelay = this.#options.reconnectDelayMs;
    } catch (error) {
      this.#lost(generation, error);
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
    this.#state = 'reconnecting';
    this.#handlers.lost?.();
    this.#options.onError?.(error);
    const client = this.#client;
    this.#client = undefined;
    client?.removeAllListeners('end');
    client?.on('error', () => undefined);
    void client?.end().catch(() => undefined);
    const delay = this.#reconnectDelay;
    this.#reconnectDelay = Math.min(delay * 2, 5000);
    this.#reconnectTimer = setTimeout(() => void this.#connect(), delay);
    this.#reconnectTimer.unref();
  }
}
