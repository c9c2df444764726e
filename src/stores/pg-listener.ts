import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ListenerHealth } from './listener-types.js';
import { systemClock, type Clock } from '../clock.js';

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
  /**
   * Longest memory is trusted after the newest proof that every notification committed before
   * it has arrived: a heartbeat (a NOTIFY the listening connection sends itself, every quarter of
   * this) that came back, or a completed sync. Past it, `trusted` is false and answers come from
   * the database until heartbeats return, also while the connection looks alive (a frozen server
   * process, a partition, a NAT dropping packets). Default 1000 ms.
   */
  maxStalenessMs?: number | undefined;
  /** Where staleness is measured from. Default the wall clock. */
  clock?: Clock | undefined;
  /** Told about connection problems; the listener recovers by itself. */
  onError?: ((error: unknown) => void) | undefined;
  /** Told when `state` changes after the first sync: `reconnecting` (with the cause), `in-sync` again. */
  onStateChange?: ((state: MirrorState, error?: unknown) => void) | undefined;
}

type ResolvedListenerOptions = PgListenerOptions &
  Required<Pick<PgListenerOptions, 'resyncIntervalMs' | 'reconnectDelayMs' | 'syncTimeoutMs' | 'maxStalenessMs'>> & { clock: Clock };

/** The defaults filled in, every duration checked (a TypeError names the bad one). */
function resolveListenerOptions(options: PgListenerOptions): ResolvedListenerOptions {
  const resolved = {
    ...options,
    resyncIntervalMs: options.resyncIntervalMs ?? 60_000,
    reconnectDelayMs: options.reconnectDelayMs ?? 100,
    syncTimeoutMs: options.syncTimeoutMs ?? 5000,
    maxStalenessMs: options.maxStalenessMs ?? 1000,
    clock: options.clock ?? systemClock,
  };
  for (const name of ['resyncIntervalMs', 'reconnectDelayMs', 'syncTimeoutMs', 'maxStalenessMs'] as const) {
    const value = resolved[name];
    if (!(value > 0 && Number.isFinite(value))) throw new TypeError(`koa-simple-jwt: ${name} must be a positive number of milliseconds, got ${String(value)}`);
  }
  return resolved;
}

/**
 * The listening connection does not receive notifications: a NOTIFY it was sent from another
 * connection did not come back within `syncTimeoutMs`. The usual cause is a pooler in
 * transaction mode between the app and PostgreSQL. `code` is `'notifications_not_delivered'`.
 */
export class NotificationsNotDeliveredError extends Error {
  readonly code = 'notifications_not_delivered';
  constructor(channel: string, syncTimeoutMs: number) {
    super(
      `koa-simple-jwt: the listening connection for "${channel}" did not receive a NOTIFY sent to it within ${syncTimeoutMs} ms (syncTimeoutMs). ` +
        'LISTEN/NOTIFY does not work through a connection pooler in transaction mode (PgBouncer pool_mode=transaction, RDS Proxy, ' +
        'Supavisor or Neon in transaction mode): the LISTEN stays on a server connection the pooler hands to other clients. ' +
        'Give BlacklistMirror/CachedUserStore a direct or session-mode URL as their `connection` option (the listen connection); ' +
        'the Knex pool may keep using the pooler.',
    );
    this.name = 'NotificationsNotDeliveredError';
  }
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
   *
   * A sync made of many round trips (a load in batches) calls `progress` after each: the
   * `syncTimeoutMs` bound then applies to each round trip rather than to the whole sync.
   */
  sync(client: pg.Client, progress: () => void): Promise<void>;
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
  /** This listener's own heartbeat channel: only its connection listens there. */
  readonly #heartbeatChannel = `ksjwt_heartbeat_${randomBytes(8).toString('hex')}`;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  /** Heartbeats sent and not back yet: payload → the clock's time (ms) when sent. */
  readonly #heartbeats = new Map<string, number>();
  #heartbeatSequence = 0;
  /** The clock's time (ms) up to which every notification committed is known to have arrived. */
  #provenAt: number | undefined;
  /** The payload of the start self-check awaited, and what to call when it arrives. */
  #selfCheck: { payload: string; arrived: () => void } | undefined;
  /** The self-check passed once (see {@link PgListener.#checkDelivery}). */
  #deliveryChecked = false;
  /** The self-check's NOTIFY is committed and its notification not back yet. */
  #awaitingDelivery = false;
  /** Why the first connection cannot work (a pooler in transaction mode): `start` rejects with it. */
  #startError: NotificationsNotDeliveredError | undefined;

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
    if (listener.#startError !== undefined) {
      await listener.close();
      throw listener.#startError;
    }
    listener.#resyncTimer = setInterval(() => listener.#tick(), listener.#options.resyncIntervalMs);
    listener.#resyncTimer.unref();
    listener.#heartbeatTimer = setInterval(() => listener.#heartbeat(), Math.max(1, listener.#options.maxStalenessMs / 4));
    listener.#heartbeatTimer.unref();
    return listener;
  }

  get state(): MirrorState {
    return this.#state;
  }

  /**
   * Whether a copy may answer from memory now: in sync, and every notification committed up to
   * `maxStalenessMs` ago is known to have arrived. PostgreSQL delivers notifications in commit
   * order, so a heartbeat sent at T that is back proves everything committed before T is in.
   */
  get trusted(): boolean {
    return (
      this.#state === 'in-sync' &&
      this.#provenAt !== undefined &&
      this.#options.clock.now().getTime() - this.#provenAt < this.#options.maxStalenessMs
    );
  }

  /**
   * The listener's state, staleness and PostgreSQL's notification queue usage, for a health
   * route. Asks the listening connection (bounded by `syncTimeoutMs`); never throws.
   *
   * @example
   * router.get('/health', async (ctx) => (ctx.body = { blacklist: await blacklist.health() }));
   */
  async health(): Promise<ListenerHealth> {
    const { channel, maxStalenessMs, syncTimeoutMs, clock } = this.#options;
    let notificationQueueUsage: number | null = null;
    const client = this.#client;
    if (client !== undefined && this.#state === 'in-sync') {
      let timer: NodeJS.Timeout | undefined;
      try {
        const usage = client.query<{ usage: number }>('SELECT pg_notification_queue_usage() AS usage');
        const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), syncTimeoutMs)));
        notificationQueueUsage = Number((await Promise.race([usage, timeout])).rows[0]?.usage ?? null);
      } catch {
        notificationQueueUsage = null;
      } finally {
        clearTimeout(timer);
      }
    }
    return {
      channel,
      state: this.#state,
      trusted: this.trusted,
      stalenessMs: this.#provenAt === undefined ? null : clock.now().getTime() - this.#provenAt,
      maxStalenessMs,
      notificationQueueUsage,
    };
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
    clearInterval(this.#heartbeatTimer);
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
    await this.#run(this.#generation, async (progress) => {
      const startedAt = this.#now();
      // A round trip even when `sync` makes none (the user cache only forgets): it is what proves
      // the connection, and so the notifications, still flow.
      await client.query('SELECT 1');
      await this.#handlers.sync(client, progress);
      this.#prove(startedAt);
    });
  }

  /**
   * Sends the next heartbeat on the listening connection: a NOTIFY to its own channel. One at a
   * time, unless the oldest has been out for `syncTimeoutMs`: then another goes too (a slow
   * server is not a lost connection; the resync, bounded by `syncTimeoutMs`, decides that), so
   * trust returns as soon as the connection answers again.
   */
  #heartbeat(): void {
    const client = this.#client;
    if (this.#state !== 'in-sync' || client === undefined) return;
    const oldest = this.#heartbeats.entries().next();
    if (!oldest.done) {
      if (this.#now() - oldest.value[1] < this.#options.syncTimeoutMs) return;
      if (this.#heartbeats.size >= 64) this.#heartbeats.delete(oldest.value[0]);
    }
    this.#heartbeatSequence += 1;
    const payload = String(this.#heartbeatSequence);
    this.#heartbeats.set(payload, this.#now());
    // The answer does not matter: the notification coming back does.
    client.query('SELECT pg_notify($1, $2)', [this.#heartbeatChannel, payload]).catch(() => undefined);
  }

  /** A notification on the heartbeat channel: a heartbeat back, or the start self-check. */
  #onHeartbeat(payload: string | undefined): void {
    if (this.#selfCheck !== undefined && payload === this.#selfCheck.payload) return this.#selfCheck.arrived();
    const sentAt = payload === undefined ? undefined : this.#heartbeats.get(payload);
    if (sentAt === undefined) return;
    // Heartbeats come back in the order they were sent; any older one still listed never will.
    for (const [key, at] of this.#heartbeats) {
      this.#heartbeats.delete(key);
      if (at === sentAt) break;
    }
    this.#prove(sentAt);
  }

  #prove(at: number): void {
    if (this.#provenAt === undefined || at > this.#provenAt) this.#provenAt = at;
  }

  #now(): number {
    return this.#options.clock.now().getTime();
  }

  /**
   * Proves that notifications reach this connection: another connection sends one to the
   * heartbeat channel, which must come back. Through a pooler in transaction mode it never does.
   */
  async #checkDelivery(config: pg.ClientConfig): Promise<void> {
    const payload = `self-check-${randomBytes(8).toString('hex')}`;
    const arrived = new Promise<void>((resolve) => (this.#selfCheck = { payload, arrived: resolve }));
    const sender = new pg.Client({ ...config, application_name: `${this.#options.applicationName}-self-check` });
    sender.on('error', () => undefined);
    try {
      await sender.connect();
      await sender.query('SELECT pg_notify($1, $2)', [this.#heartbeatChannel, payload]);
      // Sent and committed: from here on, only a connection that does not receive can time out.
      this.#awaitingDelivery = true;
      await arrived;
      this.#deliveryChecked = true;
    } finally {
      this.#awaitingDelivery = false;
      this.#selfCheck = undefined;
      void sender.end().catch(() => undefined);
      setTimeout(() => sender.connection.stream.destroy(), this.#options.syncTimeoutMs).unref();
    }
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
      if (generation !== this.#generation) return;
      if (message.channel === this.#heartbeatChannel) this.#onHeartbeat(message.payload);
      else this.#handlers.notify(message.payload);
    });
    client.on('error', (error) => this.#lost(generation, error));
    client.on('end', () => this.#lost(generation, new Error('listening connection ended')));
    this.#heartbeats.clear();
    const synced = await this.#run(generation, async (progress) => {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}; LISTEN ${pg.escapeIdentifier(this.#heartbeatChannel)}`);
      // Until it has passed once: a pooler does not come and go between reconnections, and a
      // reconnection under load should not need a second new connection within syncTimeoutMs.
      if (!this.#deliveryChecked) await this.#checkDelivery(config);
      const startedAt = this.#now();
      await this.#handlers.sync(client, progress);
      this.#prove(startedAt);
    });
    if (!synced || generation !== this.#generation || this.#closed()) return;
    const recovered = this.#state === 'reconnecting';
    this.#state = 'in-sync';
    this.#reconnectDelay = this.#options.reconnectDelayMs;
    if (recovered) this.#options.onStateChange?.('in-sync');
  }

  /**
   * Runs `work` once the sync in flight (if any) has settled, so that syncs never overlap; resolves
   * true if it finished within `syncTimeoutMs` (restarted each time `work` reports progress). A
   * failure or a timeout loses the connection.
   */
  async #run(generation: number, work: (progress: () => void) => Promise<void>): Promise<boolean> {
    const previous = this.#inFlight;
    // Restarts the timeout; set below, and a no-op once this run is over.
    let arm = (): void => undefined;
    const progress = () => arm();
    const done = (async () => {
      await previous;
      // The connection may have been lost while waiting: do not sync on a dead one.
      if (generation !== this.#generation || this.#closed()) throw new Error('listening connection lost');
      await work(progress);
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
    let expire: (error: Error) => void = () => undefined;
    const timeout = new Promise<never>((_, reject) => (expire = reject));
    arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (this.#awaitingDelivery) expire(new NotificationsNotDeliveredError(this.#options.channel, syncTimeoutMs));
        else expire(new Error(`listening connection: no answer within ${syncTimeoutMs} ms (syncTimeoutMs)`));
      }, syncTimeoutMs);
    };
    arm();
    try {
      await Promise.race([done, timeout]);
      return true;
    } catch (error) {
      this.#lost(generation, error);
      return false;
    } finally {
      arm = () => undefined;
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
    if (this.#state === 'starting' && error instanceof NotificationsNotDeliveredError) this.#startError = error;
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
