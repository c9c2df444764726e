// Announces every blacklisting and un-blacklisting on the channel `koa_simple_jwt_blacklist`,
// from a trigger, so the notification is part of the same transaction as the row (PostgreSQL
// delivers it at commit, never for a rolled-back change) and so that tokens blacklisted by any
// writer, a Django service sharing the database included, reach every instance's in-memory copy.
//
// Payload: JSON {"op": "add" | "remove", "jti": "...", "expires_at": <epoch seconds>}.
// Removals of rows whose outstanding token has expired (the flush) are not announced: the token
// fails its own expiry check anyway, and a flush of millions of rows must not flood listeners.

const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';
const FUNCTION = 'koa_simple_jwt_blacklist_notify';
const TRIGGER = 'koa_simple_jwt_blacklist_notify';
const CHANNEL = 'koa_simple_jwt_blacklist';

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION ${FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      token record;
      op text;
      token_id bigint;
    BEGIN
      IF TG_OP = 'INSERT' THEN
        op := 'add';
        token_id := NEW.token_id;
      ELSE
        op := 'remove';
        token_id := OLD.token_id;
      END IF;
      SELECT jti, expires_at INTO token FROM ${OUTSTANDING} WHERE id = token_id;
      IF NOT FOUND OR (op = 'remove' AND token.expires_at <= now()) THEN
        RETURN NULL;
      END IF;
      PERFORM pg_notify('${CHANNEL}', json_build_object(
        'op', op, 'jti', token.jti, 'expires_at', floor(extract(epoch FROM token.expires_at))
      )::text);
      RETURN NULL;
    END;
    $$;
  `);
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${BLACKLISTED}`);
  await knex.raw(`
    CREATE TRIGGER ${TRIGGER} AFTER INSERT OR DELETE ON ${BLACKLISTED}
    FOR EACH ROW EXECUTE FUNCTION ${FUNCTION}()
  `);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${BLACKLISTED}`);
  await knex.raw(`DROP FUNCTION IF EXISTS ${FUNCTION}()`);
}
