import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { TokenError } from '../../src/errors.js';
import { ManualClock } from './demo.js';
import type { SimpleJwtOptions } from '../../src/settings.js';
import type { TokenContext } from '../../src/tokens/token.js';

/** The signing key of {@link tokenContext}. */
export const TOKEN_TEST_KEY = 'k'.repeat(32);

/** What the token classes need (settings and a backend), on a manual clock the test moves. */
export function tokenContext(options: Omit<SimpleJwtOptions, 'signingKey'> = {}, clock = new ManualClock()): TokenContext & { clock: ManualClock } {
  const settings = resolveSettings({ signingKey: TOKEN_TEST_KEY, clock, ...options });
  return { settings, backend: createTokenBackend(settings), clock };
}

/** The TokenError `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function tokenRefusal(promise: Promise<unknown>): Promise<TokenError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenError, String(error));
    return error;
  }
  assert.fail('expected a TokenError');
}
