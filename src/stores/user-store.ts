/**
 * A user as the token machinery sees it. Any user table plugs in through {@link UserStore}.
 *
 * `id` and every other property may be named by the `userIdField` setting; the value is always
 * written to tokens as a string (Simple JWT ≥ 5.5.1).
 */
export interface AuthUser {
  id: string | number;
  username: string;
  isActive: boolean;
  /** The stored password hash (never the password). Used for the checkRevokeToken fingerprint. */
  password?: string;
  lastLogin?: Date | null;
  [field: string]: unknown;
}

/** The credentials sent to the obtain endpoints, already validated and trimmed. */
export interface Credentials {
  username: string;
  password: string;
}

/**
 * Where users live. The default implementation is `KnexUserStore` over a Django `auth_user`
 * shaped table; implement this interface to plug in any other user source.
 *
 * Implementations must throw (not return null) when the store itself fails, so that a database
 * outage is a 5xx and never a 401.
 */
export interface UserStore {
  /**
   * The body field that carries the login name at the obtain endpoints, and its key in their 400
   * bodies: Django's `USERNAME_FIELD` (`'email'` for e-mail user models). Default `'username'`.
   * The value still reaches {@link authenticate} as `credentials.username`.
   */
  readonly usernameField?: string;
  /**
   * The user whose password matches, or null (unknown user or wrong password). Must not reject
   * inactive users: the authentication rule decides that (as Django's AllowAllUsersModelBackend
   * plus Simple JWT's rule). An unknown username should cost as much as a wrong password.
   */
  authenticate(credentials: Credentials): Promise<AuthUser | null>;
  /** The user whose `field` equals `value` (a string, as token claims are), or null. */
  findUser(field: string, value: string): Promise<AuthUser | null>;
  /** Records a successful login (Simple JWT's default ON_LOGIN_SUCCESS). */
  updateLastLogin(user: AuthUser, at: Date): Promise<void>;
  /**
   * The fingerprint of the user's current password for checkRevokeToken. When absent, the
   * uppercase hex MD5 of `user.password` is used, as Simple JWT does.
   */
  passwordFingerprint?(user: AuthUser): string;
  /**
   * Optional startup check (`jwt.ready()` calls it): rejects with an Error naming the fix when the
   * store cannot serve (its table is missing, the database is unreachable).
   */
  ready?(): Promise<void>;
}

/**
 * Makes `user.password` (the stored hash) non-enumerable, in place: `JSON.stringify(user)`, a
 * spread and `Object.keys` leave it out, so `ctx.body = ctx.state.user` cannot leak it, while code
 * that needs it (the checkRevokeToken fingerprint, a password check) still reads `user.password`.
 * A frozen user is copied first. Returns the user (or its copy).
 *
 * @example
 * JSON.stringify(hidePasswordHash({ id: 1, username: 'a', isActive: true, password: 'pbkdf2_sha256$...' }));
 * // '{"id":1,"username":"a","isActive":true}'
 */
export function hidePasswordHash<U extends AuthUser>(user: U): U {
  if (!Object.prototype.propertyIsEnumerable.call(user, 'password')) return user;
  const target = Object.isExtensible(user) && !Object.isFrozen(user) ? user : copyUser(user);
  Object.defineProperty(target, 'password', { value: user.password, enumerable: false, writable: true, configurable: true });
  return target;
}

/**
 * A shallow copy with the same prototype and the hidden password hash kept (hidden), so one
 * request's changes never reach another's user.
 */
export function copyUser<U extends AuthUser>(user: U): U {
  const prototype = Object.getPrototypeOf(user) as object | null;
  // The usual plain object: a spread is the cheapest copy.
  const copied = (prototype === Object.prototype ? { ...user } : Object.assign(Object.create(prototype) as U, user)) as U;
  if (!Object.prototype.propertyIsEnumerable.call(user, 'password') && Object.hasOwn(user, 'password')) {
    Object.defineProperty(copied, 'password', { value: user.password, enumerable: false, writable: true, configurable: true });
  }
  return copied;
}
