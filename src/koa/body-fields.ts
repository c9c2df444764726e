import { readFields } from '../services/read-fields.js';
import { instanceFrom } from './instance-context.js';
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

/**
 * {@link bodyFields} for the obtain endpoints: the login name is read from the serving instance's
 * `usernameField` (Django's `USERNAME_FIELD`, e.g. `email`), with DRF's 400 bodies keyed by it, and
 * handed to tsoa as `username`.
 *
 * @example
 * \@Middlewares(credentialFields())
 */
export function credentialFields(): Middleware {
  return async function drfCredentials(ctx, next) {
    const field = instanceFrom(ctx).settings.usernameField;
    const values = readFields(ctx.request.body, [field, 'password']);
    ctx.request.body = { username: values[field], password: values.password };
    await next();
  };
}
