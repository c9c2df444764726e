/**
 * Every error this library produces on purpose, each with a stable `code`, an HTTP `status`, the
 * headers it needs and the exact wire body Simple JWT sends. Rendering happens in one place
 * (`koa/error-middleware.ts`); nothing else builds error bodies.
 */

/** Stable error codes. Token and authentication codes are Simple JWT's wire codes. */
export type ErrorCode =
  | 'token_not_valid'
  | 'authentication_failed'
  | 'not_authenticated'
  | 'bad_authorization_header'
  | 'user_not_found'
  | 'user_inactive'
  | 'password_changed'
  | 'no_active_account'
  | 'invalid'
  | 'parse_error'
  | 'unsupported_media_type'
  | 'request_too_large'
  | 'method_not_allowed'
  | 'not_found'
  | 'permission_denied'
  | 'csrf_failed'
  | 'throttled'
  | 'service_unavailable'
  | 'server_error';

/** One entry of the `messages` list of an authentication failure (Simple JWT's InvalidToken). */
export interface TokenClassFailure {
  token_class: string;
  token_type: string | null;
  message: string;
}

/** The value Koa needs: RFC 6750 §3 challenge, realm as Simple JWT sends it. */
export function bearerChallenge(headerType: string): string {
  return `${headerType} realm="api"`;
}

/** Base class: Koa-shaped (`status`, `expose`, `headers`) with a stable `code` and a wire `body`. */
export class SimpleJwtError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose = true;
  headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  /** Whether a 401 carries the `WWW-Authenticate` challenge (Ninja JWT's wire sends none). */
  readonly challenge: boolean = true;
  constructor(code: ErrorCode, status: number, message: string, body: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.headers = {};
    this.body = body;
  }
}

/**
 * A token failed a check (Simple JWT's TokenError). Carries only the message; endpoints render it
 * as `{"detail": message, "code": "token_not_valid"}` with status 401.
 */
export class TokenError extends SimpleJwtError {
  constructor(message: string) {
    super('token_not_valid', 401, message, { detail: message, code: 'token_not_valid' });
  }
}

/** The token's `exp` has passed: "Token is expired" (Simple JWT's ExpiredTokenError). */
export class ExpiredTokenError extends TokenError {
  constructor() {
    super('Token is expired');
  }
}

/**
 * 401 from the authentication pipeline, body `{"detail", "code"[, "messages"]}` (Simple JWT's
 * AuthenticationFailed / InvalidToken raised by JWTAuthentication).
 */
export class AuthenticationError extends SimpleJwtError {
  constructor(code: ErrorCode, detail: string, messages?: TokenClassFailure[]) {
    const body: Record<string, unknown> = { detail, code };
    if (messages) body.messages = messages;
    super(code, 401, detail, body);
  }
}

/** 401 "Authentication credentials were not provided." (DRF's NotAuthenticated). */
export class NotAuthenticatedError extends SimpleJwtError {
  constructor() {
    const detail = 'Authentication credentials were not provided.';
    super('not_authenticated', 401, detail, { detail });
  }
}

/**
 * 401 raised by the token views' serializers: `{"detail": message}` with no code key, as DRF's
 * default handler renders plain AuthenticationFailed. `code` stays available to callers.
 */
export class AccountError extends SimpleJwtError {
  constructor(code: 'no_active_account' | 'password_changed', detail: string) {
    super(code, 401, detail, { detail });
  }
}

/** 400 field errors: `{"field": ["message", ...]}` (DRF's ValidationError). */
export class ValidationError extends SimpleJwtError {
  readonly fields: Record<string, string[]>;
  constructor(fields: Record<string, string[]>) {
    super('invalid', 400, 'Invalid input.', fields);
    this.fields = fields;
  }
}

/**
 * 403: a valid token that lacks a required scope (DRF's PermissionDenied). The body is
 * `{"detail": ...}` with no code key, as DRF's default handler renders a plain DRF exception
 * (shape C); `code` stays available to callers.
 */
export class PermissionDeniedError extends SimpleJwtError {
  constructor() {
    const detail = 'You do not have permission to perform this action.';
    super('permission_denied', 403, detail, { detail });
  }
}

/**
 * 429: too many failed logins for this username or client address (DRF's Throttled): DRF's exact
 * body, `{"detail": "Request was throttled. Expected available in 5 seconds."}` (its singular for
 * 1), and `Retry-After` in whole seconds, both rounded up as DRF rounds them.
 */
export class ThrottledError extends SimpleJwtError {
  /** Whole seconds until the next attempt may be made. */
  readonly wait: number;
  constructor(waitSeconds: number) {
    const wait = Math.max(1, Math.ceil(waitSeconds));
    const detail = `Request was throttled. Expected available in ${wait} ${wait === 1 ? 'second' : 'seconds'}.`;
    super('throttled', 429, detail, { detail });
    this.wait = wait;
    this.headers = { 'Retry-After': String(wait) };
  }
}

/**
 * 403: a request that authenticates with the refresh cookie failed the CSRF checks (no CSRF
 * header, or an untrusted `Origin`). Shaped as DRF's `CSRF Failed: <reason>` PermissionDenied
 * body, `{"detail": ...}`.
 */
export class CsrfError extends SimpleJwtError {
  constructor(reason: string) {
    const detail = `CSRF Failed: ${reason}`;
    super('csrf_failed', 403, detail, { detail });
  }
}

/** 400 `{"detail": "JSON parse error - ..."}` (DRF's ParseError). */
export class ParseError extends SimpleJwtError {
  constructor(reason: string) {
    const detail = `JSON parse error - ${reason}`;
    super('parse_error', 400, detail, { detail });
  }
}

/**
 * 413: a request body over the limit the token endpoints read (2.5 MB, Django's
 * `DATA_UPLOAD_MAX_MEMORY_SIZE`). Django answers its own HTML 400 page there; we keep a JSON body.
 */
export class RequestTooLargeError extends SimpleJwtError {
  constructor(limitBytes: number) {
    const detail = `Request body exceeded ${limitBytes} bytes.`;
    super('request_too_large', 413, detail, { detail });
  }
}

/** 415 `{"detail": "Unsupported media type \"x\" in request."}`. */
export class UnsupportedMediaTypeError extends SimpleJwtError {
  constructor(mediaType: string) {
    const detail = `Unsupported media type "${mediaType}" in request.`;
    super('unsupported_media_type', 415, detail, { detail });
  }
}

/** 405 `{"detail": "Method \"GET\" not allowed."}`. */
export class MethodNotAllowedError extends SimpleJwtError {
  constructor(method: string, allowed: string[]) {
    const detail = `Method "${method}" not allowed.`;
    super('method_not_allowed', 405, detail, { detail });
    this.headers = { Allow: allowed.join(', ') };
  }
}

/** 404 `{"detail": "Not found."}` (DRF's NotFound): e.g. a session that is not the caller's. */
export class NotFoundError extends SimpleJwtError {
  constructor() {
    const detail = 'Not found.';
    super('not_found', 404, detail, { detail });
  }
}

/**
 * 503: a store (database) failed. The body is generic on purpose: the cause goes to the log via
 * `cause`, never to the client.
 */
export class ServiceUnavailableError extends SimpleJwtError {
  constructor(cause?: unknown) {
    const detail = 'Service temporarily unavailable, try again later.';
    super('service_unavailable', 503, detail, { detail, code: 'service_unavailable' });
    if (cause !== undefined) this.cause = cause;
  }
}

/** 500 with a generic body, for bugs. The original error is kept as `cause` for logging. */
export class InternalError extends SimpleJwtError {
  constructor(cause?: unknown) {
    const detail = 'A server error occurred.';
    super('server_error', 500, detail, { detail, code: 'server_error' });
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * A bad option given to `createSimpleJwt`: thrown at startup, never per request. Names the
 * setting (jose's convention: a bad option is a TypeError).
 */
export class SettingsError extends TypeError {
  readonly setting: string;
  /** The message without the setting's name, to re-raise under another name (`signingKeys[1]`). */
  readonly reason: string;
  constructor(setting: string, message: string) {
    super(`koa-simple-jwt: invalid setting "${setting}": ${message}`);
    this.name = 'SettingsError';
    this.setting = setting;
    this.reason = message;
  }
}
