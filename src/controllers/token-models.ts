/** Credentials for `POST /token` (Simple JWT's `TokenObtainPairSerializer` input). */
export interface TokenObtainPairRequest {
  /** The user's username. Surrounding whitespace is trimmed. @example "alice" */
  username: string;
  /** The user's password. Surrounding whitespace is trimmed, as DRF does. @example "correct horse battery staple" */
  password: string;
}

/** A new access/refresh pair. */
export interface TokenPairResponse {
  /** A refresh token (type `refresh`), exchanged at `/token/refresh`. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln" */
  refresh: string;
  /** An access token (type `access`) for the `Authorization: Bearer` header. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2ln" */
  access: string;
}

/** A refresh token to exchange (`POST /token/refresh`). */
export interface TokenRefreshRequest {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln" */
  refresh: string;
}

/** A new access token, plus a new refresh token when rotation is on. */
export interface TokenRefreshResponse {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2ln" */
  access: string;
  /** Present only when `rotateRefreshTokens` is on: the new refresh token to keep. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln" */
  refresh?: string;
}

/** A token of any type to check (`POST /token/verify`). */
export interface TokenVerifyRequest {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2ln" */
  token: string;
}

/** Simple JWT's empty success body. */
export interface EmptyResponse {}

/**
 * 400: one list of messages per invalid field, e.g. `{"password": ["This field is required."]}`;
 * errors about the body as a whole are listed under `non_field_errors` (DRF's name).
 * @example {"username": ["This field may not be blank."], "password": ["This field is required."]}
 */
export interface FieldErrors {
  [field: string]: string[];
}

/** One token class's reason for refusing a token. */
export interface TokenClassMessage {
  /** @example "AccessToken" */
  token_class: string;
  /** @example "access" */
  token_type: string | null;
  /** @example "Token has wrong type" */
  message: string;
}

/** 401 for a token that failed (Simple JWT's `InvalidToken`). */
export interface TokenErrorBody {
  /** @example "Token is invalid" */
  detail: string;
  /** Always `token_not_valid` for a refused token. @example "token_not_valid" */
  code: string;
  /** Authentication failures list why each accepted token class refused the token. */
  messages?: TokenClassMessage[];
}

/** 401 for credentials or an account that cannot obtain tokens; Simple JWT sends no `code` here. */
export interface AccountErrorBody {
  /** @example "No active account found with the given credentials" */
  detail: string;
}

/** 400 for a body that is not JSON, 413 for a body too large, 415 for an unsupported media type, 5xx generic errors. */
export interface DetailErrorBody {
  /** @example "JSON parse error - Unexpected token" */
  detail: string;
  /** `service_unavailable` (503) or `server_error` (500); absent on 400, 413 and 415. @example "service_unavailable" */
  code?: string;
}

/**
 * 401 from a route protected with `@Security`: without `code` when no credentials were sent
 * (`Authentication credentials were not provided.`); otherwise with `code` (`token_not_valid`,
 * `bad_authorization_header`, `user_not_found`, `user_inactive`, `password_changed`) and, for a
 * refused token, `messages` listing why each accepted token class refused it. Declare it on your
 * own protected routes: `@Response<AuthenticationErrorBody>(401, 'Not authenticated')`.
 * @example {"detail": "Given token not valid for any token type", "code": "token_not_valid", "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token is expired"}]}
 */
export interface AuthenticationErrorBody {
  /** @example "Authentication credentials were not provided." */
  detail: string;
  /** @example "token_not_valid" */
  code?: string;
  messages?: TokenClassMessage[];
}

/** A sliding token to renew (`POST /token/sliding/refresh`). */
export interface TokenRefreshSlidingRequest {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyJ9.c2ln" */
  token: string;
}

/** A sliding token: it authenticates until `exp` and can be renewed until `refresh_exp`. */
export interface SlidingTokenResponse {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyJ9.c2ln" */
  token: string;
}

/** One session: a login and the refresh tokens rotated from it (a family). */
export interface SessionResponse {
  /** The session (family) id. @example "3f6c2a9e1b8d4c7f9a0e5d2b1c4f8a6e" */
  id: string;
  /** When the login happened (ISO 8601). @example "2026-03-01T12:00:00.000Z" */
  created: string;
  /** When the session was last refreshed (ISO 8601; written at most once a minute). @example "2026-03-01T12:30:00.000Z" */
  lastUsed: string;
  /** The login's `User-Agent`. @example "Mozilla/5.0 (X11; Linux x86_64)" */
  userAgent: string | null;
  /** A pseudonym of the login's IP address (16 hex characters), to tell logins apart. @example "9b1f0c2d3e4a5b6c" */
  ipHash: string | null;
  /** The request's token belongs to this session. Known when the request sends the access token issued with the session's newest refresh token. */
  current: boolean;
}

/** What `POST /token/sessions/revoke-others` did. */
export interface RevokedSessionsResponse {
  /** How many sessions it revoked. @example 2 */
  revoked: number;
}
