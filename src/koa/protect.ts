import { InternalError, SettingsError, SimpleJwtError } from '../errors.js';
import { hidePasswordHash } from '../stores/user-store.js';
import { TokenUser } from '../authentication/token-user.js';
import { bearerChallenge } from '../errors.js';
import { renderSimpleJwtError } from './error-middleware.js';
import { renderNinjaError } from '../profiles/ninja-jwt/render-ninja-error.js';
import type { Context, Middleware } from 'koa';
import type { SimpleJwt } from '../create-simple-jwt.js';
import type { AuthUser } from '../stores/user-store.js';

/** A path rule of {@link ProtectOptions.unless}: an exact path, or a pattern tested on it. */
export type PathRule = string | RegExp;

/** Requests that `protect()` lets through without authentication (koa-jwt's `unless`). */
export interface UnlessOptions {
  /** Paths (`ctx.path`, exact string or RegExp) left open. */
  path?: PathRule | readonly PathRule[];
  /** Methods left open on every path, e.g. `['OPTIONS']` for CORS preflights. */
  method?: string | readonly string[];
  /** Any other rule: true leaves the request open. */
  custom?: (ctx: Context) => boolean;
}

/** Options of `jwt.protect()`. */
export interface ProtectOptions {
  /** Scopes the token must grant, every one (`scopeClaim`), as `@Security(name, scopes)`. */
  scopes?: readonly string[];
  /** Requests let through unauthenticated; `ctx.state.user` stays unset for them. */
  unless?: UnlessOptions | ((ctx: Context) => boolean);
}

/**
 * `jwt.protect(name, options)`: the `@Security(name, scopes)` pipeline as plain Koa middleware.
 * It puts the user on `ctx.state.user` and the validated token on `ctx.state.token`, and answers
 * its own failures with Simple JWT's bodies (401 with `WWW-Authenticate`, 403 for a missing
 * scope, 503 when a store is down, a generic 500 otherwise); what the rest of the app throws passes
 * through untouched. A security name that is not configured throws a SettingsError here, at
 * startup.
 */
export function createProtect(instance: SimpleJwt, securityName: string, options: ProtectOptions = {}): Middleware {
  const { settings } = instance;
  if (!Object.hasOwn(settings.authTokenClasses, securityName)) {
    throw new SettingsError('authTokenClasses', `protect("${securityName}"): the security name is not configured (known: ${Object.keys(settings.authTokenClasses).join(', ')})`);
  }
  const scopes = [...(options.scopes ?? [])];
  const open = unlessRule(options.unless);
  const challenge = bearerChallenge(settings.authHeaderTypes[0] ?? 'Bearer');
  // A security name on the Ninja JWT profile reads Authorization and answers in Ninja JWT's shape.
  const ninja = settings.securityProfiles[securityName] === 'ninja-jwt';
  const headerName = ninja ? 'authorization' : settings.authHeaderName;
  return async function protect(ctx, next) {
    if (open?.(ctx)) return next();
    const header = ctx.headers[headerName];
    let user: unknown;
    try {
      const authenticated = await instance.authenticate(Array.isArray(header) ? header[0] : header, securityName, scopes);
      user = authenticated.user;
      ctx.state.token = authenticated.token;
    } catch (thrown) {
      const error = thrown instanceof SimpleJwtError ? thrown : new InternalError(thrown);
      renderSimpleJwtError(ctx, ninja ? renderNinjaError(error, ctx.method) : error, challenge);
      return;
    }
    ctx.state.user = user instanceof TokenUser ? user : hidePasswordHash(user as AuthUser);
    return next();
  };
}

function unlessRule(unless: ProtectOptions['unless']): ((ctx: Context) => boolean) | undefined {
  if (unless === undefined) return undefined;
  if (typeof unless === 'function') return unless;
  const paths = unless.path === undefined ? [] : Array.isArray(unless.path) ? [...(unless.path as PathRule[])] : [unless.path as PathRule];
  for (const path of paths) {
    if (typeof path !== 'string' && !(path instanceof RegExp)) throw new TypeError('protect: unless.path must be strings or RegExps');
  }
  const methods = new Set((unless.method === undefined ? [] : typeof unless.method === 'string' ? [unless.method] : [...unless.method]).map((method) => method.toUpperCase()));
  const custom = unless.custom;
  return (ctx) =>
    methods.has(ctx.method) ||
    paths.some((path) => (typeof path === 'string' ? ctx.path === path : testPattern(path, ctx.path))) ||
    (custom !== undefined && custom(ctx));
}

/** A global or sticky RegExp keeps `lastIndex` between calls; test from the start every time. */
function testPattern(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(path);
}
