import type { RefreshCookieSettings } from './refresh-cookie-settings.js';

/**
 * The `Set-Cookie` value that hands `token` to the browser for `maxAgeSeconds` (the token's
 * remaining lifetime, so the cookie never outlives what it holds). `HttpOnly` keeps it out of
 * `document.cookie`, so script injected into the page cannot read it.
 *
 * @example
 * setRefreshCookie(settings, 'eyJ...', 86400);
 * // '__Host-refresh=eyJ...; Max-Age=86400; Path=/; Secure; HttpOnly; SameSite=Strict'
 */
export function setRefreshCookie(cookie: RefreshCookieSettings, token: string, maxAgeSeconds: number): string {
  return `${cookie.name}=${token}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${attributes(cookie)}`;
}

/**
 * The `Set-Cookie` value that makes the browser drop the cookie (`Max-Age=0`, RFC 6265 §5.2.2),
 * with the same name, path and prefix rules as when it was set, or the browser would keep it.
 *
 * @example
 * clearRefreshCookie(settings); // '__Host-refresh=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict'
 */
export function clearRefreshCookie(cookie: RefreshCookieSettings): string {
  return `${cookie.name}=; Max-Age=0${attributes(cookie)}`;
}

function attributes(cookie: RefreshCookieSettings): string {
  return `; Path=${cookie.path}${cookie.secure ? '; Secure' : ''}; HttpOnly; SameSite=${cookie.sameSite}`;
}
