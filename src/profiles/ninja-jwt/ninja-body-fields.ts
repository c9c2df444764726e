import { instanceFrom } from '../../koa/instance-context.js';
import { readNinjaCredentials, readNinjaToken } from './read-ninja-fields.js';
import type { Middleware } from 'koa';
import type { NinjaInput } from './ninja-jwt-profile.js';

/**
 * A tsoa `@Middlewares` step that applies Ninja JWT's input rules (its 400 and 422 bodies) before
 * tsoa's own validation, and hands tsoa the fields.
 *
 * @example
 * \@Middlewares(ninjaTokenFields(NINJA_TOKEN_INPUTS.refresh))
 */
export function ninjaTokenFields(input: NinjaInput): Middleware {
  return async function ninjaFields(ctx, next) {
    ctx.request.body = readNinjaToken(ctx.request.body, input);
    await next();
  };
}

/**
 * {@link ninjaTokenFields} for the obtain endpoints: the login name is read from the serving
 * instance's `usernameField` (Django's `USERNAME_FIELD`) and handed to tsoa as `username`.
 *
 * @example
 * \@Middlewares(ninjaCredentialFields())
 */
export function ninjaCredentialFields(): Middleware {
  return async function ninjaCredentials(ctx, next) {
    ctx.request.body = readNinjaCredentials(ctx.request.body, instanceFrom(ctx).settings.usernameField);
    await next();
  };
}
