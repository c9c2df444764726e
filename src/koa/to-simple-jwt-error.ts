import { ValidateError } from '@tsoa/runtime';
import {
  InternalError,
  MethodNotAllowedError,
  ParseError,
  SimpleJwtError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../errors.js';

/**
 * Maps anything thrown while serving a request to one of our coded errors: ours pass through;
 * tsoa's ValidateError becomes DRF field errors; body-parser and router HTTP errors become DRF's
 * parse, media type and method bodies; everything else is a generic 500 (the original kept as
 * `cause`, for the log only).
 */
export function toSimpleJwtError(error: unknown, method: string): SimpleJwtError {
  if (error instanceof SimpleJwtError) return error;
  if (error instanceof ValidateError) return new ValidationError(validateErrorFields(error));
  const http = error as { status?: unknown; type?: unknown; message?: unknown; headers?: Record<string, string> } | null;
  if (http && typeof http === 'object' && typeof http.status === 'number') {
    if (http.status === 400 && http.type === 'entity.parse.failed') return new ParseError(String(http.message));
    if (http.status === 405) return new MethodNotAllowedError(method, allowHeader(http.headers));
    if (http.status === 415) return new UnsupportedMediaTypeError(String(http.message));
  }
  return new InternalError(error);
}

/** tsoa keys fields as `body.password` or `requestBody.password`; DRF keys them `password`. */
function validateErrorFields(error: ValidateError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(error.fields)) {
    const name = key.replace(/^(body|requestBody)\.?/, '') || 'non_field_errors';
    (fields[name] ??= []).push(value.message);
  }
  return fields;
}

function allowHeader(headers: Record<string, string> | undefined): string[] {
  const allow = headers?.Allow ?? headers?.allow;
  return allow ? allow.split(/,\s*/) : ['POST', 'OPTIONS'];
}
