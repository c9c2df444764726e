import { PgListener } from './pg-listener.js';
import { logStateChanges, notInSyncError } from './state-report.js';
import type { StateChangeReporter } from './state-report.js';
import { RecencyMap } from '../recency-map.js';
import type { MirrorState, PgConnection } from './listener-types.js';
import { copyUser } from './user-store.js';
import type { AuthUser, Credentials, UserStore } from './user-store.js';

/** The channel the user trigger (migration `..._user_notify`) announces on. */
export const USER_CHANNEL = 'koa_simple_jwt_user';
/** The `application_name` of the user cache's listening connection. */
export const USER_LISTENER_APPLICATION_NAME = 'koa-simple-jwt-user-listener';

/** Options of {@link CachedUserStore}. */
export interface CachedUserStoreOptions {
  /** How to reach PostgreSQL for the listening connection (a URL or pg's client config). */
  connection: PgConnection;
  /** Most users held at once; the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  /** Forget every user this often, covering anything missed. Default 60 s. */
  resyncIntervalMs?: number;
  /** First reconnection delay after the listening connection drops; doubles up to 5 s. Default 100 ms. */
  reconnectDelayMs?: number;
  /**
   * Longest a (re)connection or a resync may take before the listening connection counts as lost
   * (lookups go to the wrapped store until it is back). A connection gone silent is noticed within
   * `resyncIntervalMs + syncTimeoutMs`. Default 5 s.
   */
  syncTimeoutMs?: number;
  /** Told about connection problems (default: nothing); the cache recovers by itself. */
  onError?: (error: unknown) => void;
  /**
   * Told when the listening connection is lost (checks then go to the database: fail closed) and
   * when it is back in sync. Default: one `console.warn` line per change; `false` for silence.
   */
  onStateChange?: StateChangeReporter | false;
}

interface Entry {
  user: AuthUser;
  id: string;
}

/**
 * A {@link UserStore} whose `findUser`, the per-request user lookup of stateful authentication,
 * answers from memory after the first request of each user. It stays exact because PostgreSQL
 * tells it about every change: a trigger on `auth_user` (migration `..._user_notify`) notifies
 * the user's id in the transaction that updates or deletes the row, and every instance forgets
 * that user. Deactivating a user or changing a password, by this app, another instance or Django,
 * is refused on the next request, as without the cache.
 *
 * It fails closed, like {@link BlacklistMirror}: before the listener is up, while its connection
 * is down and until it is back, every lookup goes to the wrapped store and nothing is cached; a
 * reconnection and every resync interval forget everything. A listening connection that goes
 * silent counts as down once a resync gets no answer within `syncTimeoutMs`. A lookup whose query
 * overlapped a change notification is answered but not cached, so a row read just before a change
 * cannot outlive it.
 *
 * Only lookups are cached: `authenticate` (passwords) and `updateLastLogin` go to the wrapped
 * store every time, and users that are not found are not cached.
 *
 * @example
 * const users = await CachedUserStore.start(new KnexUserStore(knex), { connection: process.env.DATABASE_URL! });
 * const jwt = createSimpleJwt({ signingKey, userStore: users });
 * // on shutdown:
 * await users.close();
 */
export class CachedUserStore implements UserStore {
  readonly #store: UserStore;
  /** `${field}\0${value}` → user, least recently used first out. */
  readonly #entries: RecencyMap<string, Entry>;
  /** String(user.id) → the keys it is cached under. */
  readonly #keysById = new Map<string, Set<string>>();
  /** Bumped by every notification and every forget-all: a lookup that saw it change is not cached. */
  #epoch = 0;
  #listener: PgListener | undefined;
  /** The listening connection's last failure, for ready()'s message. */
  #lastError: unknown;

  private constructor(store: UserStore, maxEntries: number) {
    this.#store = store;
    this.#entries = new RecencyMap(maxEntries);
    if (store.passwordFingerprint) this.passwordFingerprint = (user) => store.passwordFingerprint!(user);
  }

  /**
   * Wraps `store` and connects the listener. Resolves once listening; if the database cannot be
   * reached yet it still resolves, answering from the wrapped store and retrying in the background.
   */
  static async start(store: UserStore, options: CachedUserStoreOptions): Promise<CachedUserStore> {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('CachedUserStore: maxEntries must be a positive integer');
    const cache = new CachedUserStore(store, maxEntries);
    cache.#listener = await PgListener.start(
      {
        connection: options.connection,
        channel: USER_CHANNEL,
        applicationName: USER_LISTENER_APPLICATION_NAME,
        resyncIntervalMs: options.resyncIntervalMs,
        reconnectDelayMs: options.reconnectDelayMs,
        syncTimeoutMs: options.syncTimeoutMs,
        onError: (error: unknown) => {
          cache.#lastError = error;
          options.onError?.(error);
        },
        onStateChange: options.onStateChange === false ? undefined : (options.onStateChange ?? logStateChanges('CachedUserStore')),
      },
      {
        notify: (payload) => cache.#forget(payload),
        sync: async () => cache.#forgetAll(),
        lost: () => cache.#forgetAll(),
      },
    );
    return cache;
  }

  /** `in-sync` when lookups may come from memory; otherwise they go to the wrapped store. */
  /**
   * Resolves when the wrapped store is ready (its tables exist) and memory is in sync; otherwise
   * rejects with an Error saying what to fix (run the migrations; a listening connection that does
   * not reach PostgreSQL directly). Call it once at startup, after `start()`.
   */
  async ready(): Promise<void> {
    await this.#store.ready?.();
    if (this.state !== 'in-sync') throw notInSyncError('CachedUserStore', this.state, this.#lastError);
  }

  get state(): MirrorState {
    return this.#listener?.state ?? 'starting';
  }

  /** Users held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The wrapped store's fingerprint rule, when it has one. */
  passwordFingerprint?: (user: AuthUser) => string;

  authenticate(credentials: Credentials): Promise<AuthUser | null> {
    return this.#store.authenticate(credentials);
  }

  /** The user, from memory when held (a copy: callers may change it), else from the wrapped store. */
  async findUser(field: string, value: string): Promise<AuthUser | null> {
    if (this.state !== 'in-sync') return this.#store.findUser(field, value);
    const key = `${field}\0${value}`;
    const entry = this.#entries.get(key);
    if (entry !== undefined) return copyUser(entry.user);
    const epoch = this.#epoch;
    const user = await this.#store.findUser(field, value);
    if (user !== null && epoch === this.#epoch && this.state === 'in-sync') this.#hold(key, user);
    // Fresh from the wrapped store: the caller's own object (the cache holds a copy).
    return user;
  }

  async updateLastLogin(user: AuthUser, at: Date): Promise<void> {
    await this.#store.updateLastLogin(user, at);
    this.#forget(String(user.id));
  }

  /** Stops listening. The wrapped store is not closed. */
  async close(): Promise<void> {
    await this.#listener?.close();
    this.#forgetAll();
  }

  #hold(key: string, user: AuthUser): void {
    this.#drop(key);
    const id = String(user.id);
    const evicted = this.#entries.set(key, { user: copyUser(user), id });
    if (evicted) this.#unindex(evicted[0], evicted[1].id);
    const keys = this.#keysById.get(id);
    if (keys) keys.add(key);
    else this.#keysById.set(id, new Set([key]));
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#unindex(key, entry.id);
  }

  /** Removes `key` from user `id`'s keys (its entry is already gone). */
  #unindex(key: string, id: string): void {
    const keys = this.#keysById.get(id);
    keys?.delete(key);
    if (keys?.size === 0) this.#keysById.delete(id);
  }

  #forget(id: string | undefined): void {
    this.#epoch += 1;
    if (id === undefined || id === '*') return this.#forgetAll();
    const keys = this.#keysById.get(id);
    if (keys) for (const key of [...keys]) this.#drop(key);
  }

  #forgetAll(): void {
    this.#epoch += 1;
    this.#entries.clear();
    this.#keysById.clear();
  }
}
