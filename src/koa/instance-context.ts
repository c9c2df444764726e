import type { Context } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';

/** Where the serving app's instance lives on a request: a symbol key, so nothing collides with it. */
const INSTANCE = Symbol.for('koa-simple-jwt.instance');

type WithInstance = Context & { [INSTANCE]?: SimpleJwt };

/** Puts `instance` on the request, for the tsoa authentication module and controllers. */
export function attachInstance(ctx: Context, instance: SimpleJwt): void {
  (ctx as WithInstance)[INSTANCE] = instance;
}

/**
 * The instance serving this request. Several apps with different settings can live in one
 * process: each request carries its own app's instance.
 */
export function instanceFrom(ctx: Context): SimpleJwt {
  const instance = (ctx as WithInstance)[INSTANCE];
  if (!instance) {
    throw new Error('koa-simple-jwt: no instance on this request; add app.use(jwt.middleware()) before the routes that use @Security');
  }
  return instance;
}

/** The instance serving this request, or undefined when none was attached. */
export function findInstance(ctx: Context): SimpleJwt | undefined {
  return (ctx as WithInstance)[INSTANCE];
}

/** The instance already on this request, if any (a tenant's, attached by `jwt.middleware()`). */
export function attachedInstance(ctx: Context): SimpleJwt | undefined {
  return (ctx as WithInstance)[INSTANCE];
}

/**
 * The instance that serves this request for `base`: `base` itself, or with a `keyResolver` the
 * request's tenant's instance (the one `jwt.middleware()` attached, else resolved now).
 */
export function servingInstance(ctx: Context, base: SimpleJwt): SimpleJwt | Promise<SimpleJwt> {
  if (base.settings.keyResolver === undefined) return base;
  const attached = attachedInstance(ctx);
  return attached !== undefined && attached !== base ? attached : base.forRequest(ctx);
}
