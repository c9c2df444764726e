import { TokenError } from '../../errors.js';
import { ninjaInvalidInput, ninjaSchemaError } from './ninja-jwt-error.js';
import { NINJA_OBTAIN_PARAM, NINJA_TEXT, NINJA_USERNAME_MAX_LENGTH } from './ninja-jwt-profile.js';
import type { NinjaInput } from './ninja-jwt-profile.js';
import type { NinjaSchemaIssue } from './ninja-jwt-error.js';

/**
 * A JSON body as Ninja JWT's schemas read it: django-ninja answers a request without a body with
 * pydantic's "Field required" for the whole parameter (422); Ninja JWT's own check runs first on
 * an object body (400 with `"<field>": "... is required"` for a missing or falsy value, in
 * Python's sense); then pydantic checks types (422 `string_type`). Nothing is trimmed and
 * unknown keys are dropped. A body that is not an object has none of the fields (django-ninja
 * reads it through attribute access): 422 "Field required" for each.
 *
 * @returns the fields as given, all strings: an untyped input (verify, blacklist) with a truthy
 *   value that is not a string is a token error (401 "Token is invalid or expired"), because Ninja
 *   JWT hands it to the token decoder inside its validator
 * @example
 * readNinjaToken({ refresh: '' }, NINJA_TOKEN_INPUTS.refresh)
 * // throws 400 { detail: 'Invalid input.', code: 'invalid', refresh: 'token is required' }
 */
export function readNinjaToken(body: unknown, input: NinjaInput): Record<string, string> {
  if (body === undefined) throw ninjaSchemaError([missing(['body', input.param])]);
  if (!isObject(body)) throw ninjaSchemaError(input.fields.map((field) => missing(['body', input.param, field])));
  const values: Record<string, unknown> = {};
  for (const field of input.fields) {
    if (!isTruthy(body[field])) throw ninjaInvalidInput({ [field]: input.required[field] ?? `${field} is required` });
    values[field] = body[field];
  }
  if (!input.typed) {
    // Ninja JWT hands any truthy value to the token decoder, which refuses what is not a string.
    for (const field of input.fields) if (typeof values[field] !== 'string') throw new TokenError('Token is invalid');
  } else {
    const issues = input.fields.filter((field) => typeof values[field] !== 'string').map((field) => notAString(['body', input.param, field]));
    if (issues.length > 0) throw ninjaSchemaError(issues);
  }
  return values as Record<string, string>;
}

/**
 * The obtain endpoints' body (Ninja JWT's `TokenObtainInputSchemaBase` over the user model's
 * `USERNAME_FIELD` and `password`): both keys absent is one 400 naming both; then a falsy login
 * name, then a falsy password; then pydantic's 422 for a value that is not a string or a login
 * name over 150 characters (the `username` column's `max_length`).
 *
 * @example
 * readNinjaCredentials({ username: 'alice' }, 'username') // throws 400 { ..., password: 'password is required' }
 */
export function readNinjaCredentials(body: unknown, usernameField: string): { username: string; password: string } {
  const fields = ['password', usernameField];
  if (body === undefined) throw ninjaSchemaError([missing(['body', NINJA_OBTAIN_PARAM])]);
  if (!isObject(body)) throw ninjaSchemaError(fields.map((field) => missing(['body', NINJA_OBTAIN_PARAM, field])));
  const hasName = Object.hasOwn(body, usernameField);
  if (!hasName && !Object.hasOwn(body, 'password')) {
    throw ninjaInvalidInput({ [usernameField]: `${usernameField} is required`, password: 'password is required' });
  }
  const username = body[usernameField];
  const password = body.password;
  if (!isTruthy(username)) throw ninjaInvalidInput({ [usernameField]: `${usernameField} is required` });
  if (!isTruthy(password)) throw ninjaInvalidInput({ password: 'password is required' });
  const issues: NinjaSchemaIssue[] = [];
  if (typeof password !== 'string') issues.push(notAString(['body', NINJA_OBTAIN_PARAM, 'password']));
  if (typeof username !== 'string') issues.push(notAString(['body', NINJA_OBTAIN_PARAM, usernameField]));
  else if ([...username].length > NINJA_USERNAME_MAX_LENGTH) {
    issues.push({
      type: 'string_too_long',
      loc: ['body', NINJA_OBTAIN_PARAM, usernameField],
      msg: NINJA_TEXT.tooLong(NINJA_USERNAME_MAX_LENGTH),
      ctx: { max_length: NINJA_USERNAME_MAX_LENGTH },
    });
  }
  if (issues.length > 0) throw ninjaSchemaError(issues);
  return { username: username as string, password: password as string };
}

function missing(loc: string[]): NinjaSchemaIssue {
  return { type: 'missing', loc, msg: NINJA_TEXT.fieldRequired };
}

function notAString(loc: string[]): NinjaSchemaIssue {
  return { type: 'string_type', loc, msg: NINJA_TEXT.notAString };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Python's truthiness for a JSON value: `null`, `false`, `0`, `""`, `[]` and `{}` are falsy. */
function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}
