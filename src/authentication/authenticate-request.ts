import { AuthenticationError, NotAuthenticatedError, PermissionDeniedError, TokenError } from '../errors.js';
import { decodeToken } from '../tokens/token.js';
import { passwordFingerprint } from '../tokens/password-fingerprint.js';
import { parseAuthorizationHeader } from './parse-authorization-header.js';
import { TokenUser } from './token-user.js';
import type { Token, TokenClass } from '../tokens/token.js';
import type { TokenClassFailure } from '../errors.js';
import type { ServiceContext } from '../services/service-context.js';
import type { AuthUser } from '../stores/user-store.js';

/** The outcome of a successful authentication: who, and by which validated token. */
export interface Authenticated<U = AuthUser | TokenUser> {
  user: U;
  token: Token;
}

/**
 * Simple JWT's `JWTAuthentication` pipeline for one tsoa security name: header → raw token →
 * validated token (the name's token classes, in order) → user → scopes.
 *
 * @param header the value of the configured header (settings.authHeaderName), if any
 * @throws NotAuthenticatedError, AuthenticationError (401), PermissionDeniedError (403);
 *   an Error for an unconfigured security name (a deployment bug, rendered as a 500)
 */
export async function authenticateRequest(
  context: ServiceContext,
  header: string | undefined,
  securityName: string,
  scopes: readonly string[] = [],
): Promise<Authenticated> {
  const { settings } = context;
  const classes = settings.authTokenClasses[securityName];
  if (!classes) {
    throw new Error(`koa-simple-jwt: security name "${securityName}" is not configured in authTokenClasses (known: ${Object.keys(settings.authTokenClasses).join(', ')})`);
  }
  const raw = parseAuthorizationHeader(header, settings.authHeaderTypes);
  if (raw === null) throw new NotAuthenticatedError();
  const token = await validateToken(context, raw, classes);
  const user = settings.statelessSecurityNames.includes(securityName)
    ? tokenUser(context, token)
    : await storedUser(context, token);
  checkScopes(token, settings.scopeClaim, scopes);
  return { user, token };
}

/**
 * Tries each class in order; the first that validates wins. When all fail, one 401 lists every
 * class's failure in order (Simple JWT's `get_validated_token`).
 */
export async function validateToken(context: ServiceContext, raw: string, classes: readonly TokenClass[]): Promise<Token> {
  const messages: TokenClassFailure[] = [];
  for (const cls of classes) {
    try {
      return await decodeToken(cls, context, raw);
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      messages.push({ token_class: cls.name, token_type: cls.tokenType, message: error.message });
    }
  }
  throw new AuthenticationError('token_not_valid', 'Given token not valid for any token type', messages);
}

/**
 * The user-id claim's value. Only an absent claim is refused here (Simple JWT checks
 * `USER_ID_CLAIM not in validated_token`); a present `null` or `""` is a value like any other, so
 * stateless names build a TokenUser from it and stateful names look it up (and find no one).
 */
function userIdClaim(context: ServiceContext, token: Token): unknown {
  const claim = context.settings.userIdClaim;
  if (!Object.hasOwn(token.payload, claim) || token.payload[claim] === undefined) {
    throw new AuthenticationError('token_not_valid', 'Token contained no recognizable user identification');
  }
  return token.payload[claim];
}

function tokenUser(context: ServiceContext, token: Token): TokenUser {
  userIdClaim(context, token);
  return new TokenUser(token, context.settings.userIdClaim);
}

/** Simple JWT's `get_user`: not found, inactive, password changed, in that order. */
async function storedUser(context: ServiceContext, token: Token): Promise<AuthUser> {
  const { settings, userStore } = context;
  const id = userIdClaim(context, token);
  if (!userStore) throw new Error('koa-simple-jwt: stateful authentication needs a userStore (or list the security name in statelessSecurityNames)');
  // Django's `get(id=None)` is `WHERE id IS NULL`, which finds no user; the store takes strings
  // only, so a null claim is "User not found" without a query.
  const user = id === null ? null : await userStore.findUser(settings.userIdField, String(id));
  if (!user) throw new AuthenticationError('user_not_found', 'User not found');
  if (settings.checkUserIsActive && !user.isActive) throw new AuthenticationError('user_inactive', 'User is inactive');
  if (settings.checkRevokeToken) {
    const fingerprint = (userStore.passwordFingerprint?.bind(userStore) ?? passwordFingerprint)(user);
    if (token.payload[settings.revokeTokenClaim] !== fingerprint) {
      throw new AuthenticationError('password_changed', "The user's password has been changed.");
    }
  }
  return user;
}

/** Every required scope must be granted by the scope claim (space-separated string or array); otherwise a 403. */
export function checkScopes(token: Token, claim: string, required: readonly string[]): void {
  if (required.length === 0) return;
  const value = token.payload[claim];
  const granted = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value.map(String) : [];
  if (!required.every((scope) => granted.includes(scope))) throw new PermissionDeniedError();
}
