import { CsrfError } from '../errors.js';
import type { RefreshCookieSettings } from './refresh-cookie-settings.js';

/** What the CSRF rules look at in a request that authenticates with the refresh cookie. */
export interface CsrfEvidence {
  /** The value of the configured CSRF header, if sent. */
  csrfHeader: string | undefined;
  /** The `Origin` header, if the browser sent one. */
  origin: string | undefined;
  /** The API's own origin (`https://api.example.com`), always trusted. */
  ownOrigin: string;
}

/**
 * Refuses a cookie-borne request that a cross-site page could have made: it must carry the CSRF
 * header (a form post or an `<img>` cannot set a custom header, and a cross-origin `fetch` that
 * sets one needs a CORS preflight the API does not grant), and an `Origin`, when the browser sends
 * one, must be the API's own or trusted. Throws {@link CsrfError} (403).
 *
 * @example
 * checkCsrf(settings, { csrfHeader: '1', origin: 'https://app.example.com', ownOrigin: 'https://api.example.com' });
 */
export function checkCsrf(cookie: RefreshCookieSettings, evidence: CsrfEvidence): void {
  if (evidence.csrfHeader === undefined || evidence.csrfHeader === '') {
    throw new CsrfError(`${cookie.csrfHeader} header missing.`);
  }
  const { origin } = evidence;
  if (origin === undefined || origin === '') return;
  if (origin === evidence.ownOrigin || cookie.trustedOrigins.includes(origin)) return;
  // Django's wording (REASON_BAD_ORIGIN).
  throw new CsrfError(`Origin checking failed - ${origin} does not match any trusted origins.`);
}
