import { AccountError, SettingsError } from '../errors.js';
import { passwordFingerprint } from '../tokens/password-fingerprint.js';
import { userLookupValue } from '../authentication/user-lookup-value.js';
import type { Token } from '../tokens/token.js';
import type { ServiceContext } from './service-context.js';
import type { AuthUser } from '../stores/user-store.js';

/** The body Simple JWT's refresh serializers send for a deleted or refused user. */
export const NO_ACTIVE_ACCOUNT_FOR_TOKEN = 'No active account found for the given token.';
export const PASSWORD_CHANGED = "The user's password has been changed.";

/**
 * The user checks Simple JWT's main branch runs when a refresh or sliding token is exchanged:
 * a token with a user claim must name an existing user who passes the authentication rule and,
 * with checkRevokeToken, whose password fingerprint still matches. A token whose user claim is
 * absent or falsy in Python's sense (`null`, `""`, `0`, `false`, `[]`, `{}`) skips every check:
 * Simple JWT tests `if user_id and ...` (its tests rely on a token without the claim passing).
 *
 * `onPasswordChanged` runs before the 401 (the blacklist blacklists the token there).
 */
export async function checkTokenUser(
  context: ServiceContext,
  token: Token,
  onPasswordChanged?: () => Promise<void>,
): Promise<AuthUser | null> {
  const { settings, userStore } = context;
  const userId = token.payload[settings.userIdClaim];
  if (!isTruthy(userId)) return null;
  if (!userStore) throw new SettingsError('userStore', 'refreshing a token that names a user needs a user store');
  // A truthy claim no user can have (`["1"]`, `{"a": 1}`, `true`) names no account (Simple JWT's
  // lookup raises there: a 500).
  const value = userLookupValue(userId);
  const user = value === undefined ? null : await userStore.findUser(settings.userIdField, value);
  if (!user || !settings.userAuthenticationRule(user)) {
    throw new AccountError('no_active_account', NO_ACTIVE_ACCOUNT_FOR_TOKEN);
  }
  if (settings.checkRevokeToken) {
    const fingerprint = (userStore.passwordFingerprint?.bind(userStore) ?? passwordFingerprint)(user);
    if (token.payload[settings.revokeTokenClaim] !== fingerprint) {
      if (onPasswordChanged) await onPasswordChanged();
      throw new AccountError('password_changed', PASSWORD_CHANGED);
    }
  }
  return user;
}

/** Python's truthiness for a JSON value: empty arrays and objects are falsy too. */
function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}
