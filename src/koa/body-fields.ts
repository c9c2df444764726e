import { readFields } from '../services/read-fields.js';
import type { Middleware } from 'koa';

/**
 * A tsoa `@Middlewares` step that applies DRF's field rules (exact 400 bodies, trimming, numbers
 * as strings, unknown keys dropped) before tsoa's own validation, and hands tsoa the clean body.
 *
 * @example
 * \@Middlewares(bodyFields('refresh'))
 */
export function bodyFields(...fields: string[]): Middleware {
  return async function drfFields(ctx, next) {
    ctx.request.body = readFields(ctx.request.body, fields);
    await next();
  };
}
