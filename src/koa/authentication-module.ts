import { InternalError, SimpleJwtError } from '../errors.js';
import { instanceFrom } from './instance-context.js';
import { hidePasswordHash } from '../stores/user-store.js';
import { TokenUser } from '../authentication/token-user.js';
import { renderNinjaError } from '../profiles/ninja-jwt/render-ninja-error.js';
import type { Request } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';

/**
 * The function tsoa calls for `@Security(name, scopes)` (name it in tsoa.json's
 * `authenticationModule`). It runs the serving app's authentication pipeline, puts the user on
 * `ctx.state.user` (tsoa puts the resolved value on `request.user`) and the validated token on
 * `ctx.state.token`.
 *
 * tsoa turns any rejection into `ctx.throw(err.status || 401, err.message)`, so an ordinary error
 * (a database outage, a bug) would leak its message as a 401: only our own coded errors pass
 * through, everything else becomes a generic 500 (stores already turn outages into 503s).
 *
 * @example
 * // src/authentication.ts in your tsoa project
 * export { koaAuthentication } from 'koa-simple-jwt';
 */
export async function koaAuthentication(request: Request, securityName: string, scopes: string[] = []): Promise<unknown> {
  let instance: SimpleJwt;
  try {
    instance = instanceFrom(request.ctx);
  } catch (error) {
    // A setup mistake (no `jwt.middleware()`), and no error middleware of ours to report it: say
    // why on the app's error event, where Koa logs it, and answer a generic 500.
    request.ctx.app.emit('error', error, request.ctx);
    throw new InternalError(error);
  }
  try {
    // Ninja JWT's JWTAuth reads Authorization whatever AUTH_HEADER_NAME says (it has no such setting).
    const ninja = instance.settings.securityProfiles[securityName] === 'ninja-jwt';
    const header = request.headers[ninja ? 'authorization' : instance.settings.authHeaderName];
    const { user, token } = await instance.authenticate(Array.isArray(header) ? header[0] : header, securityName, scopes);
    const shown = user instanceof TokenUser ? user : hidePasswordHash(user);
    request.ctx.state.user = shown;
    request.ctx.state.token = token;
    return shown;
  } catch (error) {
    if (error instanceof SimpleJwtError) {
      throw instance.settings.securityProfiles[securityName] === 'ninja-jwt' ? renderNinjaError(error, request.method) : error;
    }
    throw new InternalError(error);
  }
}
