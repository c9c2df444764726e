// Logins no longer notify. Migration 20260104000000_user_notify announced every UPDATE of a user
// row, the `last_login` write of every login included. A transaction that sent a NOTIFY takes one
// cluster-wide lock while it commits (PostgreSQL's notification queue lock, held through the
// commit record's flush), so with `updateLastLogin` on, concurrent logins committed one at a
// time behind it.
//
// Now an UPDATE notifies only when a column other than `last_login` changes: `to_jsonb` of the
// row without `last_login`, before and after, compared. Every column a cached user carries (the
// whole row: authentication reads is_active, the id and username fields and the password hash,
// and the app may read is_staff, email, ...) still makes every instance forget the user; only a
// cached copy's `lastLogin` may lag behind the row. The filter is in the trigger's WHEN, so an
// update that changes nothing else never calls the function. It works on any user table with an
// `id` column (a table without `last_login` compares whole rows). DELETE, which has no NEW row,
// gets a trigger of its own; the TRUNCATE trigger is unchanged.

const TABLE = 'auth_user';
const FUNCTION = 'koa_simple_jwt_user_notify';
const TRIGGER = 'koa_simple_jwt_user_notify';
const DELETE_TRIGGER = 'koa_simple_jwt_user_delete_notify';

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${TABLE}`);
  await knex.raw(`
    CREATE TRIGGER ${TRIGGER} AFTER UPDATE ON ${TABLE}
    FOR EACH ROW
    WHEN ((to_jsonb(OLD) - 'last_login') IS DISTINCT FROM (to_jsonb(NEW) - 'last_login'))
    EXECUTE FUNCTION ${FUNCTION}()
  `);
  await knex.raw(`DROP TRIGGER IF EXISTS ${DELETE_TRIGGER} ON ${TABLE}`);
  await knex.raw(`
    CREATE TRIGGER ${DELETE_TRIGGER} AFTER DELETE ON ${TABLE}
    FOR EACH ROW EXECUTE FUNCTION ${FUNCTION}()
  `);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw(`DROP TRIGGER IF EXISTS ${DELETE_TRIGGER} ON ${TABLE}`);
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${TABLE}`);
  await knex.raw(`
    CREATE TRIGGER ${TRIGGER} AFTER UPDATE OR DELETE ON ${TABLE}
    FOR EACH ROW EXECUTE FUNCTION ${FUNCTION}()
  `);
}
