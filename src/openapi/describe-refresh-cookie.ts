/**
 * What the refresh cookie adds to the token routes' OpenAPI document: an `apiKey` scheme `in:
 * cookie`, the `Set-Cookie` response header, the CSRF header parameter and its 403, and (with
 * `refreshInBody: false`) pair bodies without `refresh`.
 */
import { clearRefreshCookie, setRefreshCookie } from '../cookies/set-cookie.js';
import type { RefreshCookieSettings } from '../cookies/refresh-cookie-settings.js';
import type { OpenApiDocument } from './open-api-types.js';

/** The security scheme's name in `components.securitySchemes`. */
export const REFRESH_COOKIE_SCHEME = 'refreshCookie';

/** Operations that read the token from the cookie, with the body field it replaces. */
const READING: Readonly<Record<string, { schema: string; field: string }>> = {
  '/token/refresh': { schema: 'TokenRefreshRequest', field: 'refresh' },
  '/token/blacklist': { schema: 'TokenRefreshRequest', field: 'refresh' },
  '/token/sliding/refresh': { schema: 'TokenRefreshSlidingRequest', field: 'token' },
};
/** Operations whose 200 sets the cookie. */
const WRITING = ['/token', '/token/refresh', '/token/sliding', '/token/sliding/refresh'];

type Operation = {
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: { required?: boolean };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: Record<string, unknown> }>;
};
type Schema = { properties?: Record<string, unknown>; required?: string[] };

/**
 * Rewrites `document` (a fresh copy of our spec) for an app with `refreshCookie` on.
 *
 * @example
 * describeRefreshCookie(document, jwt.settings.refreshCookie);
 * document.components.securitySchemes.refreshCookie; // { type: 'apiKey', in: 'cookie', name: '__Host-refresh', ... }
 */
export function describeRefreshCookie(document: OpenApiDocument, cookie: RefreshCookieSettings): void {
  const schemes = { ...document.components?.securitySchemes };
  schemes[REFRESH_COOKIE_SCHEME] = {
    type: 'apiKey',
    in: 'cookie',
    name: cookie.name,
    description:
      `The refresh (or sliding) token, which the obtain and refresh operations set as the HttpOnly cookie \`${cookie.name}\`. ` +
      `Sent instead of the body field, it needs the \`${cookie.csrfHeader}\` header` +
      (cookie.trustedOrigins.length > 0 ? ` and an \`Origin\` that is the API's own or one of ${cookie.trustedOrigins.join(', ')}.` : " and an `Origin`, if any, that is the API's own."),
  };
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  document.components = { ...document.components, securitySchemes: schemes, schemas };
  const operation = (path: string): Operation | undefined => (document.paths[path] as { post?: Operation } | undefined)?.post;

  for (const [path, { schema, field }] of Object.entries(READING)) {
    const post = operation(path);
    if (!post) continue;
    // Either the body field (no security) or the cookie.
    post.security = [{}, { [REFRESH_COOKIE_SCHEME]: [] }];
    post.parameters = [
      ...(post.parameters ?? []),
      {
        in: 'header',
        name: cookie.csrfHeader,
        required: false,
        schema: { type: 'string', example: '1' },
        description: `Required (any value) when the token comes from the \`${cookie.name}\` cookie rather than the body: a cross-site form cannot set it.`,
      },
    ];
    if (post.requestBody) post.requestBody.required = false;
    const requestSchema = schemas[schema];
    if (requestSchema?.required) requestSchema.required = requestSchema.required.filter((name) => name !== field);
    post.responses['403'] = {
      description: `The token came from the cookie without the \`${cookie.csrfHeader}\` header, or from an untrusted \`Origin\``,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/DetailErrorBody' }, example: { detail: `CSRF Failed: ${cookie.csrfHeader} header missing.` } } },
    };
    post.description = `${post.description ?? ''}\n\nWithout \`${field}\` in the body, the token is read from the \`${cookie.name}\` cookie (with the \`${cookie.csrfHeader}\` header); a body value that differs from the cookie is a 400.`.trim();
  }

  const example = '<token>';
  for (const path of WRITING) {
    const ok = operation(path)?.responses['200'];
    if (!ok) continue;
    ok.headers = {
      ...ok.headers,
      'Set-Cookie': {
        description: `The ${path.includes('sliding') ? 'sliding' : 'refresh'} token as an HttpOnly cookie, for its remaining lifetime (not readable from JavaScript).`,
        schema: { type: 'string', example: setRefreshCookie(cookie, example, 86400) },
      },
    };
  }
  const logout = operation('/token/blacklist')?.responses['200'];
  if (logout) {
    logout.headers = { ...logout.headers, 'Set-Cookie': { description: 'Clears the cookie.', schema: { type: 'string', example: clearRefreshCookie(cookie) } } };
  }

  if (!cookie.refreshInBody) {
    for (const name of ['TokenPairResponse', 'TokenRefreshResponse']) {
      const body = schemas[name];
      if (!body) continue;
      if (body.properties) delete body.properties.refresh;
      if (body.required) body.required = body.required.filter((each) => each !== 'refresh');
    }
    for (const path of ['/token', '/token/refresh']) dropRefreshFromExamples(operation(path)?.responses['200']);
  }
}

/** Removes `refresh` from every example value under a response (the cookie carries it instead). */
function dropRefreshFromExamples(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'example' || key === 'value') && value !== null && typeof value === 'object') delete (value as Record<string, unknown>).refresh;
    dropRefreshFromExamples(value);
  }
}
