// What BlacklistMirror needs to stay in sync incrementally, at any size of the blacklist:
//
// 1. Every change to `token_blacklist_blacklistedtoken` is announced on `koa_simple_jwt_blacklist`,
//    removals included (the flush too), once per statement, not once per row: statement-level
//    triggers read the statement's transition tables and send the changed rows in chunks, each
//    payload under PostgreSQL's 8000-byte limit. Payload (JSON):
//      {"x": <txid of the writing transaction>, "op": "add" | "remove", "rows": [[<blacklisted id>, <jti or null>], ...]}
//      {"x": <txid>, "op": "reset"}    (TRUNCATE)
//    The jti of a removed row is null when its outstanding row was deleted by the same statement
//    (a cascade); the mirror then reloads. Our flush and Django's ORM delete the blacklisted rows
//    first, so their removals carry jtis.
// 2. A summary kept by the same triggers, in the same transaction: how many blacklisted rows there
//    are and a checksum of their ids (the sum, modulo 2^48, of a 32-bit mix of each id's low 32
//    bits). Reading it is O(1): the mirror compares it with its own count and checksum instead of
//    re-reading the table. It is spread over 16 rows picked by transaction id, so concurrent
//    blacklistings rarely wait on one another's row lock.
//
// It replaces the row-level trigger of migration 20260103000000_blacklist_notify (its function
// stays, so `down` can put that trigger back).

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';
const CHANNEL = 'koa_simple_jwt_blacklist';
const OLD_TRIGGER = 'koa_simple_jwt_blacklist_notify';
const OLD_FUNCTION = 'koa_simple_jwt_blacklist_notify';
const SUMMARY = 'koa_simple_jwt_blacklist_summary';
const FUNCTION = 'koa_simple_jwt_blacklist_sync';
const SHARDS = 16;
const MODULUS = '281474976710656'; // 2^48
/** The checksum term of one id, in bigint arithmetic (the product stays under 2^63). */
const TERM = (id) => `(((${id} & 4294967295) * 1540483477) & 4294967295)`;

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  // No write may fall between the summary's first count and the triggers that keep it.
  await knex.raw(`LOCK TABLE ${BLACKLISTED} IN SHARE ROW EXCLUSIVE MODE`);
  await knex.raw(`
    CREATE TABLE ${SUMMARY} (
      shard integer PRIMARY KEY,
      entries bigint NOT NULL,
      checksum bigint NOT NULL
    )
  `);
  await knex.raw(`COMMENT ON TABLE ${SUMMARY} IS 'koa-simple-jwt: count and checksum of ${BLACKLISTED}, kept by its triggers (migration 20260105000000_blacklist_sync)'`);
  await knex.raw(`
    INSERT INTO ${SUMMARY} (shard, entries, checksum)
    SELECT 0, count(*), coalesce(sum(${TERM('id')}), 0) % ${MODULUS} FROM ${BLACKLISTED}
  `);
  await knex.raw(`
    CREATE OR REPLACE FUNCTION ${FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      xid text := txid_current()::text;
    BEGIN
      IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM ${SUMMARY};
        PERFORM pg_notify('${CHANNEL}', '{"x":' || xid || ',"op":"reset"}');
        RETURN NULL;
      END IF;
      IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM ${FUNCTION}_announce(xid, 'remove', array_agg(id), array_agg(token_id), -1) FROM old_rows;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM ${FUNCTION}_announce(xid, 'add', array_agg(id), array_agg(token_id), 1) FROM new_rows;
      END IF;
      RETURN NULL;
    END;
    $$;
  `);
  await knex.raw(`
    CREATE OR REPLACE FUNCTION ${FUNCTION}_announce(xid text, op text, ids bigint[], token_ids bigint[], sign integer) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      changes bigint;
      delta numeric;
      chunk record;
    BEGIN
      IF ids IS NULL THEN
        RETURN;
      END IF;
      SELECT count(*), coalesce(sum(${TERM('c.id')}), 0) INTO changes, delta FROM unnest(ids) AS c(id);
      IF changes = 0 THEN
        RETURN;
      END IF;
      INSERT INTO ${SUMMARY} AS s (shard, entries, checksum)
      VALUES ((xid::bigint % ${SHARDS})::integer, sign * changes, ((sign * delta) % ${MODULUS} + ${MODULUS}) % ${MODULUS})
      ON CONFLICT (shard) DO UPDATE SET
        entries = s.entries + EXCLUDED.entries,
        checksum = (s.checksum + EXCLUDED.checksum) % ${MODULUS};
      -- Chunks of rows whose JSON adds up to at most 6000 bytes, plus one row (a jti is at most
      -- 255 characters, 1530 bytes escaped): every payload stays under 8000 bytes.
      FOR chunk IN
        SELECT json_agg(json_build_array(r.id, r.jti) ORDER BY r.id)::text AS rows
          FROM (
            SELECT c.id, o.jti,
                   sum(coalesce(octet_length(to_json(o.jti)::text), 4) + 22) OVER (ORDER BY c.id) / 6000 AS part
              FROM unnest(ids, token_ids) AS c(id, token_id)
              LEFT JOIN ${OUTSTANDING} o ON o.id = c.token_id
          ) r
         GROUP BY r.part
         ORDER BY r.part
      LOOP
        PERFORM pg_notify('${CHANNEL}', '{"x":' || xid || ',"op":"' || op || '","rows":' || chunk.rows || '}');
      END LOOP;
    END;
    $$;
  `);
  await knex.raw(`DROP TRIGGER IF EXISTS ${OLD_TRIGGER} ON ${BLACKLISTED}`);
  for (const [event, tables] of [
    ['INSERT', 'REFERENCING NEW TABLE AS new_rows'],
    ['DELETE', 'REFERENCING OLD TABLE AS old_rows'],
    ['UPDATE', 'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'],
  ]) {
    await knex.raw(`
      CREATE TRIGGER ${FUNCTION}_${event.toLowerCase()} AFTER ${event} ON ${BLACKLISTED}
      ${tables} FOR EACH STATEMENT EXECUTE FUNCTION ${FUNCTION}()
    `);
  }
  await knex.raw(`CREATE TRIGGER ${FUNCTION}_truncate AFTER TRUNCATE ON ${BLACKLISTED} FOR EACH STATEMENT EXECUTE FUNCTION ${FUNCTION}()`);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  for (const event of ['insert', 'delete', 'update', 'truncate']) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${FUNCTION}_${event} ON ${BLACKLISTED}`);
  }
  await knex.raw(`DROP FUNCTION IF EXISTS ${FUNCTION}()`);
  await knex.raw(`DROP FUNCTION IF EXISTS ${FUNCTION}_announce(text, text, bigint[], bigint[], integer)`);
  await knex.raw(`DROP TABLE IF EXISTS ${SUMMARY}`);
  await knex.raw(`DROP TRIGGER IF EXISTS ${OLD_TRIGGER} ON ${BLACKLISTED}`);
  await knex.raw(`
    CREATE TRIGGER ${OLD_TRIGGER} AFTER INSERT OR DELETE ON ${BLACKLISTED}
    FOR EACH ROW EXECUTE FUNCTION ${OLD_FUNCTION}()
  `);
}
