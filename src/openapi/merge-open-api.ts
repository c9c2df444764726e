/**
 * One OpenAPI document for an app that serves its own tsoa controllers and our token routes.
 *
 * tsoa cannot generate it: it reads controllers from TypeScript sources, and the package ships
 * compiled JavaScript. So the two generated documents are merged: the app's (from its own
 * `tsoa spec`) and ours (`openApiDocument()` or `spec/openapi.json`).
 */
import { isDeepStrictEqual } from 'node:util';
import { normaliseMountPrefix, serverOrigin, serverPath } from './mount-prefix.js';
import type { OpenApiDocument, OpenApiPathItem, OpenApiServer, OpenApiTag } from './open-api-types.js';

/** Options of {@link mergeOpenApi}. */
export interface MergeOpenApiOptions {
  /**
   * Where the app mounts our routes (`jwt.routes({ prefix })`), as a path from the host's root.
   * Default: the path of our document's first `servers` URL (`openApiDocument({ prefix })` sets it).
   */
  prefix?: string;
  /**
   * Where the app mounts its own tsoa routes (`new Router({ prefix })`), when its tsoa.json has
   * no `spec.basePath` (tsoa then writes the server `/`, and every own path would be listed a
   * prefix short). Default: the user's document's first server, as tsoa wrote it.
   */
  appPrefix?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The user's document with our paths, components and tags added. The user's `openapi`, `info`,
 * `servers` and `security` are kept. Our paths are written relative to the user's first server
 * (`/api` server + `/api` prefix: `/token`; `/` server: `/api/token`); when our prefix is not
 * under that server's path, each of our paths gets its own `servers` entry instead.
 *
 * Components with the same name in both documents must be equal, except security schemes, where
 * the user's definition wins (theirs describe their security names); so does the user's tag of a
 * name both use. A path or `operationId` defined in both, or a differing component, throws an
 * Error naming it. Neither input is modified.
 *
 * @example
 * import userDocument from './generated/openapi.json' with { type: 'json' };
 * const ours = openApiDocument({ prefix: '/api', securityNames: Object.keys(jwt.settings.authTokenClasses) });
 * const document = mergeOpenApi(userDocument, ours); // the user's /me and our /token, /token/refresh, ...
 * app.use(openApiRoute({ path: '/api/openapi.json', document }));
 */
export function mergeOpenApi(userDocument: OpenApiDocument, ourDocument: OpenApiDocument, options: MergeOpenApiOptions = {}): OpenApiDocument {
  const merged = structuredClone(userDocument);
  const ours = structuredClone(ourDocument);
  const prefix =
    options.prefix === undefined ? serverPath(ours.servers?.[0]?.url) : normaliseMountPrefix(options.prefix, 'mergeOpenApi: prefix');

  if (options.appPrefix !== undefined && serverPath(merged.servers?.[0]?.url) === '') {
    const appPrefix = normaliseMountPrefix(options.appPrefix, 'mergeOpenApi: appPrefix');
    merged.servers = (merged.servers?.length ? merged.servers : [{ url: '/' }]).map((server) => ({ ...server, url: `${serverOrigin(server.url)}${appPrefix}` || '/' }));
  }
  const userServers: OpenApiServer[] = merged.servers?.length ? merged.servers : [{ url: '/' }];
  const base = serverPath(userServers[0]?.url);
  const underBase = base === '' || prefix === base || prefix.startsWith(`${base}/`);
  const operationIds = new Set(collectOperationIds(merged.paths));

  merged.paths ??= {};
  for (const [path, item] of Object.entries(ours.paths ?? {})) {
    const key = underBase ? `${prefix.slice(base.length)}${path}` : path;
    const pathItem: OpenApiPathItem = underBase
      ? item
      : { ...item, servers: userServers.map((server) => ({ url: `${serverOrigin(server.url)}${prefix}` || '/' })) };
    if (key in merged.paths) throw new Error(`mergeOpenApi: both documents define the path "${key}"`);
    for (const id of collectOperationIds({ [path]: item })) {
      if (operationIds.has(id)) throw new Error(`mergeOpenApi: both documents define the operationId "${id}"`);
      operationIds.add(id);
    }
    merged.paths[key] = pathItem;
  }

  const components: Record<string, Record<string, unknown> | undefined> = { ...merged.components };
  for (const [section, entries] of Object.entries(ours.components ?? {})) {
    const target: Record<string, unknown> = { ...components[section] };
    for (const [name, value] of Object.entries(entries ?? {})) {
      if (!(name in target)) target[name] = value;
      else if (section !== 'securitySchemes' && !isDeepStrictEqual(target[name], value)) {
        throw new Error(`mergeOpenApi: both documents define components.${section}.${name}, differently; rename one of them`);
      }
    }
    components[section] = target;
  }
  merged.components = components;
  addMissingSecuritySchemes(merged, ours);

  const tags: OpenApiTag[] = [...(merged.tags ?? [])];
  for (const tag of ours.tags ?? []) {
    if (!tags.some((existing) => existing.name === tag.name)) tags.push(tag);
  }
  if (tags.length > 0) merged.tags = tags;
  return merged;
}

function collectOperationIds(paths: Record<string, OpenApiPathItem> | undefined): string[] {
  const ids: string[] = [];
  for (const item of Object.values(paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as { operationId?: unknown } | undefined;
      if (typeof operation?.operationId === 'string') ids.push(operation.operationId);
    }
  }
  return ids;
}

/**
 * Every security name the user's operations use gets a scheme: tsoa copies only the names listed
 * in its tsoa.json `securityDefinitions`, so a name added to `authTokenClasses` and used in
 * `@Security` would otherwise be referenced without a definition (an invalid document). Ours of
 * that name is taken when we have one, else a bearer JWT scheme.
 */
function addMissingSecuritySchemes(merged: OpenApiDocument, ours: OpenApiDocument): void {
  const used = new Set<string>();
  const collect = (requirements: unknown) => {
    if (!Array.isArray(requirements)) return;
    for (const requirement of requirements) {
      if (requirement && typeof requirement === 'object') for (const name of Object.keys(requirement)) used.add(name);
    }
  };
  collect((merged as { security?: unknown }).security);
  for (const item of Object.values(merged.paths ?? {})) {
    for (const method of METHODS) collect((item[method] as { security?: unknown } | undefined)?.security);
  }
  if (used.size === 0) return;
  const components = (merged.components ??= {}) as Record<string, Record<string, unknown> | undefined>;
  const schemes: Record<string, unknown> = { ...components.securitySchemes };
  const oursSchemes = (ours.components as Record<string, Record<string, unknown> | undefined> | undefined)?.securitySchemes ?? {};
  for (const name of used) {
    if (name in schemes) continue;
    schemes[name] = structuredClone(oursSchemes[name] ?? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  }
  components.securitySchemes = schemes;
}
