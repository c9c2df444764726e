/**
 * Refresh-token families (issue 14), in tables of our own: Django's two `token_blacklist` tables
 * stay column for column as they are, so a Django service sharing them keeps working (tokens it
 * issues belong to no family).
 *
 * - `koa_simple_jwt_token_family`: one row per login (the pair obtained starts a family): its
 *   user (the user id claim's value, as text), when it started, when it was last used (written at
 *   most once a minute), the login's user agent and a hash of its IP, and when it was revoked.
 * - `koa_simple_jwt_family_token`: one row per refresh token of a family, keyed by jti: which
 *   token replaced it (`successor_jti`, `successor_token`, `rotated_at`), the jti of the access
 *   token issued with it (to tell the current session), and when the row may be flushed.
 * - `koa_simple_jwt_user_revocation`: a user's `revoked_before` ("log out everywhere"): any token
 *   of the user with an earlier `iat` is refused. A trigger announces every change on the channel
 *   `koa_simple_jwt_revocation` (JSON `{"user_id", "revoked_before"}` in epoch milliseconds) so
 *   every instance's in-memory copy follows within the same LISTEN/NOTIFY path as the blacklist.
 *
 * Plain ESM JavaScript: it must load from the published package without a compiler.
 */

const FAMILY = 'koa_simple_jwt_token_family';
const FAMILY_TOKEN = 'koa_simple_jwt_family_token';
const REVOCATION = 'koa_simple_jwt_user_revocation';
const FUNCTION = 'koa_simple_jwt_revocation_notify';
const TRIGGER = 'koa_simple_jwt_revocation_notify';
const CHANNEL = 'koa_simple_jwt_revocation';

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable(FAMILY, (table) => {
    table.string('id', 64).primary();
    table.string('user_id', 255).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('last_used_at', { useTz: true }).notNullable();
    table.text('user_agent').nullable();
    table.string('ip_hash', 64).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    // The sessions listing and "log out everywhere" look families up by user.
    table.index(['user_id'], `${FAMILY}_user_id_index`);
  });
  await knex.schema.createTable(FAMILY_TOKEN, (table) => {
    table.string('jti', 255).primary();
    table.string('family_id', 64).notNullable().references('id').inTable(FAMILY).onDelete('CASCADE');
    table.string('access_jti', 255).nullable();
    table.string('successor_jti', 255).nullable();
    table.text('successor_token').nullable();
    table.timestamp('rotated_at', { useTz: true }).nullable();
    table.timestamp('expires_at', { useTz: true }).notNullable();
    // Revoking a family finds its tokens by family; the flush finds expired rows.
    table.index(['family_id'], `${FAMILY_TOKEN}_family_id_index`);
    table.index(['expires_at'], `${FAMILY_TOKEN}_expires_at_index`);
  });
  await knex.schema.createTable(REVOCATION, (table) => {
    table.string('user_id', 255).primary();
    table.timestamp('revoked_before', { useTz: true }).notNullable();
  });
  await knex.raw(`
    CREATE OR REPLACE FUNCTION ${FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('${CHANNEL}', json_build_object('user_id', OLD.user_id, 'revoked_before', null)::text);
        RETURN NULL;
      END IF;
      PERFORM pg_notify('${CHANNEL}', json_build_object(
        'user_id', NEW.user_id, 'revoked_before', floor(extract(epoch FROM NEW.revoked_before) * 1000)
      )::text);
      RETURN NULL;
    END;
    $$;
  `);
  await knex.raw(`
    CREATE TRIGGER ${TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON ${REVOCATION}
    FOR EACH ROW EXECUTE FUNCTION ${FUNCTION}()
  `);
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.raw(`DROP TRIGGER IF EXISTS ${TRIGGER} ON ${REVOCATION}`);
  await knex.raw(`DROP FUNCTION IF EXISTS ${FUNCTION}()`);
  await knex.schema.dropTableIfExists(REVOCATION);
  await knex.schema.dropTableIfExists(FAMILY_TOKEN);
  await knex.schema.dropTableIfExists(FAMILY);
}
