import { SettingsError } from '../errors.js';
import { MemoryLoginThrottleStore } from './memory-login-throttle-store.js';
import { DEFAULT_ADDRESS_RULE, DEFAULT_USERNAME_RULE } from './throttle-rule.js';
import type { LoginThrottleSettings } from './login-throttle.js';
import type { ThrottleRule } from './throttle-rule.js';

const KNOWN = new Set(['store', 'username', 'address']);
const RULE_KEYS = ['failures', 'windowSeconds', 'delaySeconds', 'maxDelaySeconds'] as const;

/**
 * Validates the `loginThrottle` option (a {@link SettingsError} naming it otherwise). Absent: on,
 * with the default budgets, in memory.
 *
 * @example
 * resolveLoginThrottle({ username: { failures: 10 } }).username; // { failures: 10, windowSeconds: 900, ... }
 */
export function resolveLoginThrottle(value: unknown): LoginThrottleSettings | false {
  if (value === false) return false;
  const fail = (message: string): never => {
    throw new SettingsError('loginThrottle', message);
  };
  if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) fail('expected false or an options object');
  const o = (value ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!KNOWN.has(key)) fail(`unknown option "${key}"`);
  const store = o.store ?? new MemoryLoginThrottleStore();
  for (const method of ['charge', 'settle', 'list', 'clear']) {
    if (typeof (store as Record<string, unknown>)[method] !== 'function') fail(`store: expected a LoginThrottleStore; ${method}() is missing`);
  }
  return Object.freeze({
    store: store as LoginThrottleSettings['store'],
    username: rule(o.username, DEFAULT_USERNAME_RULE, 'username', fail),
    address: rule(o.address, DEFAULT_ADDRESS_RULE, 'address', fail),
  });
}

function rule(value: unknown, fallback: ThrottleRule, name: string, fail: (message: string) => never): ThrottleRule | false {
  if (value === false) return false;
  if (value === undefined) return fallback;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(`${name}: expected false or { failures, windowSeconds, delaySeconds, maxDelaySeconds }`);
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!(RULE_KEYS as readonly string[]).includes(key)) fail(`${name}: unknown option "${key}"`);
  const resolved = { ...fallback, ...given } as Record<string, unknown>;
  for (const key of RULE_KEYS) {
    const number = resolved[key];
    if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0 || (key === 'failures' && !Number.isInteger(number))) {
      fail(`${name}.${key}: expected a positive ${key === 'failures' ? 'integer' : 'number of seconds'}, got ${JSON.stringify(number)}`);
    }
  }
  if ((resolved.maxDelaySeconds as number) < (resolved.delaySeconds as number)) fail(`${name}.maxDelaySeconds must be at least delaySeconds`);
  return Object.freeze(resolved as unknown as ThrottleRule);
}
