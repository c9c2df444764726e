import { normaliseMountPrefix } from '../openapi/mount-prefix.js';
import { cacheableDocument, sendCacheableDocument } from './cacheable-document.js';
import type { Middleware } from 'koa';
import type { OpenApiDocument } from '../openapi/open-api-types.js';

/** Options of {@link openApiRoute}. */
export interface OpenApiRouteOptions {
  /** Where to serve the document, e.g. `/api/openapi.json`. */
  path: string;
  /** The document, e.g. `openApiDocument({ prefix: '/api' })`. Serialised once, when the route is made. */
  document: OpenApiDocument;
}

/**
 * Koa middleware that answers `GET` (and `HEAD`) on `path` with `document` as JSON, with an
 * `ETag` so that clients revalidate cheaply; every other request goes to `next`.
 *
 * @example
 * const document = openApiDocument({ prefix: '/api', securityNames: Object.keys(jwt.settings.authTokenClasses) });
 * app.use(openApiRoute({ path: '/api/openapi.json', document }));
 */
export function openApiRoute(options: OpenApiRouteOptions): Middleware {
  const path = normaliseMountPrefix(options.path, 'openApiRoute: path');
  if (path === '') throw new TypeError('openApiRoute: path must not be the root, e.g. "/openapi.json"');
  if (typeof options.document !== 'object' || options.document === null || typeof options.document.openapi !== 'string') {
    throw new TypeError('openApiRoute: document must be an OpenAPI document (an object with an "openapi" field)');
  }
  const document = cacheableDocument(options.document);
  return async function openApi(ctx, next) {
    if (ctx.path !== path || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    sendCacheableDocument(ctx, document, 'no-cache', 'application/json');
  };
}
