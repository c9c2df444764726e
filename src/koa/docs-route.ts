import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { normaliseMountPrefix } from '../openapi/mount-prefix.js';
import type { Middleware } from 'koa';

/** Options of {@link docsRoute}. */
export interface DocsRouteOptions {
  /** Where to serve the page, e.g. `/api/docs`; its assets are served under `<path>/`. */
  path: string;
  /** The URL the page loads the OpenAPI document from, e.g. `/api/openapi.json` (see `openApiRoute`). */
  specUrl: string;
  /** The page's title. Default `API reference`. */
  title?: string;
}

/** Files of swagger-ui-dist the page needs, with their media types. Nothing else is served. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

/**
 * Koa middleware serving an interactive API reference (Swagger UI) for the document at
 * `specUrl`: the page at `path`, and Swagger UI's script, styles and icons from the
 * `swagger-ui-dist` package under `<path>/`. Nothing is loaded from another host (the online
 * validator badge is off), so the page works offline. Other requests go to `next`.
 *
 * `swagger-ui-dist` is an optional peer dependency: install it to use this route
 * (`npm install swagger-ui-dist`); without it, this function throws when called.
 *
 * @example
 * app.use(openApiRoute({ path: '/api/openapi.json', document: openApiDocument({ prefix: '/api' }) }));
 * app.use(docsRoute({ path: '/api/docs', specUrl: '/api/openapi.json' }));
 * // open http://127.0.0.1:8000/api/docs
 */
export function docsRoute(options: DocsRouteOptions): Middleware {
  const path = normaliseMountPrefix(options.path, 'docsRoute: path');
  if (path === '') throw new TypeError('docsRoute: path must not be the root, e.g. "/docs"');
  if (typeof options.specUrl !== 'string' || options.specUrl === '') {
    throw new TypeError('docsRoute: specUrl must be the URL of the OpenAPI document, e.g. "/api/openapi.json"');
  }
  const directory = swaggerUiDirectory();
  const page = renderPage(path, options.title ?? 'API reference');
  const init = renderInit(options.specUrl);
  const cache = new Map<string, Promise<Buffer>>();

  return async function docs(ctx, next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === path || ctx.path === `${path}/`) {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = page;
      return;
    }
    if (!ctx.path.startsWith(`${path}/`)) return next();
    const name = ctx.path.slice(path.length + 1);
    if (name === 'init.js') {
      ctx.type = 'text/javascript; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = init;
      return;
    }
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (type === undefined) return next();
    let file = cache.get(name);
    if (file === undefined) {
      file = readFile(join(directory, name));
      cache.set(name, file);
      // A failed read (a broken install) is retried on the next request rather than cached.
      file.catch(() => cache.delete(name));
    }
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = await file;
  };
}

/** The installed swagger-ui-dist's folder; an Error saying what to install when it is missing. */
function swaggerUiDirectory(): string {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('swagger-ui-dist/package.json'));
  } catch (error) {
    throw new Error('docsRoute needs the swagger-ui-dist package: npm install swagger-ui-dist', { cause: error });
  }
}

function renderPage(path: string, title: string): string {
  const base = escapeHtml(path);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${base}/swagger-ui.css">
<link rel="icon" type="image/png" href="${base}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${base}/favicon-16x16.png" sizes="16x16">
<style>body { margin: 0; }</style>
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/init.js"></script>
</body>
</html>
`;
}

/** The script that starts Swagger UI; a separate file so a strict CSP (`script-src 'self'`) allows it. */
function renderInit(specUrl: string): string {
  // JSON is valid JavaScript; `<` is escaped so that the string can never close a script element.
  const url = JSON.stringify(specUrl).replace(/</g, '\\u003c');
  return `window.ui = SwaggerUIBundle({
  url: ${url},
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
