/** Example bodies of the `ninja-jwt` profile's OpenAPI document (tsoa reads a `const` through its identifier). */

/** 400 for a body that is not JSON (django-ninja's `HttpError`). */
export const NINJA_EXAMPLE_CANNOT_PARSE = { detail: 'Cannot parse request body' };
/** 422 for a request without a body, on the obtain endpoints. */
export const NINJA_EXAMPLE_NO_CREDENTIALS = { detail: [{ type: 'missing', loc: ['body', 'user_token'], msg: 'Field required' }] };
/** 422 for a login name that is not a string. */
export const NINJA_EXAMPLE_USERNAME_TYPE = { detail: [{ type: 'string_type', loc: ['body', 'user_token', 'username'], msg: 'Input should be a valid string' }] };
/** 422 for a refresh token that is not a string. */
export const NINJA_EXAMPLE_REFRESH_TYPE = { detail: [{ type: 'string_type', loc: ['body', 'refresh_token', 'refresh'], msg: 'Input should be a valid string' }] };
/** 422 for a sliding token that is not a string. */
export const NINJA_EXAMPLE_SLIDING_TYPE = { detail: [{ type: 'string_type', loc: ['body', 'refresh_token', 'token'], msg: 'Input should be a valid string' }] };
/** 422 for a verify request without a body. */
export const NINJA_EXAMPLE_NO_TOKEN = { detail: [{ type: 'missing', loc: ['body', 'token'], msg: 'Field required' }] };
/** 422 for a blacklist request without a body. */
export const NINJA_EXAMPLE_NO_REFRESH = { detail: [{ type: 'missing', loc: ['body', 'refresh'], msg: 'Field required' }] };
/** 401 for credentials that match no active account. */
export const NINJA_EXAMPLE_NO_ACCOUNT = { detail: 'No active account found with the given credentials', code: 'authentication_failed' };
/** 401 for a token whose signature or expiry fails. */
export const NINJA_EXAMPLE_INVALID_TOKEN = { detail: 'Token is invalid or expired', code: 'token_not_valid' };
/** 401 for a blacklisted token. */
export const NINJA_EXAMPLE_BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
/** 401 for a token of another type. */
export const NINJA_EXAMPLE_WRONG_TYPE = { detail: 'Token has wrong type', code: 'token_not_valid' };
