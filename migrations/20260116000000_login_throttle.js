// Login throttling counted across instances (issue 16): one row per throttled key
// (`username:<name>` or `address:<ip>`), and one function that checks and counts an attempt in a
// single statement. Rows are locked in key order, so two attempts on the same username serialise
// and cannot both pass a budget of one; nothing else waits on them.
//
// The arithmetic mirrors src/throttle/throttle-rule.ts (countFailure); both stores run the same
// contract tests (test/throttle/login-throttle-store.test.ts).

const TABLE = 'koa_simple_jwt_login_throttle';
const CHARGE = 'koa_simple_jwt_login_throttle_charge';

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(`
    CREATE TABLE IF NOT EXISTS ${TABLE} (
      key text PRIMARY KEY,
      failures integer NOT NULL,
      last_failure_at timestamptz NOT NULL,
      blocked_until timestamptz
    )
  `);
  // Returns the longest wait in seconds (nothing counted) or 0 (one failure counted on every key).
  await knex.raw(`
    CREATE OR REPLACE FUNCTION ${CHARGE}(
      p_keys text[], p_failures integer[], p_windows double precision[],
      p_delays double precision[], p_max_delays double precision[], p_now timestamptz
    ) RETURNS double precision LANGUAGE plpgsql AS $$
    DECLARE
      i integer;
      row ${TABLE}%ROWTYPE;
      wait double precision := 0;
      n integer;
    BEGIN
      -- A counter, not a record: a crash may lose the last few counts, and not waiting for the WAL
      -- flush makes the attempt a round trip instead of a disk write (the rest of the transaction,
      -- which is only this call, commits the same way).
      PERFORM set_config('synchronous_commit', 'off', true);
      FOR i IN SELECT k.ord FROM unnest(p_keys) WITH ORDINALITY AS k(key, ord) ORDER BY k.key LOOP
        INSERT INTO ${TABLE} (key, failures, last_failure_at) VALUES (p_keys[i], 0, p_now) ON CONFLICT (key) DO NOTHING;
        SELECT * INTO row FROM ${TABLE} WHERE key = p_keys[i] FOR UPDATE;
        IF row.blocked_until > p_now THEN
          wait := greatest(wait, extract(epoch FROM row.blocked_until - p_now)::double precision);
        END IF;
      END LOOP;
      IF wait > 0 THEN
        DELETE FROM ${TABLE} WHERE key = ANY (p_keys) AND failures = 0;
        RETURN wait;
      END IF;
      FOR i IN 1 .. coalesce(array_length(p_keys, 1), 0) LOOP
        SELECT * INTO row FROM ${TABLE} WHERE key = p_keys[i];
        IF row.failures = 0 OR extract(epoch FROM p_now - greatest(row.last_failure_at, coalesce(row.blocked_until, row.last_failure_at))) >= p_windows[i] THEN
          n := 1;
        ELSE
          n := row.failures + 1;
        END IF;
        UPDATE ${TABLE} SET
          failures = n,
          last_failure_at = p_now,
          blocked_until = CASE WHEN n >= p_failures[i]
            THEN p_now + make_interval(secs => least(p_max_delays[i], p_delays[i] * power(2::double precision, least(30, n - p_failures[i]))))
            ELSE NULL END
        WHERE key = p_keys[i];
      END LOOP;
      RETURN 0;
    END;
    $$
  `);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw(`DROP FUNCTION IF EXISTS ${CHARGE}(text[], integer[], double precision[], double precision[], double precision[], timestamptz)`);
  await knex.raw(`DROP TABLE IF EXISTS ${TABLE}`);
}
