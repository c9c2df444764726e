import { SettingsError } from '../errors.js';
import { RecencyMap } from '../recency-map.js';
import type { Algorithm, SimpleJwtOptions } from '../settings.js';
import type { SigningKeyInput } from './key-set.js';

/**
 * What a `keyResolver` answers for a request: which tenant it is, that tenant's key set and
 * issuer. Return the same `signingKeys` array (by reference) while the tenant's keys are
 * unchanged: the tenant's keys are built once and reused until the keys or the issuer change
 * (compared element by element, so a fresh `[pem]` per request is fine).
 */
export interface TenantKeys {
  /** A stable id of the tenant: the cache key. */
  readonly tenant: string;
  /** The tenant's keys, as the `signingKeys` setting takes them (the first signs, all verify). */
  readonly signingKeys: readonly SigningKeyInput[];
  /** Written as `iss` into the tenant's tokens and required in tokens it accepts (RFC 7519 §4.1.1). */
  readonly issuer?: string;
  /** The tenant keys' default algorithm; default the instance's `algorithm`. */
  readonly algorithm?: Algorithm;
}

/**
 * `keyResolver`: the tenant of a request (a Koa `ctx`), e.g. by host name or a path segment.
 * Throw (your own error) for a request that belongs to no tenant.
 */
export type KeyResolver = (ctx: unknown) => TenantKeys | Promise<TenantKeys>;

interface Entry<T> {
  readonly signingKeys: readonly SigningKeyInput[];
  readonly issuer: string | undefined;
  readonly algorithm: Algorithm | undefined;
  readonly instance: T;
}

/**
 * Whether two key lists are the same keys: the same array, or element by element the same value
 * (a PEM string, a KeyObject) or an entry with the same key, kid and algorithm. So a resolver that
 * builds a fresh `[pem]` per request still hits the cache.
 */
function sameKeys(a: readonly SigningKeyInput[], b: readonly SigningKeyInput[]): boolean {
  if (a === b) return true;
  if (!Array.isArray(b) || a.length !== b.length) return false;
  return a.every((each, index) => {
    const other = b[index];
    if (each === other) return true;
    if (typeof each !== 'object' || typeof other !== 'object' || each === null || other === null) return false;
    if (!('key' in each) || !('key' in other)) return false;
    return each.key === other.key && each.kid === other.kid && each.algorithm === other.algorithm;
  });
}

/** Tenants whose built keys are kept at once; the least recently served is rebuilt when needed again. */
const MAX_TENANTS = 1000;

/**
 * The per-tenant instances of one `createSimpleJwt` with a `keyResolver`: each tenant gets an
 * instance built from the same options with its own keys and issuer (and so its own backend and
 * verified-token cache: a token verified for one tenant is never a cache hit for another). Built
 * on the tenant's first request and reused while the resolver returns the same keys and issuer.
 *
 * @example
 * const tenants = createTenantInstances(options, resolver, createSimpleJwt);
 * const jwtOfTenant = await tenants.instanceFor(ctx);
 */
export function createTenantInstances<T>(
  options: SimpleJwtOptions,
  resolver: KeyResolver,
  build: (options: SimpleJwtOptions) => T,
): { instanceFor(ctx: unknown): Promise<T> } {
  const cache = new RecencyMap<string, Entry<T>>(MAX_TENANTS);
  const { keyResolver: _resolver, signingKey: _signingKey, verifyingKey: _verifyingKey, signingKeys: _signingKeys, issuer: _issuer, ...shared } = options;

  function entryFor(resolved: TenantKeys): Entry<T> {
    if (resolved === null || typeof resolved !== 'object' || typeof resolved.tenant !== 'string' || resolved.tenant === '' || !Array.isArray(resolved.signingKeys)) {
      throw new SettingsError('keyResolver', 'must return { tenant, signingKeys, issuer? } with a non-empty tenant id and a list of keys');
    }
    const cached = cache.get(resolved.tenant);
    if (
      cached !== undefined &&
      sameKeys(cached.signingKeys, resolved.signingKeys) &&
      cached.issuer === resolved.issuer &&
      cached.algorithm === resolved.algorithm
    ) {
      return cached;
    }
    let instance: T;
    try {
      instance = build({
        ...shared,
        ...(resolved.algorithm === undefined ? {} : { algorithm: resolved.algorithm }),
        signingKeys: [...resolved.signingKeys],
        ...(resolved.issuer === undefined ? {} : { issuer: resolved.issuer }),
      });
    } catch (error) {
      // The tenant's configuration is bad: say which tenant, keep the setting's own reason.
      if (error instanceof SettingsError) throw new SettingsError(`keyResolver (tenant ${JSON.stringify(resolved.tenant)}): ${error.setting}`, error.reason);
      throw error;
    }
    const entry: Entry<T> = { signingKeys: resolved.signingKeys, issuer: resolved.issuer, algorithm: resolved.algorithm, instance };
    cache.set(resolved.tenant, entry);
    return entry;
  }

  return {
    async instanceFor(ctx: unknown): Promise<T> {
      return entryFor(await resolver(ctx)).instance;
    },
  };
}
