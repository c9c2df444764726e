// Announces every change to a user row on the channel `koa_simple_jwt_user`, from a trigger, so
// every instance's CachedUserStore forgets that user in the transaction's commit: deactivating a
// user or changing a password (here, from Django's admin or from any other writer) takes effect
// on the next request, as it does without the cache.
//
// Payload: the row's id as text (OLD.id: the id a cached copy was read with); `*` after TRUNCATE.
// The function is not tied to auth_user: an app whose users live in another table with an `id`
// column can attach it there:
//   CREATE TRIGGER koa_simple_jwt_user_notify AFTER UPDATE OR DELETE ON my_users
//     FOR EACH ROW EXECUTE FUNCTION koa_simple_jwt_user_notify();

const TABLE = 'auth_user';
const FUNCTION = 'koa_simple_jwt_user_notify';
const TRUNCATE_FUNCTION = 'koa_simple_jwt_user_truncate_notify';
const TRIGGER = 'koa_simple_jwt_user_notify';
const TRUNCATE_TRIGGER = 'koa_simple_jwt_user_truncate_notify';
const CHANNEL = 'koa_simple_jwt_user';

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION ${FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${CHANNEL}', OLD.id::text);
      RETURN NULL;
    END;
    $$;
  `);
  await knex.raw(`
    CREATE OR REPLACE FUNCTION ${TRUNCATE_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${CHANNEL}', '*');
      RETURN NULL;
    END;
    $$;
  `);
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${TABLE}`);
  await knex.raw(`
    CREATE TRIGGER ${TRIGGER} AFTER UPDATE OR DELETE ON ${TABLE}
    FOR EACH ROW EXECUTE FUNCTION ${FUNCTION}()
  `);
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRUNCATE_TRIGGER} ON ${TABLE}`);
  await knex.raw(`
    CREATE TRIGGER ${TRUNCATE_TRIGGER} AFTER TRUNCATE ON ${TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION ${TRUNCATE_FUNCTION}()
  `);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRUNCATE_TRIGGER} ON ${TABLE}`);
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${TABLE}`);
  await knex.raw(`DROP FUNCTION IF EXISTS ${TRUNCATE_FUNCTION}()`);
  await knex.raw(`DROP FUNCTION IF EXISTS ${FUNCTION}()`);
}
