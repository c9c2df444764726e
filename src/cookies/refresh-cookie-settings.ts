/**
 * The refresh cookie's settings: what the option accepts, its defaults, and the rules of the
 * cookie prefixes (RFC 6265bis §4.1.3), checked once at startup.
 */
import { SettingsError } from '../errors.js';

/** The `refreshCookie` option. */
export interface RefreshCookieOptions {
  /**
   * The cookie's name. Default `__Host-refresh`: the browser then insists on `Secure`, `Path=/`
   * and no `Domain`, so no subdomain or plain-HTTP page can plant or shadow it.
   */
  name?: string;
  /** The cookie's `Path`. Default `/`; a narrower path (the token routes) needs a name without `__Host-`. */
  path?: string;
  /** `SameSite`: `'Strict'` (default) or `'Lax'`. */
  sameSite?: 'Strict' | 'Lax';
  /** The `Secure` attribute. Default true; `false` only for a name without the `__Host-`/`__Secure-` prefix. */
  secure?: boolean;
  /** Keep the refresh token in the JSON body too (Simple JWT's wire). Default true; false: the cookie only. */
  refreshInBody?: boolean;
  /** The header a cookie-borne request must carry (any value; a form post cannot set it). Default `X-CSRF-Protection`. */
  csrfHeader?: string;
  /**
   * Origins (`https://app.example.com`) allowed to make cookie-borne requests besides the API's
   * own. A request whose `Origin` is neither gets a 403. Default none.
   */
  trustedOrigins?: string[];
}

/** The resolved `refreshCookie` setting. */
export interface RefreshCookieSettings {
  readonly name: string;
  readonly path: string;
  readonly sameSite: 'Strict' | 'Lax';
  readonly secure: boolean;
  readonly refreshInBody: boolean;
  readonly csrfHeader: string;
  readonly trustedOrigins: readonly string[];
}

const KNOWN = new Set(['name', 'path', 'sameSite', 'secure', 'refreshInBody', 'csrfHeader', 'trustedOrigins']);
/** RFC 6265 cookie-name: an HTTP token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Validates the `refreshCookie` option (a {@link SettingsError} naming it otherwise).
 *
 * @example
 * resolveRefreshCookie(true).name; // '__Host-refresh'
 */
export function resolveRefreshCookie(value: unknown): RefreshCookieSettings | false {
  if (value === undefined || value === false) return false;
  const fail = (message: string): never => {
    throw new SettingsError('refreshCookie', message);
  };
  if (value !== true && (value === null || typeof value !== 'object' || Array.isArray(value))) fail('expected true, false or an options object');
  const o = (value === true ? {} : value) as RefreshCookieOptions;
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) fail(`unknown option "${key}"`);
  const name = o.name ?? '__Host-refresh';
  if (typeof name !== 'string' || !TOKEN.test(name)) fail(`name must be a cookie name (an HTTP token), got ${JSON.stringify(name)}`);
  const path = o.path ?? '/';
  if (typeof path !== 'string' || !path.startsWith('/') || /[;\s\x00-\x1f]/.test(path)) fail(`path must start with "/" and hold no ";" or spaces, got ${JSON.stringify(path)}`);
  const sameSite = o.sameSite ?? 'Strict';
  // None would send the cookie on cross-site requests: the CSRF header would be the only defence.
  if (sameSite !== 'Strict' && sameSite !== 'Lax') fail(`sameSite must be "Strict" or "Lax", got ${JSON.stringify(sameSite)}`);
  const secure = o.secure ?? true;
  const refreshInBody = o.refreshInBody ?? true;
  if (typeof secure !== 'boolean') fail('secure must be true or false');
  if (typeof refreshInBody !== 'boolean') fail('refreshInBody must be true or false');
  if (/^__(Host|Secure)-/i.test(name) && !secure) fail(`a ${name.slice(0, name.indexOf('-') + 1)} cookie must be Secure (browsers refuse it otherwise)`);
  if (/^__Host-/i.test(name) && path !== '/') fail('a __Host- cookie must have Path=/ (browsers refuse it otherwise); choose another name for a narrower path');
  const csrfHeader = o.csrfHeader ?? 'X-CSRF-Protection';
  if (typeof csrfHeader !== 'string' || !TOKEN.test(csrfHeader)) fail(`csrfHeader must be a header name, got ${JSON.stringify(csrfHeader)}`);
  const trusted = o.trustedOrigins ?? [];
  if (!Array.isArray(trusted)) fail('trustedOrigins must be a list of origins');
  const trustedOrigins = trusted.map((origin: unknown) => {
    if (typeof origin !== 'string') return fail(`trustedOrigins: expected origins such as "https://app.example.com", got ${JSON.stringify(origin)}`);
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return fail(`trustedOrigins: ${JSON.stringify(origin)} is not an origin such as "https://app.example.com"`);
    }
    if (url.origin === 'null' || url.origin !== origin.replace(/\/$/, '')) fail(`trustedOrigins: ${JSON.stringify(origin)} is not an origin (scheme, host and port only), e.g. ${JSON.stringify(url.origin)}`);
    return url.origin;
  });
  return Object.freeze({ name, path, sameSite, secure, refreshInBody, csrfHeader, trustedOrigins: Object.freeze(trustedOrigins) });
}
