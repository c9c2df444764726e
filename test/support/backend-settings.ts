import { HMAC_SECRET_64 } from './keys.js';
import type { BackendSettings } from '../../src/backend/create-token-backend.js';

/**
 * Backend settings with the library's defaults (HS256, no audience/issuer/JWKS, no leeway), a
 * 64-byte HMAC secret and a clock frozen at `nowSeconds`, overridden by `overrides`.
 */
export function backendSettings(nowSeconds: number, overrides: Partial<BackendSettings> = {}): BackendSettings {
  return {
    algorithm: 'HS256',
    signingKey: HMAC_SECRET_64,
    verifyingKey: undefined,
    audience: undefined,
    issuer: undefined,
    jwkUrl: undefined,
    jwkCacheSeconds: 300,
    jwkTimeoutMs: 5000,
    leeway: 0,
    clock: { now: () => new Date(nowSeconds * 1000) },
    ...overrides,
  };
}
