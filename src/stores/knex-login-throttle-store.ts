import { ServiceUnavailableError } from '../errors.js';
import type { Knex } from 'knex';
import type { LoginThrottleStore, ThrottleCharge, ThrottleEntry } from '../throttle/login-throttle-store.js';

const TABLE = 'koa_simple_jwt_login_throttle';

/**
 * Login throttles in PostgreSQL (the table and function of migration
 * `20260116000000_login_throttle`), so every instance counts against the same budgets. An attempt
 * costs one statement (a function call that locks the keys' rows, checks and counts); a successful
 * login one more. A database failure is a 503, never a free pass.
 *
 * @example
 * createSimpleJwt({ signingKey, userStore, loginThrottle: { store: new KnexLoginThrottleStore(knex) } });
 */
export class KnexLoginThrottleStore implements LoginThrottleStore {
  readonly #knex: Knex;

  constructor(knex: Knex) {
    this.#knex = knex;
  }

  async charge(charges: readonly ThrottleCharge[], now: Date): Promise<number> {
    const result = await this.#run(() =>
      this.#knex.raw<{ rows: { wait: number }[] }>(
        'SELECT koa_simple_jwt_login_throttle_charge(?::text[], ?::integer[], ?::double precision[], ?::double precision[], ?::double precision[], ?) AS wait',
        [
          charges.map((charge) => charge.key),
          charges.map((charge) => charge.rule.failures),
          charges.map((charge) => charge.rule.windowSeconds),
          charges.map((charge) => charge.rule.delaySeconds),
          charges.map((charge) => charge.rule.maxDelaySeconds),
          now,
        ],
      ),
    );
    return Math.max(0, Number(result.rows[0]?.wait ?? 0) * 1000);
  }

  async settle(forget: readonly string[], refund: readonly ThrottleCharge[]): Promise<void> {
    await this.#run(() =>
      this.#knex.raw(
        `WITH forgotten AS (DELETE FROM ${TABLE} WHERE key = ANY (?::text[]))
         UPDATE ${TABLE} AS t SET
           failures = t.failures - 1,
           blocked_until = CASE WHEN t.failures - 1 < r.failures THEN NULL ELSE t.blocked_until END
         FROM unnest(?::text[], ?::integer[]) AS r(key, failures)
         WHERE t.key = r.key AND t.failures > 0`,
        [[...forget], refund.map((charge) => charge.key), refund.map((charge) => charge.rule.failures)],
      ),
    );
  }

  async list(prefix: string): Promise<ThrottleEntry[]> {
    const escaped = prefix.replace(/[\\%_]/g, (char) => `\\${char}`);
    const rows = await this.#run(
      () =>
        this.#knex(TABLE)
          .where('key', 'like', `${escaped}%`)
          .andWhere('failures', '>', 0)
          .orderBy('key')
          .select('key', 'failures', 'last_failure_at', 'blocked_until') as Promise<{ key: string; failures: number; last_failure_at: Date; blocked_until: Date | null }[]>,
    );
    return rows.map((row) => ({ key: row.key, failures: row.failures, lastFailureAt: row.last_failure_at, blockedUntil: row.blocked_until }));
  }

  async clear(keys: readonly string[]): Promise<number> {
    return this.#run(() => this.#knex(TABLE).whereIn('key', [...keys]).andWhere('failures', '>', 0).delete() as Promise<number>);
  }

  /** The single place where database errors become 503s. */
  async #run<T>(query: () => PromiseLike<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new ServiceUnavailableError(error);
    }
  }
}
