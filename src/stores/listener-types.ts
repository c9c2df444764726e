/**
 * The public types of the listening stores (BlacklistMirror, CachedUserStore), kept apart from
 * their pg-based implementation so that an app's type check never needs pg's types (`@types/pg`
 * is not a dependency of ours, and an app on Knex need not install it).
 */

/** What a listening store's `state` reports; memory is trusted only when `in-sync`. */
export type MirrorState = 'starting' | 'in-sync' | 'reconnecting' | 'closed';

/**
 * How to reach PostgreSQL for a listening connection: a `postgres://` URL, or the options of pg's
 * `Client` (`host`, `port`, `user`, `password`, `database`, `ssl`, ...), passed to it as they are.
 */
export type PgConnection = string | PgConnectionConfig;

/** The usual options of pg's `Client`; any other of its options passes through. */
export interface PgConnectionConfig {
  connectionString?: string;
  host?: string;
  port?: number;
  user?: string;
  database?: string;
  password?: string | (() => string | Promise<string>);
  ssl?: boolean | Record<string, unknown>;
  [option: string]: unknown;
}
