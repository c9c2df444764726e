import { checkCsrf } from '../cookies/check-csrf.js';
import { clearRefreshCookie, setRefreshCookie } from '../cookies/set-cookie.js';
import { SimpleJwtError, ValidationError } from '../errors.js';
import { epochSeconds } from '../clock.js';
import type { Context, Middleware } from 'koa';
import type { Clock } from '../clock.js';
import type { RefreshCookieSettings } from '../cookies/refresh-cookie-settings.js';

/** What the cookie does on one token route. */
interface CookieRoute {
  /** The body field that holds the token. */
  field: 'refresh' | 'token';
  /** The token may come from the cookie when the body has none. */
  reads: boolean;
  /** A token in the 200 body is also set as the cookie. */
  writes: boolean;
  /** Log out: the cookie is cleared on 200 and on 401. */
  logout: boolean;
}

/** Paths relative to the mount prefix, without the optional trailing slash. */
const ROUTES: Readonly<Record<string, CookieRoute>> = {
  '/token': { field: 'refresh', reads: false, writes: true, logout: false },
  '/token/refresh': { field: 'refresh', reads: true, writes: true, logout: false },
  '/token/blacklist': { field: 'refresh', reads: true, writes: false, logout: true },
  '/token/sliding': { field: 'token', reads: false, writes: true, logout: false },
  '/token/sliding/refresh': { field: 'token', reads: true, writes: true, logout: false },
};

/**
 * The refresh cookie around the token routes (the services never see it): after the body is
 * parsed, a refresh or blacklist request without the token in its body takes it from the cookie,
 * once the CSRF rules pass (403 otherwise); a body token that differs from the cookie is a 400.
 * After the service answers, a refresh (or sliding) token in the body is set as the cookie, and
 * removed from the body with `refreshInBody: false` (a sliding token stays: it is also the access
 * token). Logging out clears the cookie; so does a 401 for a token that came from it.
 *
 * @example
 * router.use(drfBodyParser(), refreshCookieTransport(settings.refreshCookie, settings.clock, '/api'));
 */
export function refreshCookieTransport(cookie: RefreshCookieSettings, clock: Clock, prefix: string): Middleware {
  const cleared = clearRefreshCookie(cookie);
  return async function refreshCookie(ctx, next) {
    const route = ctx.method === 'POST' ? ROUTES[ctx.path.slice(prefix.length).replace(/(.)\/$/, '$1')] : undefined;
    if (!route) return next();
    const fromCookie = route.reads && takeTokenFromCookie(ctx, cookie, route.field);
    try {
      await next();
    } catch (error) {
      if (error instanceof SimpleJwtError && error.status === 401 && (fromCookie || route.logout)) {
        error.headers = { ...error.headers, 'Set-Cookie': cleared };
      }
      throw error;
    }
    if (ctx.status !== 200 || !isRecord(ctx.body)) return;
    if (route.logout) {
      ctx.append('Set-Cookie', cleared);
      return;
    }
    const token = ctx.body[route.field];
    if (!route.writes || typeof token !== 'string') return;
    ctx.append('Set-Cookie', setRefreshCookie(cookie, token, remainingSeconds(token, clock)));
    if (!cookie.refreshInBody && route.field === 'refresh') {
      const { refresh: _cookieOnly, ...rest } = ctx.body;
      ctx.body = rest;
    }
  };
}

/**
 * Puts the cookie's token in the body when the body has none (after the CSRF checks); refuses a
 * body token that contradicts the cookie. True when the token now comes from the cookie.
 */
function takeTokenFromCookie(ctx: Context, cookie: RefreshCookieSettings, field: string): boolean {
  // `signed: false`: an app with `app.keys` would otherwise look for a signature cookie.
  const sent = ctx.cookies.get(cookie.name, { signed: false });
  if (!sent) return false;
  // No body parsed at all is an empty body; a JSON `null` is not (DRF: "No data provided").
  const body = ctx.request.body === undefined ? {} : ctx.request.body;
  if (!isRecord(body)) return false;
  const given = body[field];
  if (given === undefined) {
    checkCsrf(cookie, { csrfHeader: ctx.get(cookie.csrfHeader) || undefined, origin: ctx.get('origin') || undefined, ownOrigin: ownOrigin(ctx) });
    ctx.request.body = { ...body, [field]: sent };
    return true;
  }
  // A blank or non-string value is left to the field rules (400 "This field may not be blank.", ...).
  const text = typeof given === 'string' || typeof given === 'number' ? String(given).trim() : '';
  if (text !== '' && text !== sent) {
    throw new ValidationError({ [field]: ['Does not match the refresh cookie.'] });
  }
  return false;
}

/**
 * The API's own origin as the browser sees it: scheme and Host (both from X-Forwarded-* with
 * `app.proxy`). Not `ctx.origin`: since Koa 3 that is the request's `Origin` header, which would
 * make every origin its own.
 */
function ownOrigin(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}

/** Seconds until the token's `exp`: the cookie's `Max-Age`. Our own freshly signed token. */
function remainingSeconds(token: string, clock: Clock): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
  return typeof payload.exp === 'number' ? payload.exp - epochSeconds(clock.now()) : 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
