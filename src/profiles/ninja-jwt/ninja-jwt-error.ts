import { SimpleJwtError } from '../../errors.js';
import { NINJA_TEXT } from './ninja-jwt-profile.js';
import type { ErrorCode } from '../../errors.js';

/** One entry of a 422 body: pydantic's error as django-ninja sends it (`input` removed). */
export interface NinjaSchemaIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  ctx?: Record<string, unknown>;
}

/**
 * An error as Ninja JWT's wire answers it: the body is final, and a 401 carries no
 * `WWW-Authenticate` (django-ninja-extra's exception handler sets none). Built by
 * {@link renderNinjaError} from our coded errors, or directly by Ninja's input rules.
 */
export class NinjaJwtError extends SimpleJwtError {
  override readonly challenge = false;
  constructor(code: ErrorCode, status: number, body: Record<string, unknown>, cause?: unknown) {
    super(code, status, typeof body.detail === 'string' ? body.detail : NINJA_TEXT.invalidInput, body);
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * 400 from Ninja JWT's own input check (its `ValidationError`): `{"detail": "Invalid input.",
 * "code": "invalid", "<field>": "<field> is required"}`, values plain strings.
 */
export function ninjaInvalidInput(fields: Record<string, string>): NinjaJwtError {
  return new NinjaJwtError('invalid', 400, { detail: NINJA_TEXT.invalidInput, code: 'invalid', ...fields });
}

/** 422 from pydantic's validation of the body, django-ninja's `{"detail": [...]}`. */
export function ninjaSchemaError(issues: NinjaSchemaIssue[]): NinjaJwtError {
  return new NinjaJwtError('invalid', 422, { detail: issues });
}
