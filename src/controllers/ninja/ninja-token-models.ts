/**
 * Ninja JWT's request and answer bodies (django-ninja-jwt 5.4.5), for the `ninja-jwt` profile's
 * controllers and its OpenAPI document (`spec/ninja-jwt.json`).
 */
import type { TokenClassMessage } from '../token-models.js';

/** Credentials for `POST /token/pair` and `POST /token/sliding` (Ninja JWT's `TokenObtainPairInputSchema`). */
export interface NinjaTokenObtainRequest {
  /** The user's password, sent as is (not trimmed). @example "correct horse battery staple" */
  password: string;
  /** The user's login name (`USERNAME_FIELD`), sent as is, at most 150 characters. @example "alice" */
  username: string;
}

/** A new pair, with the login name echoed back (Ninja JWT's `TokenObtainPairOutputSchema`). */
export interface NinjaTokenPairResponse {
  /** The login name as it was sent. @example "alice" */
  username: string;
  /** A refresh token (type `refresh`), exchanged at `/token/refresh`. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln" */
  refresh: string;
  /** An access token (type `access`) for the `Authorization: Bearer` header. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2ln" */
  access: string;
}

/** A refresh token to exchange (`POST /token/refresh`) or blacklist (`POST /token/blacklist`). */
export interface NinjaTokenRefreshRequest {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln" */
  refresh: string;
}

/** Ninja JWT's `TokenRefreshOutputSchema`: `refresh` is always present. */
export interface NinjaTokenRefreshResponse {
  /** The new refresh token when rotating, otherwise the one that was sent. @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.c2ln" */
  refresh: string;
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIn0.c2ln" */
  access: string;
}

/** A new sliding token, with the login name echoed back (Ninja JWT's `TokenObtainSlidingOutputSchema`). */
export interface NinjaSlidingObtainResponse {
  /** The login name as it was sent. @example "alice" */
  username: string;
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyJ9.c2ln" */
  token: string;
}

/** A token: to renew (`POST /token/sliding/refresh`) or to check (`POST /token/verify`). */
export interface NinjaTokenRequest {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyJ9.c2ln" */
  token: string;
}

/** The renewed sliding token. */
export interface NinjaSlidingTokenResponse {
  /** @example "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyJ9.c2ln" */
  token: string;
}

/** Ninja JWT's empty answer (verify, blacklist). */
export interface NinjaEmptyResponse {}

/**
 * 400 from Ninja JWT's input check: `detail` and `code`, then each failing field with a plain
 * string (`"password": "password is required"`). Verify's blacklisted token is
 * `{"detail": "Token is blacklisted", "code": "invalid"}`.
 * @example {"detail": "Invalid input.", "code": "invalid", "username": "username is required", "password": "password is required"}
 */
export interface NinjaInvalidInputBody {
  /** @example "Invalid input." */
  detail: string;
  /** @example "invalid" */
  code: string;
  [field: string]: string;
}

/** Extra data of a 422 entry. */
export interface NinjaSchemaIssueContext {
  /** For `string_too_long`. @example 150 */
  max_length?: number;
}

/** One failure of django-ninja's (pydantic's) validation. */
export interface NinjaSchemaIssue {
  /** @example "string_type" */
  type: string;
  /** Where: `body`, the handler's parameter (`user_token`, `refresh_token`), the field. @example ["body", "user_token", "username"] */
  loc: (string | number)[];
  /** @example "Input should be a valid string" */
  msg: string;
  ctx?: NinjaSchemaIssueContext;
}

/**
 * 422: the body's shape was refused by django-ninja (no body, a field of the wrong type, a login
 * name too long).
 * @example {"detail": [{"type": "string_type", "loc": ["body", "refresh_token", "refresh"], "msg": "Input should be a valid string"}]}
 */
export interface NinjaSchemaErrorBody {
  detail: NinjaSchemaIssue[];
}

/**
 * 401: a refused token (`token_not_valid`; every signature or expiry failure is
 * "Token is invalid or expired"), or credentials that match no active account
 * (`authentication_failed`). There is no `WWW-Authenticate` header.
 */
export interface NinjaErrorBody {
  /** @example "Token is invalid or expired" */
  detail: string;
  /** @example "token_not_valid" */
  code: string;
}

/**
 * 401 from a route protected by a security name on the `ninja-jwt` profile (Ninja JWT's
 * `JWTAuth`): `{"detail": "Unauthorized"}` without a bearer token; otherwise `detail`, `code`
 * (`token_not_valid`, `authentication_failed`) and, for a refused token, `messages`.
 * @example {"detail": "Given token not valid for any token type", "code": "token_not_valid", "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token is invalid or expired"}]}
 */
export interface NinjaAuthenticationErrorBody {
  /** @example "Unauthorized" */
  detail: string;
  /** @example "token_not_valid" */
  code?: string;
  messages?: TokenClassMessage[];
}

/** 400 for a body that is not JSON, 413 for a body too large, 5xx generic errors. */
export interface NinjaDetailBody {
  /** @example "Cannot parse request body" */
  detail: string;
  /** `service_unavailable` (503) or `server_error` (500). @example "service_unavailable" */
  code?: string;
}
