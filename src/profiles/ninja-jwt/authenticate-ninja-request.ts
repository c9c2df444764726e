import { AuthenticationError, NotAuthenticatedError } from '../../errors.js';
import { checkScopes, validateToken } from '../../authentication/authenticate-request.js';
import { TokenUser } from '../../authentication/token-user.js';
import type { Authenticated } from '../../authentication/authenticate-request.js';
import type { ServiceContext } from '../../services/service-context.js';
import type { Token } from '../../tokens/token.js';
import type { AuthUser } from '../../stores/user-store.js';

/**
 * django-ninja's `HttpBearer` reading of the header: split on single spaces; the first part must
 * be `bearer` in any case; the token is the rest re-joined (`Bearer` alone is an empty token,
 * which then fails as a token; `Bearer a b` is the token `a b`). No header, an empty one or
 * another scheme is `null` (django-ninja's 401 "Unauthorized").
 *
 * @example
 * parseNinjaBearer('bearer abc.def.ghi') // → 'abc.def.ghi'
 */
export function parseNinjaBearer(header: string | undefined): string | null {
  if (!header) return null;
  const parts = header.split(' ');
  if ((parts[0] ?? '').toLowerCase() !== 'bearer') return null;
  return parts.slice(1).join(' ');
}

/**
 * Ninja JWT's `JWTAuth` (or, for a name in `statelessSecurityNames`, `JWTTokenUserAuth`) for one
 * security name: the `Authorization` header read as django-ninja reads it, the name's token
 * classes tried in order, then the user: an absent user-id claim is a token error, an unknown
 * user is `user_not_found`, an inactive user `user_inactive` (always checked, as Ninja JWT has no
 * `CHECK_USER_IS_ACTIVE`); there is no password-change check. Scopes are checked as for the
 * default profile. The errors are the core's; `renderNinjaError` gives them Ninja JWT's bodies.
 *
 * @param header the `Authorization` header's value, if any
 */
export async function authenticateNinjaRequest(
  context: ServiceContext,
  header: string | undefined,
  securityName: string,
  scopes: readonly string[] = [],
): Promise<Authenticated> {
  const { settings, userStore } = context;
  const classes = settings.authTokenClasses[securityName];
  if (!classes) {
    throw new Error(`koa-simple-jwt: security name "${securityName}" is not configured in authTokenClasses (known: ${Object.keys(settings.authTokenClasses).join(', ')})`);
  }
  const raw = parseNinjaBearer(header);
  if (raw === null) throw new NotAuthenticatedError();
  const token = await validateToken(context, raw, classes);
  const id = userId(token, settings.userIdClaim);
  let user: AuthUser | TokenUser;
  if (settings.statelessSecurityNames.includes(securityName)) {
    user = new TokenUser(token, settings.userIdClaim);
  } else {
    if (!userStore) throw new Error('koa-simple-jwt: stateful authentication needs a userStore (or list the security name in statelessSecurityNames)');
    const found = id === null ? null : await userStore.findUser(settings.userIdField, String(id));
    if (!found) throw new AuthenticationError('user_not_found', 'User not found');
    if (!found.isActive) throw new AuthenticationError('user_inactive', 'User is inactive');
    user = found;
  }
  checkScopes(token, settings.scopeClaim, scopes);
  return { user, token };
}

/** The user-id claim's value; an absent claim is Ninja JWT's `InvalidToken`. */
function userId(token: Token, claim: string): unknown {
  if (!Object.hasOwn(token.payload, claim) || token.payload[claim] === undefined) {
    throw new AuthenticationError('token_not_valid', 'Token contained no recognizable user identification');
  }
  return token.payload[claim];
}
