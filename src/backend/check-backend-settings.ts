import { SettingsError } from '../errors.js';
import { ALGORITHMS, type Algorithm } from '../settings.js';
import type { BackendSettings } from './create-token-backend.js';

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function checkNumber(setting: string, value: unknown, unit: 'seconds' | 'milliseconds', allowZero: boolean): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok) {
    throw new SettingsError(setting, `must be a ${allowZero ? 'non-negative' : 'positive'} finite number of ${unit}`);
  }
}

/**
 * Refuses, at startup, every backend setting that could only fail later: an algorithm outside
 * {@link ALGORITHMS} (Simple JWT's "Unrecognized algorithm type"), an empty audience or issuer
 * (it would be written into tokens and then never match), a JWK Set URL with an HMAC algorithm
 * (a JWKS publishes public keys; an HMAC secret must never come from a URL, RFC 8725 §3.1) or with
 * a scheme other than http(s), and impossible numbers. Keys are checked by `resolveKeys`.
 * Returns the algorithm, narrowed.
 *
 * @example
 * checkBackendSettings({ ...settings, algorithm: 'HS257' as Algorithm });
 * // throws SettingsError: invalid setting "algorithm": Unrecognized algorithm type 'HS257'
 */
export function checkBackendSettings(settings: BackendSettings): Algorithm {
  const algorithm: unknown = settings.algorithm;
  if (typeof algorithm !== 'string' || !(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new SettingsError('algorithm', `Unrecognized algorithm type '${String(algorithm)}'`);
  }

  const audience: unknown = settings.audience;
  if (audience !== undefined) {
    const list = typeof audience === 'string' ? [audience] : audience;
    if (!Array.isArray(list) || list.length === 0 || !list.every(isNonEmptyString)) {
      throw new SettingsError('audience', 'must be a non-empty string or a non-empty list of non-empty strings');
    }
  }

  if (settings.issuer !== undefined && !isNonEmptyString(settings.issuer)) {
    throw new SettingsError('issuer', 'must be a non-empty string');
  }

  if (settings.jwkUrl !== undefined) {
    if (algorithm.startsWith('HS')) {
      throw new SettingsError('jwkUrl', `cannot be used with ${algorithm}: a JWK Set publishes public keys, not HMAC secrets`);
    }
    let url: URL | undefined;
    try {
      url = new URL(settings.jwkUrl);
    } catch {
      url = undefined;
    }
    if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new SettingsError('jwkUrl', `must be an http(s) URL, got ${JSON.stringify(settings.jwkUrl)}`);
    }
    checkNumber('jwkCacheSeconds', settings.jwkCacheSeconds, 'seconds', true);
    checkNumber('jwkTimeoutMs', settings.jwkTimeoutMs, 'milliseconds', false);
    if (settings.jwkCooldownSeconds !== undefined) checkNumber('jwkCooldownSeconds', settings.jwkCooldownSeconds, 'seconds', true);
    // Each tenant's keys would be ignored: with a JWK Set URL every token is verified by its keys.
    if (settings.keyResolver !== undefined) throw new SettingsError('keyResolver', 'cannot be combined with jwkUrl: tokens would be verified by the JWK Set, not by the tenant\'s keys');
  }

  checkNumber('leeway', settings.leeway, 'seconds', true);
  if (settings.clock === undefined || typeof settings.clock.now !== 'function') {
    throw new SettingsError('clock', 'must be an object with a now() method');
  }
  return algorithm as Algorithm;
}
