/**
 * Ninja JWT's wire (django-ninja-jwt 5.4.5 on django-ninja-extra) as data: its controllers and
 * their paths, the parameter names that appear in its 422 `loc`, the "is required" texts of its
 * 400 bodies, and the table that turns our token messages into its messages. The renderer
 * (`render-ninja-error.ts`) and the input rules (`read-ninja-fields.ts`) read this table; services
 * never see it.
 */

/** The name `jwt.routes({ profile })` and `securityProfiles` take for this wire. */
export const NINJA_JWT_PROFILE = 'ninja-jwt';

/** Ninja JWT's controllers: `NinjaJWTDefaultController`, `NinjaJWTSlidingController`, `TokenBlackListController`. */
export type NinjaController = 'default' | 'sliding' | 'blacklist';

/** Every controller name, for validating options. */
export const NINJA_CONTROLLERS: readonly NinjaController[] = ['default', 'sliding', 'blacklist'];

/** The generated paths (tsoa's, before the mount prefix) each Ninja controller mounts. */
export const NINJA_CONTROLLER_PATHS: Readonly<Record<NinjaController, readonly string[]>> = {
  default: ['/token/pair', '/token/refresh', '/token/verify'],
  sliding: ['/token/sliding', '/token/sliding/refresh', '/token/verify'],
  blacklist: ['/token/blacklist'],
};

/**
 * One endpoint's input as Ninja JWT reads it: `param` is the handler's parameter name (the second
 * entry of a 422 `loc`), `required` the text of its 400 "is required" entry per field, and
 * `typed` whether a truthy value of the wrong type is pydantic's 422 (`refresh`, the obtain
 * fields) or reaches the token decoder and is a 401 (verify and blacklist decode inside their
 * validator).
 */
export interface NinjaInput {
  readonly param: string;
  readonly fields: readonly string[];
  readonly required: Readonly<Record<string, string>>;
  readonly typed: boolean;
}

/** The inputs of the endpoints that take one token. */
export const NINJA_TOKEN_INPUTS = {
  refresh: { param: 'refresh_token', fields: ['refresh'], required: { refresh: 'token is required' }, typed: true },
  slidingRefresh: { param: 'refresh_token', fields: ['token'], required: { token: 'token is required' }, typed: true },
  verify: { param: 'token', fields: ['token'], required: { token: 'token is required' }, typed: false },
  blacklist: { param: 'refresh', fields: ['refresh'], required: { refresh: 'refresh token is required' }, typed: false },
} as const satisfies Record<string, NinjaInput>;

/** The obtain endpoints' parameter name (`user_token`) and the login field's length limit (Django's `username` column). */
export const NINJA_OBTAIN_PARAM = 'user_token';
export const NINJA_USERNAME_MAX_LENGTH = 150;

/** Ninja JWT's message for each of our token messages that it words differently (PyJWT failures are one message). */
export const NINJA_TOKEN_MESSAGES: Readonly<Record<string, string>> = {
  'Token is invalid': 'Token is invalid or expired',
  'Token is expired': 'Token is invalid or expired',
};

/** The fixed texts of Ninja JWT's answers. */
export const NINJA_TEXT = {
  invalidInput: 'Invalid input.',
  unauthorized: 'Unauthorized',
  cannotParse: 'Cannot parse request body',
  methodNotAllowed: 'Method not allowed',
  fieldRequired: 'Field required',
  notAString: 'Input should be a valid string',
  tooLong: (max: number) => `String should have at most ${max} characters`,
  noActiveAccount: 'No active account found with the given credentials',
} as const;

/**
 * The `code` Ninja JWT sends for each of ours where it differs: django-ninja-extra's
 * `AuthenticationFailed` is `authentication_failed` for credentials and for a user that is gone
 * or inactive.
 */
export const NINJA_CODES: Readonly<Record<string, string>> = {
  no_active_account: 'authentication_failed',
  user_not_found: 'authentication_failed',
  user_inactive: 'authentication_failed',
};

/** The message Ninja JWT's wire gives for one of ours. */
export function ninjaMessage(message: string): string {
  return NINJA_TOKEN_MESSAGES[message] ?? message;
}
