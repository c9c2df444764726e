/**
 * The default {@link UserStore}: users in a Django `auth_user`-shaped table, read and written with
 * Knex, passwords in Django's `pbkdf2_sha256` format. A Django project and this store can share
 * the same table.
 */
import type { Knex } from 'knex';
import pg from 'pg';
import { ServiceUnavailableError } from '../errors.js';
import { pgStatement, quoteTable, runStatement, type PgStatement } from './pg-statement.js';
import { DJANGO_DEFAULT_ITERATIONS, makeDjangoPassword, verifyDjangoPassword } from './django-password.js';
import type { AuthUser, Credentials, UserStore } from './user-store.js';
import { hidePasswordHash } from './user-store.js';
import { checkTables, withMigrationHint } from './check-tables.js';
import { batchedStatement, type BatchingOptions } from './statement-coalescer.js';

/** Options of {@link KnexUserStore}. */
export interface KnexUserStoreOptions {
  /** The user table. Default `'auth_user'`. */
  table?: string;
  /**
   * PBKDF2 iterations for passwords made by {@link KnexUserStore.createUser}, and for the dummy
   * verification that hides unknown usernames and accounts whose hash cannot be verified (an
   * unusable password, another hasher). Default 1 000 000 (Django 5.2); keep it equal to what your
   * stored hashes use: unlike Django, a login does not re-hash a stored password at this count.
   */
  iterations?: number;
  /**
   * Checks a password against a stored hash. Default: Django's `pbkdf2_sha256`
   * ({@link verifyDjangoPassword}) at `iterations` for hashes it cannot verify; give your own to
   * accept other hashers. It is also run on a dummy hash for unknown users; a hash it cannot
   * verify should cost what a wrong password costs, or response times reveal which accounts exist.
   */
  verifyPassword?: (password: string, encoded: string) => Promise<boolean>;
  /**
   * The column users log in with (Django's `USERNAME_FIELD`), and so the field name the obtain
   * endpoints read: `'username'` (default) or `'email'`. Django does not make `auth_user.email`
   * unique: an address shared by several users matches none of them, here and in `findUser`.
   */
  usernameField?: 'username' | 'email';
  /**
   * Concurrent lookups by id (`findUser('id', ...)`, what every authenticated request does) share
   * a statement when the database is busy: one is sent at once while fewer than `maxInFlight`
   * (default 2) batches are out, else it waits for one to come back and goes with the others that
   * waited (at most `maxBatch`, default 256). `false` sends every lookup on its own.
   */
  lookupBatching?: false | BatchingOptions;
}

/** What {@link KnexUserStore} returns: an {@link AuthUser} with every `auth_user` column. */
export interface DjangoUser extends AuthUser {
  id: number;
  password: string;
  lastLogin: Date | null;
  email: string;
  firstName: string;
  lastName: string;
  isStaff: boolean;
  isSuperuser: boolean;
  dateJoined: Date;
}

/** Input of {@link KnexUserStore.createUser}. */
export interface NewUser {
  username: string;
  /** The plain password; stored hashed. */
  password: string;
  email?: string;
  /** Default true. */
  isActive?: boolean;
  /** Default false. */
  isStaff?: boolean;
  /** Default false. */
  isSuperuser?: boolean;
}

/** {@link KnexUserStore.createUser} found the username taken. */
export class UserExistsError extends Error {
  readonly code = 'user_exists';
  readonly username: string;
  constructor(username: string) {
    super(`A user named "${username}" already exists.`);
    this.name = 'UserExistsError';
    this.username = username;
  }
}

type ColumnKind = 'integer' | 'text' | 'boolean' | 'timestamp';

/** AuthUser property → column. The only fields `findUser` accepts. */
const COLUMNS: Readonly<Record<string, { column: string; kind: ColumnKind }>> = Object.freeze({
  id: { column: 'id', kind: 'integer' },
  username: { column: 'username', kind: 'text' },
  password: { column: 'password', kind: 'text' },
  email: { column: 'email', kind: 'text' },
  firstName: { column: 'first_name', kind: 'text' },
  lastName: { column: 'last_name', kind: 'text' },
  isActive: { column: 'is_active', kind: 'boolean' },
  isStaff: { column: 'is_staff', kind: 'boolean' },
  isSuperuser: { column: 'is_superuser', kind: 'boolean' },
  lastLogin: { column: 'last_login', kind: 'timestamp' },
  dateJoined: { column: 'date_joined', kind: 'timestamp' },
});

interface UserRow {
  id: number;
  password: string;
  last_login: Date | null;
  is_superuser: boolean;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
  is_staff: boolean;
  is_active: boolean;
  date_joined: Date;
}

const INT4_MAX = 2_147_483_647;

/**
 * Users in a Django `auth_user` table.
 *
 * Every failure of the database (refused connection, closed pool, missing table) is thrown as a
 * {@link ServiceUnavailableError} carrying the original error as `cause`, so that an outage
 * becomes a 503 and never a 401. Values that cannot match any row (a non-numeric id, a NUL
 * character) resolve to null without a query rather than making PostgreSQL fail.
 *
 * @example
 * const users = new KnexUserStore(knex);
 * const user = await users.authenticate({ username: 'alice', password: 's3cret' });
 * if (user) await users.updateLastLogin(user, new Date());
 */
export class KnexUserStore implements UserStore {
  readonly #knex: Knex;
  readonly #table: string;
  readonly #iterations: number;
  readonly usernameField: 'username' | 'email';
  /**
   * Verified when the username is unknown, so that the answer costs one full PBKDF2 run, as a
   * wrong password does. Its hash bytes match no password; only the iteration count matters.
   */
  readonly #dummyHash: string;
  readonly #verifyPassword: (password: string, encoded: string) => Promise<boolean>;
  /** The named per-request statements: lookups by column, and the login's `last_login` write. */
  readonly #statements = new Map<string, PgStatement>();
  readonly #updateLastLogin: PgStatement;
  readonly #byIds: PgStatement;
  /** The lookup by id, alone or in a batch (`lookupBatching`). */
  readonly #findById: (id: number) => Promise<UserRow | undefined>;

  constructor(knex: Knex, options: KnexUserStoreOptions = {}) {
    const table = options.table ?? 'auth_user';
    if (typeof table !== 'string' || table === '') {
      throw new TypeError('KnexUserStore: option "table" must be a non-empty string');
    }
    const iterations = options.iterations ?? DJANGO_DEFAULT_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < 1) {
      throw new TypeError('KnexUserStore: option "iterations" must be a positive integer');
    }
    const usernameField = options.usernameField ?? 'username';
    if (usernameField !== 'username' && usernameField !== 'email') {
      throw new TypeError(`KnexUserStore: option "usernameField" must be 'username' or 'email', got ${JSON.stringify(usernameField)}`);
    }
    this.usernameField = usernameField;
    this.#knex = knex;
    this.#table = table;
    this.#iterations = iterations;
    this.#verifyPassword =
      options.verifyPassword ?? ((password, encoded) => verifyDjangoPassword(password, encoded, { iterations }));
    this.#updateLastLogin = pgStatement(`update ${quoteTable(table)} set last_login = $2 where id = $1`);
    this.#dummyHash = `pbkdf2_sha256$${iterations}$dummysaltdummysalt0000$${Buffer.alloc(32).toString('base64')}`;
    this.#byIds = pgStatement(`select * from ${quoteTable(table)} where id = any($1::integer[])`);
    this.#findById = batchedStatement('KnexUserStore', 'lookupBatching', options.lookupBatching, {
      one: (id) => this.#selectOneById(id),
      many: (ids) => this.#selectByIds(ids),
    });
  }

  /**
   * The user whose login name (the `usernameField` column) and password match, or null. Inactive users are returned: the
   * authentication rule decides about them. A hash this module cannot read (another Django
   * hasher, an unusable password) counts as a wrong password, at the same cost.
   *
   * @example
   * await users.authenticate({ username: 'alice', password: 'wrong' }); // null
   */
  async authenticate(credentials: Credentials): Promise<DjangoUser | null> {
    const { username, password } = credentials;
    const row = isStorableText(username) ? await this.#selectOnly(this.usernameField, username) : undefined;
    if (row === undefined) {
      await this.#verifyPassword(password, this.#dummyHash);
      return null;
    }
    return (await this.#verifyPassword(password, row.password)) ? toUser(row) : null;
  }

  /** Rejects, naming the fix, when the table is missing or the database cannot be reached (`jwt.ready()`). */
  async ready(): Promise<void> {
    await checkTables(this.#knex, 'KnexUserStore', [this.#table]);
  }

  /**
   * The user whose `field` (an {@link AuthUser} property such as `'id'` or `'username'`) equals
   * `value`, or null. A value several users share (an e-mail address: Django does not make
   * `auth_user.email` unique) identifies none of them, as Simple JWT refuses it
   * (`MultipleObjectsReturned`): the token must not authenticate as whichever row comes first.
   *
   * @throws TypeError when `field` is not a column of the table (a configuration error).
   * @example
   * await users.findUser('id', '42');
   * await users.findUser('id', 'abc'); // null, no query
   */
  async findUser(field: string, value: string): Promise<DjangoUser | null> {
    const spec = Object.hasOwn(COLUMNS, field) ? COLUMNS[field] : undefined;
    if (spec === undefined) {
      throw new TypeError(
        `KnexUserStore: cannot look users up by "${field}"; known fields: ${Object.keys(COLUMNS).join(', ')}`,
      );
    }
    const parsed = parseValue(spec.kind, value);
    if (parsed === undefined) return null;
    // The primary key matches at most one row; any other column is checked for a second match.
    const row = spec.column === 'id' ? await this.#selectById(parsed as number) : await this.#selectOnly(spec.column, parsed);
    return row === undefined ? null : toUser(row);
  }

  /**
   * Records a successful login in `last_login` (the user object is not modified).
   *
   * @example
   * await users.updateLastLogin(user, clock.now());
   */
  async updateLastLogin(user: AuthUser, at: Date): Promise<void> {
    await this.#run(() => runStatement(this.#knex, this.#updateLastLogin, [user.id, at]));
  }

  /**
   * Admin helper: inserts a user with a freshly hashed password (this store's iteration count).
   *
   * @throws UserExistsError when the username is taken.
   * @throws TypeError when `username` or `password` is empty.
   * @example
   * await users.createUser({ username: 'alice', password: 's3cret', isStaff: true });
   */
  async createUser(user: NewUser): Promise<DjangoUser> {
    if (typeof user.username !== 'string' || user.username === '') {
      throw new TypeError('createUser: "username" must be a non-empty string');
    }
    if (typeof user.password !== 'string' || user.password === '') {
      throw new TypeError('createUser: "password" must be a non-empty string');
    }
    const password = await makeDjangoPassword(user.password, { iterations: this.#iterations });
    const rows = await this.#run(() =>
      this.#knex(this.#table)
        .insert({
          username: user.username,
          password,
          email: user.email ?? '',
          is_active: user.isActive ?? true,
          is_staff: user.isStaff ?? false,
          is_superuser: user.isSuperuser ?? false,
          // Set explicitly: a table made by Django has no database default for these columns.
          first_name: '',
          last_name: '',
          date_joined: new Date(),
        })
        // One statement, so two concurrent creations cannot both pass an existence check.
        .onConflict('username')
        .ignore()
        .returning('*') as Promise<UserRow[]>,
    );
    const row = rows[0];
    if (row === undefined) throw new UserExistsError(user.username);
    return toUser(row);
  }

  /**
   * Admin helper: activates or deactivates a user. Resolves false when no such user exists.
   *
   * @example
   * await users.setActive('alice', false); // true
   */
  async setActive(username: string, active: boolean): Promise<boolean> {
    if (!isStorableText(username)) return false;
    const count = await this.#run(() =>
      this.#knex(this.#table).where('username', username).update({ is_active: active }),
    );
    return count > 0;
  }

  /** The one row whose `column` equals `value`; undefined when none or several match. */
  async #selectOnly(column: string, value: unknown): Promise<UserRow | undefined> {
    const { rows } = await this.#run(() => runStatement<UserRow>(this.#knex, this.#select(column, 2), [value]));
    return rows.length === 1 ? rows[0] : undefined;
  }

  async #selectById(id: number): Promise<UserRow | undefined> {
    return this.#run(() => this.#findById(id));
  }

  async #selectOneById(id: number): Promise<UserRow | undefined> {
    const { rows } = await runStatement<UserRow>(this.#knex, this.#select('id', 1), [id]);
    return rows[0];
  }

  /** Several lookups by id in one `= any(...)` statement (see `lookupBatching`). */
  async #selectByIds(ids: number[]): Promise<Array<UserRow | undefined>> {
    const { rows } = await runStatement<UserRow>(this.#knex, this.#byIds, [ids]);
    const byId = new Map(rows.map((row) => [String(row.id), row]));
    return ids.map((id) => byId.get(String(id)));
  }

  /** The named lookup by `column` (one of {@link COLUMNS}), made once per column. */
  #select(column: string, limit: 1 | 2): PgStatement {
    const key = `${column}:${limit}`;
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      statement = pgStatement(`select * from ${quoteTable(this.#table)} where ${pg.escapeIdentifier(column)} = $1 limit ${limit}`);
      this.#statements.set(key, statement);
    }
    return statement;
  }

  /** The single place where database errors become 503s. */
  async #run<T>(query: () => PromiseLike<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new ServiceUnavailableError(withMigrationHint(error));
    }
  }
}

/** The user, its password hash hidden from serialization (see hidePasswordHash). */
function toUser(row: UserRow): DjangoUser {
  return hidePasswordHash({
    id: row.id,
    username: row.username,
    isActive: row.is_active,
    password: row.password,
    lastLogin: row.last_login,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    isStaff: row.is_staff,
    isSuperuser: row.is_superuser,
    dateJoined: row.date_joined,
  });
}

/** PostgreSQL text cannot hold NUL, so such a value matches nobody; sending it would be an error. */
function isStorableText(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\u0000');
}

/**
 * The value to compare with, or undefined when `value` cannot equal any row's value: asking
 * PostgreSQL would fail with a cast error, which must not look like an outage.
 */
function parseValue(kind: ColumnKind, value: string): string | number | boolean | Date | undefined {
  if (typeof value !== 'string') return undefined;
  switch (kind) {
    case 'integer': {
      if (!/^-?[0-9]{1,10}$/.test(value)) return undefined;
      const id = Number(value);
      return Math.abs(id) <= INT4_MAX ? id : undefined;
    }
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : undefined;
    case 'timestamp': {
      const at = new Date(value);
      return Number.isNaN(at.getTime()) ? undefined : at;
    }
    case 'text':
      return isStorableText(value) ? value : undefined;
  }
}
