import { attachInstance } from './instance-context.js';
import type { Context, Middleware, Next } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';

/**
 * `jwt.middleware()` with a `keyResolver`: resolves the request's tenant and attaches that
 * tenant's instance, which the token routes, `@Security` and `jwksRoute` then use.
 *
 * @example
 * // built by createSimpleJwt; not called directly
 * app.use(tenantMiddleware(createErrorMiddleware('Bearer', 'owned'), tenants, () => undefined));
 */
export function tenantMiddleware(
  errors: Middleware,
  tenants: { instanceFor(ctx: unknown): Promise<SimpleJwt> },
  prepare: (ctx: Context) => void,
): Middleware {
  return async function simpleJwtTenant(ctx: Context, next: Next) {
    // Outside our error middleware: the resolver's own errors (an unknown tenant) are the app's to
    // render, and a tenant's bad key configuration is a 500 on the app's error event.
    attachInstance(ctx, await tenants.instanceFor(ctx));
    prepare(ctx);
    return errors(ctx, next);
  };
}
