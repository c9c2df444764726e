/**
 * The two header settings as Simple JWT takes them, shared by the settings and the OpenAPI
 * document (each reports a bad value its own way): `AUTH_HEADER_TYPES` and `AUTH_HEADER_NAME`.
 */

/** One keyword or a non-empty list of keywords without spaces; undefined when `value` is not. */
export function readAuthHeaderTypes(value: unknown): readonly string[] | undefined {
  const types: unknown = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(types) || types.length === 0 || !types.every((type) => typeof type === 'string' && /^\S+$/.test(type))) return undefined;
  return types as string[];
}

/**
 * An HTTP header name, as written (`X-Access-Token`), or Django's META key
 * (`HTTP_X_ACCESS_TOKEN`) turned into the header name (`x-access-token`); undefined when `value`
 * is neither.
 */
export function readAuthHeaderName(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  return value.startsWith('HTTP_') ? value.slice(5).replace(/_/g, '-').toLowerCase() : value;
}
