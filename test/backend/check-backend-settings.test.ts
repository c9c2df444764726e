import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBackendSettings } from '../../src/backend/check-backend-settings.js';
import { backendSettings } from '../support/backend-settings.js';
import { SettingsError } from '../../src/errors.js';
import type { BackendSettings } from '../../src/backend/create-token-backend.js';
import type { Algorithm } from '../../src/settings.js';

const JWKS = { algorithm: 'RS256', jwkUrl: 'https://issuer.example/jwks.json' } as const;

function settings(overrides: Partial<BackendSettings> = {}): BackendSettings {
  return backendSettings(1_700_000_000, overrides);
}

/** The reason (message without the setting's name) checkBackendSettings refuses `overrides` with. */
function refusal(overrides: Partial<BackendSettings>, setting: string): string {
  try {
    checkBackendSettings(settings(overrides));
  } catch (error) {
    assert.ok(error instanceof SettingsError, String(error));
    assert.equal(error.setting, setting, error.message);
    return error.reason;
  }
  assert.fail(`expected a SettingsError for ${setting}`);
}

describe('checkBackendSettings', () => {
  it('returns the algorithm, and refuses one that is not a string with Simple JWT\'s message', () => {
    assert.equal(checkBackendSettings(settings({ algorithm: 'ES384' })), 'ES384');
    assert.equal(refusal({ algorithm: 256 as unknown as Algorithm }, 'algorithm'), "Unrecognized algorithm type '256'");
    assert.equal(refusal({ algorithm: 'HS257' as Algorithm }, 'algorithm'), "Unrecognized algorithm type 'HS257'");
  });

  it('takes an audience string or a list of them, and names what it expects otherwise', () => {
    checkBackendSettings(settings({ audience: 'api' }));
    checkBackendSettings(settings({ audience: ['api', 'admin'] }));
    for (const audience of ['', [], [''], 7 as unknown as string, [['api']] as unknown as string[]]) {
      assert.equal(refusal({ audience }, 'audience'), 'must be a non-empty string or a non-empty list of non-empty strings', JSON.stringify(audience));
    }
  });

  it('takes an issuer string and refuses an empty or non-string one', () => {
    checkBackendSettings(settings({ issuer: 'https://issuer.example' }));
    assert.equal(refusal({ issuer: '' }, 'issuer'), 'must be a non-empty string');
    assert.equal(refusal({ issuer: 7 as unknown as string }, 'issuer'), 'must be a non-empty string');
    // Not a string, though it has a length: a list would be written into tokens as iss.
    assert.equal(refusal({ issuer: ['me'] as unknown as string }, 'issuer'), 'must be a non-empty string');
  });

  it('takes an http or https JWK Set URL with an asymmetric algorithm', () => {
    assert.equal(checkBackendSettings(settings({ ...JWKS })), 'RS256');
    assert.equal(checkBackendSettings(settings({ ...JWKS, jwkUrl: 'http://localhost:8000/jwks.json' })), 'RS256');
  });

  it('refuses a JWK Set URL with an HMAC algorithm, and one that is not http(s), quoting it', () => {
    assert.equal(refusal({ jwkUrl: JWKS.jwkUrl, algorithm: 'HS512' }, 'jwkUrl'), 'cannot be used with HS512: a JWK Set publishes public keys, not HMAC secrets');
    assert.equal(refusal({ ...JWKS, jwkUrl: 'ftp://x/jwks' }, 'jwkUrl'), 'must be an http(s) URL, got "ftp://x/jwks"');
    assert.equal(refusal({ ...JWKS, jwkUrl: 'nope' }, 'jwkUrl'), 'must be an http(s) URL, got "nope"');
  });

  it('checks the JWKS numbers only with a JWK Set URL: cache and cooldown may be 0, the timeout may not', () => {
    checkBackendSettings(settings({ jwkCacheSeconds: -1, jwkTimeoutMs: 0, jwkCooldownSeconds: -1 }));
    checkBackendSettings(settings({ ...JWKS, jwkCacheSeconds: 0, jwkCooldownSeconds: 0, jwkTimeoutMs: 1 }));
    checkBackendSettings(settings({ ...JWKS, jwkCooldownSeconds: undefined }));
    assert.equal(refusal({ ...JWKS, jwkCacheSeconds: -1 }, 'jwkCacheSeconds'), 'must be a non-negative finite number of seconds');
    assert.equal(refusal({ ...JWKS, jwkCacheSeconds: Infinity }, 'jwkCacheSeconds'), 'must be a non-negative finite number of seconds');
    assert.equal(refusal({ ...JWKS, jwkTimeoutMs: 0 }, 'jwkTimeoutMs'), 'must be a positive finite number of milliseconds');
    assert.equal(refusal({ ...JWKS, jwkTimeoutMs: '5000' as unknown as number }, 'jwkTimeoutMs'), 'must be a positive finite number of milliseconds');
    assert.equal(refusal({ ...JWKS, jwkCooldownSeconds: -1 }, 'jwkCooldownSeconds'), 'must be a non-negative finite number of seconds');
    assert.equal(refusal({ ...JWKS, jwkCooldownSeconds: NaN }, 'jwkCooldownSeconds'), 'must be a non-negative finite number of seconds');
  });

  it('refuses a key resolver together with a JWK Set URL, and takes one alone', () => {
    const keyResolver = (() => undefined) as unknown as BackendSettings['keyResolver'];
    checkBackendSettings(settings({ keyResolver }));
    assert.match(refusal({ ...JWKS, keyResolver }, 'keyResolver'), /^cannot be combined with jwkUrl/);
  });

  it('takes a leeway of 0 or more seconds, and a clock with a now() method', () => {
    checkBackendSettings(settings({ leeway: 0 }));
    checkBackendSettings(settings({ leeway: 1.5 }));
    assert.equal(refusal({ leeway: -0.5 }, 'leeway'), 'must be a non-negative finite number of seconds');
    assert.equal(refusal({ leeway: Infinity }, 'leeway'), 'must be a non-negative finite number of seconds');
    assert.equal(refusal({ clock: undefined as unknown as BackendSettings['clock'] }, 'clock'), 'must be an object with a now() method');
    assert.equal(refusal({ clock: { now: 5 } as unknown as BackendSettings['clock'] }, 'clock'), 'must be an object with a now() method');
  });
});
