import { AccountError, SettingsError } from '../errors.js';
import { RefreshToken } from '../tokens/refresh-token.js';
import { tokenForUser } from '../tokens/token.js';
import type { TokenClass, Token } from '../tokens/token.js';
import { outstandingRecord } from './outstanding-record.js';
import type { ServiceContext } from './service-context.js';
import type { AuthUser, Credentials } from '../stores/user-store.js';
import { admitLogin, settleLogin } from '../throttle/login-throttle.js';
import { jtiOf, startFamily } from '../families/family-rotation.js';
import type { ClientInfo } from '../families/family-store.js';

export const NO_ACTIVE_ACCOUNT = 'No active account found with the given credentials';

/** The 200 body of `POST /token`, in Simple JWT's key order. */
export interface TokenPair {
  refresh: string;
  access: string;
}

/**
 * Checks credentials the way Simple JWT's `TokenObtainSerializer` does, after the login throttle
 * has admitted the attempt (a 429 otherwise, before any password is hashed): the store authenticates,
 * the authentication rule must pass, otherwise `onLoginFailed` runs with the password masked and
 * the answer is 401 "No active account found with the given credentials" whatever the cause.
 * With `updateLastLogin`, `onLoginSuccess` (default: the store's `updateLastLogin`) runs after.
 */
export async function authenticateCredentials(
  context: ServiceContext,
  credentials: Credentials,
  request: unknown,
  clientAddress?: string,
): Promise<AuthUser> {
  const { settings, userStore } = context;
  if (!userStore) throw new SettingsError('userStore', 'the obtain endpoints need a user store');
  const throttle = settings.loginThrottle;
  const ticket = throttle ? await admitLogin(throttle, settings.clock, credentials.username, clientAddress) : undefined;
  const user = await userStore.authenticate(credentials);
  if (!user || !settings.userAuthenticationRule(user)) {
    if (settings.onLoginFailed) {
      // Keyed as Simple JWT's serializer keys them: the login name under USERNAME_FIELD.
      await settings.onLoginFailed({ [settings.usernameField]: credentials.username, password: '*'.repeat(20) }, request);
    }
    throw new AccountError('no_active_account', NO_ACTIVE_ACCOUNT);
  }
  if (throttle && ticket) await settleLogin(throttle, ticket);
  return user;
}

/** Runs Simple JWT's post-login step when `updateLastLogin` is on. */
export async function recordLogin(context: ServiceContext, user: AuthUser, request: unknown): Promise<void> {
  const { settings, userStore } = context;
  if (!settings.updateLastLogin) return;
  if (settings.onLoginSuccess) await settings.onLoginSuccess(user, request);
  else await userStore?.updateLastLogin(user, settings.clock.now());
}

/**
 * A token of `cls` for `user` with the deployment's extra claims (Simple JWT's `get_token`).
 */
export async function issueToken<T extends Token>(context: ServiceContext, cls: TokenClass<T>, user: AuthUser): Promise<T> {
  const { userStore, settings } = context;
  const token = tokenForUser(cls, context, user, userStore?.passwordFingerprint?.bind(userStore));
  if (settings.tokenClaims) Object.assign(token.payload, await settings.tokenClaims(user));
  return token;
}

/**
 * A token of `cls` for `user`, signed and, with a blacklist store, recorded as outstanding
 * (Simple JWT's `for_user` on the blacklist-aware classes). Access tokens are never recorded.
 */
export async function issueRecordedToken<T extends Token>(context: ServiceContext, cls: TokenClass<T>, user: AuthUser): Promise<{ token: T; signed: string }> {
  const token = await issueToken(context, cls, user);
  const signed = token.sign();
  const store = context.settings.blacklistStore;
  if (store && (cls as unknown as typeof Token).blacklistAware) await store.outstand(await outstandingRecord(context, token, signed, user));
  return { token, signed };
}

/**
 * `POST /token`: credentials in, `{refresh, access}` out. The access token is derived from the
 * refresh token, so it carries the same user id and custom claims.
 *
 * @example
 * const { refresh, access } = await obtainTokenPair(context, { username: 'alice', password: 's3cret' }, ctx, { ip: ctx.ip });
 */
export async function obtainTokenPair(context: ServiceContext, credentials: Credentials, request: unknown, client: ClientInfo = {}): Promise<TokenPair> {
  const user = await authenticateCredentials(context, credentials, request, client.ip);
  const pair = await issueTokenPair(context, user, client);
  await recordLogin(context, user, request);
  return pair;
}

/**
 * A recorded refresh token for `user` and its access token; with a family store the pair starts
 * a family (a session), remembering the client's user agent and a hash of its IP.
 */
export async function issueTokenPair(context: ServiceContext, user: AuthUser, client: ClientInfo = {}): Promise<TokenPair> {
  const { token: refresh, signed } = await issueRecordedToken(context, RefreshToken, user);
  const access = refresh.accessToken();
  await startFamily(context, refresh, signed, jtiOf(context, access), client);
  return { refresh: signed, access: access.sign() };
}
