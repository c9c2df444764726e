/**
 * Example values for the OpenAPI document, shared by the controllers' decorators (tsoa reads a
 * `const` through its identifier). The tokens are real HS256 JWTs signed with an example key, so
 * a reader can paste one into a JWT decoder and see the claims Simple JWT puts in each type.
 */

/** A refresh token: `token_type` "refresh", one day long, `user_id` "1". */
export const EXAMPLE_REFRESH_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc2NzM1NTIwMCwiaWF0IjoxNzY3MjY4ODAwLCJqdGkiOiI4ZjNiMmMxZDllMGE0YjdjOGQ2ZTVmNGEzYjJjMWQwZSIsInVzZXJfaWQiOiIxIn0.ceAZSQekHY19OTZGmEwCXBVVBbY3ncSSyRndnb9ur_E';
/** An access token: `token_type` "access", five minutes long. */
export const EXAMPLE_ACCESS_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzY3MjY5MTAwLCJpYXQiOjE3NjcyNjg4MDAsImp0aSI6IjFhMmIzYzRkNWU2ZjQ3YThiOWMwZDFlMmYzYTRiNWM2IiwidXNlcl9pZCI6IjEifQ.ttVJVNGfEregctHnHErOx9gbLA_Ktu8Sz73JwdYelIY';
/** The access token a refresh returns five minutes later. */
export const EXAMPLE_REFRESHED_ACCESS_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzY3MjY5NDAwLCJpYXQiOjE3NjcyNjkxMDAsImp0aSI6IjljOGI3YTZmNWU0ZDQzYzJiMWEwZjllOGQ3YzZiNWE0IiwidXNlcl9pZCI6IjEifQ.BTzNX5bdoATodXlJwlKSr2YTkBYN4Vg9XQl_UKlCeI4';
/** The refresh token a rotating refresh returns: a new `jti`, `iat` and `exp`. */
export const EXAMPLE_ROTATED_REFRESH_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc2NzM1NTUwMCwiaWF0IjoxNzY3MjY5MTAwLCJqdGkiOiI0ZDVlNmY3MDgxOTJhM2I0YzVkNmU3ZjgwOTFhMmIzYyIsInVzZXJfaWQiOiIxIn0.IgAxxeTyq1Yca2LljS4jT7c_TEk0Ikp0AYzU2cOXedI';
/** A sliding token: `token_type` "sliding", `exp` in five minutes, `refresh_exp` in a day. */
export const EXAMPLE_SLIDING_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyIsImV4cCI6MTc2NzI2OTEwMCwiaWF0IjoxNzY3MjY4ODAwLCJqdGkiOiIwZjFlMmQzYzRiNWE0OTY4Nzc2NjU1NDQzMzIyMTEwMCIsInJlZnJlc2hfZXhwIjoxNzY3MzU1MjAwLCJ1c2VyX2lkIjoiMSJ9.Mc7z-WGFcMgK-3QpB2ww4yPn2eeJqOQ6hV6rVBtPeeo';
/** The same sliding token renewed: same `jti` and `refresh_exp`, new `exp` and `iat`. */
export const EXAMPLE_RENEWED_SLIDING_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoic2xpZGluZyIsImV4cCI6MTc2NzI2OTQwMCwiaWF0IjoxNzY3MjY5MTAwLCJqdGkiOiIwZjFlMmQzYzRiNWE0OTY4Nzc2NjU1NDQzMzIyMTEwMCIsInJlZnJlc2hfZXhwIjoxNzY3MzU1MjAwLCJ1c2VyX2lkIjoiMSJ9.XSL-PiE4pNMBLFi4GMy_EEk82dcN97s7dL8lOhmygkA';

/** 415 body for a `text/plain` request. */
export const EXAMPLE_UNSUPPORTED_MEDIA_TYPE = { detail: 'Unsupported media type "text/plain" in request.' };
/** 503 body when a store's database fails. */
export const EXAMPLE_SERVICE_UNAVAILABLE = { detail: 'Service temporarily unavailable, try again later.', code: 'service_unavailable' };
/** 413 body for a body over 2.5 MB. */
export const EXAMPLE_REQUEST_TOO_LARGE = { detail: 'Request body exceeded 2621440 bytes.' };
/** 500 body for an unexpected failure (a throwing hook, a bug): generic, the cause is logged. */
export const EXAMPLE_SERVER_ERROR = { detail: 'A server error occurred.', code: 'server_error' };
/** 400 body for a body that is not JSON. */
export const EXAMPLE_PARSE_ERROR = { detail: 'JSON parse error - Unexpected end of JSON input' };
/** 400 body for a JSON body that is not an object. */
export const EXAMPLE_NOT_A_DICTIONARY = { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] };

export const EXAMPLE_THROTTLED = { detail: 'Request was throttled. Expected available in 60 seconds.' };
