/**
 * The parts of an OpenAPI 3.0 document that koa-simple-jwt reads or writes. Everything else a
 * document holds is kept as it is (the index signatures), so a user's tsoa spec fits this type.
 */

/** A `servers` entry. */
export interface OpenApiServer {
  url: string;
  description?: string;
  [key: string]: unknown;
}

/** A `tags` entry. */
export interface OpenApiTag {
  name: string;
  description?: string;
  [key: string]: unknown;
}

/** The `components` object: named schemas, security schemes, responses and so on. */
export interface OpenApiComponents {
  schemas?: Record<string, unknown>;
  securitySchemes?: Record<string, unknown>;
  [section: string]: Record<string, unknown> | undefined;
}

/** A path item: operations keyed by method, plus `servers`, `parameters` and the like. */
export interface OpenApiPathItem {
  servers?: OpenApiServer[];
  [key: string]: unknown;
}

/**
 * An OpenAPI 3 document, as `spec/openapi.json` and tsoa's generated specs are.
 *
 * @example
 * const document: OpenApiDocument = openApiDocument({ prefix: '/api' });
 * Object.keys(document.paths); // ['/token/sliding', '/token/sliding/refresh', '/token', ...]
 */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; [key: string]: unknown };
  servers?: OpenApiServer[];
  paths: Record<string, OpenApiPathItem>;
  components?: OpenApiComponents;
  tags?: OpenApiTag[];
  security?: Record<string, string[]>[];
  [key: string]: unknown;
}
