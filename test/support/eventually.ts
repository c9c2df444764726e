import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it is true and returns how long that took; fails after `limitMs` (a guard
 * against hangs, not a timing assertion).
 */
export async function eventually(check: () => Promise<boolean> | boolean, limitMs = 5000): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > limitMs) assert.fail('condition not met in time');
    await sleep(5);
  }
  return performance.now() - start;
}

/** Terminates the listening connections named `applicationName` on `connectionString`'s database; returns how many. */
export async function terminateListeners(knex: { raw(sql: string, bindings: unknown[]): Promise<{ rows: unknown[] }> }, connectionString: string, applicationName: string): Promise<number> {
  const database = new URL(connectionString).pathname.slice(1);
  const result = await knex.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND datname = ?', [applicationName, database]);
  return result.rows.length;
}
