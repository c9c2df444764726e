/**
 * Mount prefixes as `jwt.routes({ prefix })` takes them (`/api`), and the path part of a
 * `servers` URL, in one normal form: a leading slash, no trailing slash, `''` for the root.
 */

/**
 * `prefix` in normal form; a TypeError naming `option` when it is not a path.
 *
 * @example
 * normaliseMountPrefix('/api/', 'prefix'); // '/api'
 * normaliseMountPrefix(undefined, 'prefix'); // ''
 */
export function normaliseMountPrefix(prefix: string | undefined, option: string): string {
  if (prefix === undefined || prefix === '' || prefix === '/') return '';
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[\s?#]/.test(prefix)) {
    throw new TypeError(`${option} must be a path that starts with "/" (like "/api"), got ${JSON.stringify(prefix)}`);
  }
  return prefix.replace(/\/+$/, '');
}

/**
 * The path of a `servers` URL in normal form: `https://example.com/api/` and `/api` both give
 * `/api`; a relative URL without a leading slash is read from the root.
 *
 * @example
 * serverPath('https://example.com/v1/'); // '/v1'
 */
export function serverPath(url: string | undefined): string {
  if (url === undefined) return '';
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? new URL(url).pathname : url.replace(/[?#].*$/, '');
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.replace(/\/+$/, '');
}

/**
 * The origin of an absolute `servers` URL (`https://example.com`), or `''` for a relative one.
 *
 * @example
 * serverOrigin('https://example.com/v1'); // 'https://example.com'
 * serverOrigin('/v1'); // ''
 */
export function serverOrigin(url: string | undefined): string {
  if (url === undefined || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return '';
  return new URL(url).origin;
}
