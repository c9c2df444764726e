import {
  AccountError,
  AuthenticationError,
  MethodNotAllowedError,
  NotAuthenticatedError,
  ParseError,
  SimpleJwtError,
  TokenError,
  ValidationError,
} from '../../errors.js';
import { toSimpleJwtError } from '../../koa/to-simple-jwt-error.js';
import { NinjaJwtError } from './ninja-jwt-error.js';
import { NINJA_CODES, NINJA_TEXT, ninjaMessage } from './ninja-jwt-profile.js';
import type { TokenClassFailure } from '../../errors.js';

/**
 * Our coded error as Ninja JWT's wire answers it (the profile's one renderer; services raise the
 * same errors for both profiles):
 * - a token error: `{"detail": <Ninja's message>, "code": "token_not_valid"}` (401);
 * - bad credentials: `{"detail": ..., "code": "authentication_failed"}` (401);
 * - an authentication failure: the same keys as Simple JWT's, Ninja's codes and messages;
 *   no credentials at all is django-ninja's `{"detail": "Unauthorized"}`;
 * - verify's blacklisted token: `{"detail": "Token is blacklisted", "code": "invalid"}` (400);
 * - an unreadable body: `{"detail": "Cannot parse request body"}` (400); a wrong method: 405
 *   `{"detail": "Method not allowed"}` with `Allow`;
 * - anything else keeps its status and body (413, 403, 503, the generic 500).
 * No 401 carries `WWW-Authenticate`.
 *
 * @example
 * renderNinjaError(new TokenError('Token is expired'), 'POST').body
 * // → { detail: 'Token is invalid or expired', code: 'token_not_valid' }
 */
export function renderNinjaError(thrown: unknown, method: string): NinjaJwtError {
  if (thrown instanceof NinjaJwtError) return thrown;
  const error = toSimpleJwtError(thrown, method);
  const code = (NINJA_CODES[error.code] ?? error.code) as SimpleJwtError['code'];
  if (error instanceof TokenError) {
    return new NinjaJwtError(error.code, error.status, { detail: ninjaMessage(error.message), code: error.code }, error);
  }
  if (error instanceof AccountError) {
    const detail = error.code === 'no_active_account' ? NINJA_TEXT.noActiveAccount : error.message;
    return new NinjaJwtError(code, 401, { detail, code }, error);
  }
  if (error instanceof NotAuthenticatedError) return new NinjaJwtError(error.code, 401, { detail: NINJA_TEXT.unauthorized }, error);
  if (error instanceof AuthenticationError) {
    const body: Record<string, unknown> = { detail: error.message, code };
    const messages = error.body.messages as TokenClassFailure[] | undefined;
    if (messages) body.messages = messages.map((entry) => ({ ...entry, message: ninjaMessage(entry.message) }));
    return new NinjaJwtError(code, 401, body, error);
  }
  if (error instanceof ValidationError) {
    // Only verify's blacklist check reaches here (Ninja's own input rules answer directly):
    // Ninja JWT raises its ValidationError with a string, rendered as detail and code.
    const messages = Object.values(error.fields).flat();
    return new NinjaJwtError('invalid', 400, { detail: messages[0] ?? NINJA_TEXT.invalidInput, code: 'invalid' }, error);
  }
  if (error instanceof ParseError) return new NinjaJwtError(error.code, 400, { detail: NINJA_TEXT.cannotParse }, error);
  if (error instanceof MethodNotAllowedError) {
    const rendered = new NinjaJwtError(error.code, 405, { detail: NINJA_TEXT.methodNotAllowed }, error);
    rendered.headers = { Allow: error.headers.Allow ?? 'POST' };
    return rendered;
  }
  const rendered = new NinjaJwtError(error.code, error.status, error.body, error.cause ?? error);
  rendered.headers = { ...error.headers };
  return rendered;
}
