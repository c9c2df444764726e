import { UnsupportedMediaTypeError } from '../errors.js';
import type { Middleware } from 'koa';

const ACCEPTED = ['application/json', 'application/x-www-form-urlencoded'];

/**
 * 415 for a body in a media type the token endpoints do not parse (DRF answers
 * `Unsupported media type "text/plain" in request.`). A request without a body is treated as `{}`.
 * JSON variants such as `application/vnd.api+json` count as JSON.
 */
export function contentTypeGuard(): Middleware {
  return async function unsupportedMediaType(ctx, next) {
    if (ctx.request.length || ctx.get('transfer-encoding')) {
      const type = ctx.request.type;
      if (type && !ACCEPTED.includes(type) && !type.endsWith('+json')) {
        throw new UnsupportedMediaTypeError(ctx.get('content-type'));
      }
    }
    await next();
  };
}
