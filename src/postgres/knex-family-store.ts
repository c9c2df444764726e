/**
 * The default {@link FamilyStore}: refresh-token families and per-user `revoked_before` times in
 * tables of our own (migration `20260114000000_token_families`), on PostgreSQL with Knex. Revoking
 * a family blacklists its tokens in Simple JWT's blacklist tables (Django's names by default), so
 * every instance's blacklist, and a Django service sharing the tables, refuse them too.
 *
 * Each operation is one statement (hence atomic); its SQL is here and nowhere else.
 */
import pg from 'pg';
import type { Knex } from 'knex';
import { ServiceUnavailableError } from '../errors.js';
import { PgListener } from '../stores/pg-listener.js';
import { checkTables, withMigrationHint } from '../stores/check-tables.js';
import { logStateChanges, notInSyncError } from '../stores/state-report.js';
import type { StateChangeReporter } from '../stores/state-report.js';
import type { MirrorState, PgConnection } from '../stores/listener-types.js';
import type { ConsumedToken, FamilyMember, FamilySession, FamilyStore, NewFamily, RotationClaim } from '../families/family-store.js';

/** The channel the `revoked_before` trigger announces on. */
export const REVOCATION_CHANNEL = 'koa_simple_jwt_revocation';
/** The `application_name` of the listening connection, to find it in `pg_stat_activity`. */
export const REVOCATION_LISTENER_NAME = 'koa-simple-jwt-revocation-listener';

const FAMILY = 'koa_simple_jwt_token_family';
const FAMILY_TOKEN = 'koa_simple_jwt_family_token';
const REVOCATION = 'koa_simple_jwt_user_revocation';
/** `last_used_at` is written at most this often per family. */
const LAST_USED_RESOLUTION = '1 minute';

/** Options of {@link KnexFamilyStore}. */
export interface KnexFamilyStoreOptions {
  /** Simple JWT's outstanding-token table. Default `'token_blacklist_outstandingtoken'`. */
  outstandingTable?: string;
  /** Simple JWT's blacklisted-token table. Default `'token_blacklist_blacklistedtoken'`. */
  blacklistedTable?: string;
}

/** Options of {@link KnexFamilyStore.start}: the listening connection, as for the blacklist mirror. */
export interface KnexFamilyStoreStartOptions extends KnexFamilyStoreOptions {
  /** How to reach PostgreSQL for the listening connection (a URL or pg's client config). */
  connection: PgConnection;
  /** Re-read every `revoked_before` this often, covering anything missed. Default 60 s. */
  resyncIntervalMs?: number;
  /** First reconnection delay after the listening connection drops; doubles up to 5 s. Default 100 ms. */
  reconnectDelayMs?: number;
  /** Longest a (re)connection with its load, or a resync, may take before the connection counts as lost. Default 5 s. */
  syncTimeoutMs?: number;
  /** Told about connection problems (default: nothing); the store recovers by itself. */
  onError?: (error: unknown) => void;
  /** Told when the listening connection is lost or back in sync. Default: one warning line per change; `false`: nothing. */
  onStateChange?: StateChangeReporter | false;
}

interface ConsumedRow {
  family_id: string;
  user_id: string | null;
  created_at: Date;
  revoked_at: Date | null;
  rotated_at: Date | null;
  successor_token: string | null;
  successor_rotated: boolean;
}

/** A `revoked_before` change as the trigger announces it (epoch ms; null when the row went). */
interface Notice {
  user_id: string;
  revoked_before: number | null;
}

/**
 * Families and "not before" times in PostgreSQL.
 *
 * `revokedBefore`, the check every token goes through, is answered from memory once the store
 * follows the table: `KnexFamilyStore.start()` loads it and keeps it current over LISTEN/NOTIFY
 * (the same {@link PgListener} path and fail-closed rules as the blacklist mirror: before the
 * first load, while the listening connection is down and until a reload after reconnecting, the
 * database is asked). A store made with `new` (the CLI's) always asks the database.
 *
 * @example
 * const families = await KnexFamilyStore.start(knex, { connection: process.env.DATABASE_URL! });
 * const jwt = createSimpleJwt({ signingKey, userStore, blacklistStore, familyStore: families,
 *   rotateRefreshTokens: true, blacklistAfterRotation: true });
 * // on shutdown:
 * await families.close();
 */
export class KnexFamilyStore implements FamilyStore {
  readonly #knex: Knex;
  readonly #outstanding: string;
  readonly #blacklisted: string;
  #revoked = new Map<string, number>();
  #listener: PgListener | undefined;
  #pending: Notice[] | undefined;
  /** The listening connection's last failure, for ready()'s message. */
  #lastError: unknown;

  constructor(knex: Knex, options: KnexFamilyStoreOptions = {}) {
    this.#knex = knex;
    this.#outstanding = options.outstandingTable ?? 'token_blacklist_outstandingtoken';
    this.#blacklisted = options.blacklistedTable ?? 'token_blacklist_blacklistedtoken';
  }

  /**
   * A store whose `revokedBefore` answers from memory, loaded now and kept current by
   * LISTEN/NOTIFY. Resolves once in sync; if the database cannot be reached yet it still
   * resolves, answering from the database (fail closed) and retrying in the background.
   */
  static async start(knex: Knex, options: KnexFamilyStoreStartOptions): Promise<KnexFamilyStore> {
    const store = new KnexFamilyStore(knex, options);
    store.#listener = await PgListener.start(
      {
        connection: options.connection,
        channel: REVOCATION_CHANNEL,
        applicationName: REVOCATION_LISTENER_NAME,
        resyncIntervalMs: options.resyncIntervalMs,
        reconnectDelayMs: options.reconnectDelayMs,
        syncTimeoutMs: options.syncTimeoutMs,
        onError: (error: unknown) => {
          store.#lastError = error;
          options.onError?.(error);
        },
        onStateChange: options.onStateChange === false ? undefined : (options.onStateChange ?? logStateChanges('KnexFamilyStore')),
      },
      { notify: (payload) => store.#onNotification(payload), sync: (client) => store.#load(client) },
    );
    return store;
  }

  /** `in-sync` when `revokedBefore` answers from memory; otherwise it asks the database. */
  get state(): MirrorState {
    return this.#listener?.state ?? 'starting';
  }

  /**
   * Resolves when the tables exist and, for a started store, memory is in sync; otherwise rejects
   * naming the fix (run the migrations; a listening connection that reaches PostgreSQL directly).
   * `jwt.ready()` calls it.
   */
  async ready(): Promise<void> {
    await checkTables(this.#knex, 'KnexFamilyStore', [FAMILY, FAMILY_TOKEN, REVOCATION, this.#outstanding, this.#blacklisted]);
    if (this.#listener && this.state !== 'in-sync') throw notInSyncError('KnexFamilyStore', this.state, this.#lastError);
  }

  /** Stops listening. The Knex pool is not closed. */
  async close(): Promise<void> {
    await this.#listener?.close();
  }

  async startFamily(family: NewFamily): Promise<void> {
    const { token } = family;
    await this.#run(() =>
      this.#knex.raw(
        `with family as (
           insert into ?? (id, user_id, created_at, last_used_at, user_agent, ip_hash) values (?, ?, ?, ?, ?, ?)
         )
         insert into ?? (jti, family_id, access_jti, expires_at) values (?, ?, ?, ?) on conflict (jti) do nothing`,
        [FAMILY, family.id, text(family.userId), family.createdAt, family.createdAt, text(family.userAgent), family.ipHash,
          FAMILY_TOKEN, token.jti, family.id, token.accessJti, token.expiresAt],
      ),
    );
  }

  /**
   * One statement: the consumed token's row gets its successor only while it has none (a row lock
   * decides between concurrent calls: the losers re-check after the winner commits and update
   * nothing), the successor joins the family, and `last_used_at` moves when a minute old.
   */
  async claimRotation(consumedJti: string, successor: FamilyMember, now: Date, createdAfter: Date | null): Promise<RotationClaim> {
    if (!storable(consumedJti)) return { outcome: 'no-family' };
    const result = await this.#run(() =>
      this.#knex.raw(
        `with consumed as (
           select t.jti, t.family_id, f.created_at, f.revoked_at, t.successor_jti
             from ?? t join ?? f on f.id = t.family_id where t.jti = ?
         ), claimed as (
           update ?? t set successor_jti = ?, successor_token = ?, rotated_at = ?
             from consumed c
            where t.jti = c.jti and t.successor_jti is null and c.revoked_at is null
              and (?::timestamptz is null or c.created_at > ?::timestamptz)
           returning t.family_id
         ), added as (
           insert into ?? (jti, family_id, access_jti, expires_at) select ?, family_id, ?, ? from claimed
         ), touched as (
           update ?? f set last_used_at = ? where f.id in (select family_id from claimed)
              and f.last_used_at < ?::timestamptz - interval '${LAST_USED_RESOLUTION}'
         )
         select c.family_id, c.created_at, c.revoked_at, c.successor_jti, (select count(*) from claimed)::int as claimed
           from consumed c`,
        [FAMILY_TOKEN, FAMILY, consumedJti,
          FAMILY_TOKEN, successor.jti, successor.token, now, createdAfter, createdAfter,
          FAMILY_TOKEN, successor.jti, successor.accessJti, successor.expiresAt,
          FAMILY, now, now],
      ),
    );
    const row = result.rows[0] as { family_id: string; created_at: Date; revoked_at: Date | null; successor_jti: string | null; claimed: number } | undefined;
    if (row === undefined) return { outcome: 'no-family' };
    if (row.claimed > 0) return { outcome: 'claimed', familyId: row.family_id };
    if (row.revoked_at !== null) return { outcome: 'revoked', familyId: row.family_id };
    if (createdAfter !== null && row.created_at.getTime() <= createdAfter.getTime()) return { outcome: 'expired', familyId: row.family_id };
    // Rotated by another call: read what it recorded (committed by now; this statement's snapshot predates it).
    const consumed = await this.consumedToken(consumedJti);
    if (consumed === null) return { outcome: 'no-family' };
    return { outcome: 'rotated', consumed };
  }

  async consumedToken(jti: string): Promise<ConsumedToken | null> {
    if (!storable(jti)) return null;
    const result = await this.#run(() =>
      this.#knex.raw(
        `select t.family_id, f.user_id, f.created_at, f.revoked_at, t.rotated_at, t.successor_token,
                (s.successor_jti is not null) as successor_rotated
           from ?? t join ?? f on f.id = t.family_id left join ?? s on s.jti = t.successor_jti
          where t.jti = ?`,
        [FAMILY_TOKEN, FAMILY, FAMILY_TOKEN, jti],
      ),
    );
    const row = result.rows[0] as ConsumedRow | undefined;
    if (row === undefined) return null;
    return {
      familyId: row.family_id,
      userId: row.user_id,
      familyCreatedAt: row.created_at,
      revoked: row.revoked_at !== null,
      rotatedAt: row.rotated_at,
      successorToken: row.successor_token,
      successorRotated: row.successor_rotated,
    };
  }

  async revokeFamily(familyId: string, now: Date, userId?: string): Promise<boolean> {
    if (!storable(familyId) || (userId !== undefined && !storable(userId))) return false;
    const where = userId === undefined ? this.#knex.raw('f.id = ?', [familyId]) : this.#knex.raw('f.id = ? and f.user_id = ?', [familyId, userId]);
    return (await this.#revokeWhere(where, now)) > 0;
  }

  async revokeFamilyOf(jti: string, now: Date): Promise<boolean> {
    if (!storable(jti)) return false;
    return (await this.#revokeWhere(this.#knex.raw('f.id = (select family_id from ?? where jti = ?)', [FAMILY_TOKEN, jti]), now)) > 0;
  }

  async revokeOtherFamilies(userId: string, keep: string | null, now: Date): Promise<number> {
    if (!storable(userId)) return 0;
    return this.#revokeWhere(this.#knex.raw('f.user_id = ? and f.id is distinct from ?', [userId, keep !== null && storable(keep) ? keep : null]), now);
  }

  async listFamilies(userId: string, now: Date): Promise<FamilySession[]> {
    if (!storable(userId)) return [];
    const result = await this.#run(() =>
      this.#knex.raw(
        `select f.id, f.created_at, f.last_used_at, f.user_agent, f.ip_hash,
                array_remove(array_agg(t.access_jti), null) as access_jtis
           from ?? f join ?? t on t.family_id = f.id
          where f.user_id = ? and f.revoked_at is null
          group by f.id
         having max(t.expires_at) > ?
          order by f.created_at desc, f.id`,
        [FAMILY, FAMILY_TOKEN, userId, now],
      ),
    );
    return (result.rows as { id: string; created_at: Date; last_used_at: Date; user_agent: string | null; ip_hash: string | null; access_jtis: string[] }[]).map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      userAgent: row.user_agent,
      ipHash: row.ip_hash,
      accessJtis: row.access_jtis,
    }));
  }

  async familiesOf(jtis: readonly string[]): Promise<Map<string, string>> {
    const wanted = jtis.filter(storable);
    if (wanted.length === 0) return new Map();
    const result = await this.#run(() => this.#knex.raw('select jti, family_id from ?? where jti = any(?)', [FAMILY_TOKEN, wanted]));
    return new Map((result.rows as { jti: string; family_id: string }[]).map((row) => [row.jti, row.family_id]));
  }

  /**
   * One statement: `revoked_before` moves forward (never back), announced by the table's trigger
   * to every instance, and the user's families are marked revoked.
   */
  async revokeUserBefore(userId: string, at: Date): Promise<void> {
    if (!storable(userId)) return;
    await this.#run(() =>
      this.#knex.raw(
        `with revocation as (
           insert into ?? as r (user_id, revoked_before) values (?, ?)
           on conflict (user_id) do update set revoked_before = greatest(r.revoked_before, excluded.revoked_before)
         )
         update ?? set revoked_at = ? where user_id = ? and revoked_at is null`,
        [REVOCATION, userId, at, FAMILY, at, userId],
      ),
    );
    // This instance follows at once; the others through the notification.
    this.#revoked.set(userId, Math.max(this.#revoked.get(userId) ?? 0, at.getTime()));
  }

  revokedBefore(userId: string): number | null | Promise<number | null> {
    if (this.state === 'in-sync') return this.#revoked.get(userId) ?? null;
    return this.#revokedBeforeFromDatabase(userId);
  }

  async flushExpired(now: Date): Promise<number> {
    const result = await this.#run(() =>
      this.#knex.raw(
        // The outer statement sees the table as before the CTE's delete, so the expired rows it
        // deletes do not count as live (they fail `expires_at > now`).
        `with gone as (delete from ?? where expires_at <= ? returning family_id)
         delete from ?? f where f.id in (select family_id from gone)
            and not exists (select 1 from ?? t where t.family_id = f.id and t.expires_at > ?)`,
        [FAMILY_TOKEN, now, FAMILY, FAMILY_TOKEN, now],
      ),
    );
    return result.rowCount ?? 0;
  }

  async #revokedBeforeFromDatabase(userId: string): Promise<number | null> {
    if (!storable(userId)) return null;
    const result = await this.#run(() => this.#knex.raw('select revoked_before from ?? where user_id = ?', [REVOCATION, userId]));
    const row = result.rows[0] as { revoked_before: Date } | undefined;
    return row === undefined ? null : row.revoked_before.getTime();
  }

  /**
   * Marks the families `where` selects (alias `f`) revoked and blacklists their outstanding,
   * unexpired tokens, in one statement. Resolves how many families this call revoked.
   */
  async #revokeWhere(where: Knex.Raw, now: Date): Promise<number> {
    const result = await this.#run(() =>
      this.#knex.raw(
        `with revoked as (
           update ?? f set revoked_at = ? where (?) and f.revoked_at is null returning f.id
         ), blacklisted as (
           insert into ?? (token_id, blacklisted_at)
           select o.id, ? from ?? o join ?? t on t.jti = o.jti
            where t.family_id in (select id from revoked) and o.expires_at > ?
            order by o.id
           on conflict (token_id) do nothing
         )
         select count(*)::int as revoked from revoked`,
        [FAMILY, now, where, this.#blacklisted, now, this.#outstanding, FAMILY_TOKEN, now],
      ),
    );
    return (result.rows[0] as { revoked: number } | undefined)?.revoked ?? 0;
  }

  async #load(client: pg.Client): Promise<void> {
    const pending: Notice[] = [];
    this.#pending = pending;
    try {
      const result = await client.query<{ user_id: string; revoked_before: Date }>(`SELECT user_id, revoked_before FROM ${pg.escapeIdentifier(REVOCATION)}`);
      const entries = new Map<string, number>();
      for (const row of result.rows) entries.set(row.user_id, row.revoked_before.getTime());
      for (const notice of pending) apply(entries, notice);
      this.#revoked = entries;
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
    if (typeof notice?.user_id !== 'string') return;
    apply(this.#revoked, notice);
    this.#pending?.push(notice);
  }

  async #run<T>(query: () => PromiseLike<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new ServiceUnavailableError(withMigrationHint(error));
    }
  }
}

function apply(entries: Map<string, number>, notice: Notice): void {
  if (typeof notice.revoked_before === 'number') entries.set(notice.user_id, Math.max(entries.get(notice.user_id) ?? 0, notice.revoked_before));
  else entries.delete(notice.user_id);
}

/** PostgreSQL text cannot hold NUL (such a value matches nothing); ids are at most 255 characters. */
function storable(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 255 && !value.includes('\u0000');
}

function text(value: string | null): string | null {
  return value === null ? null : value.replace(/\u0000/g, '').slice(0, 1000);
}
