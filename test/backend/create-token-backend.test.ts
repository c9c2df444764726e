import assert from 'node:assert/strict';
import { KeyObject, createPrivateKey, createSecretKey } from 'node:crypto';
import { describe, it, mock } from 'node:test';
import jwt from 'jsonwebtoken';
import { createTokenBackend, type BackendSettings } from '../../src/backend/create-token-backend.js';
import { backendSettings } from '../support/backend-settings.js';
import { SettingsError } from '../../src/errors.js';
import type { Algorithm, KeyInput } from '../../src/settings.js';
import {
  HMAC_SECRET_64,
  SIMPLEJWT_ES256_PRIVATE_KEY,
  SIMPLEJWT_ES256_PUBLIC_KEY,
  SIMPLEJWT_RSA_PRIVATE_KEY,
  SIMPLEJWT_RSA_PUBLIC_KEY,
  SIMPLEJWT_RSA_PUBLIC_KEY_2,
  SIMPLEJWT_SECRET,
  generatedPair,
  keysFor,
} from '../support/keys.js';

function settings(overrides: Partial<BackendSettings> = {}): BackendSettings {
  return backendSettings(1_700_000_000, overrides);
}

function refuses(overrides: Partial<BackendSettings>, setting: string, message?: RegExp): void {
  assert.throws(
    () => createTokenBackend(settings(overrides)),
    (error: unknown) => {
      assert.ok(error instanceof SettingsError, `expected a SettingsError, got ${String(error)}`);
      assert.equal(error.setting, setting, error.message);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

describe('createTokenBackend: algorithm', () => {
  it("refuses an unknown algorithm naming the setting and Simple JWT's message", () => {
    refuses({ algorithm: 'oienarst oieanrsto i' as Algorithm }, 'algorithm', /Unrecognized algorithm type 'oienarst oieanrsto i'/);
    refuses({ algorithm: 'none' as Algorithm }, 'algorithm', /Unrecognized algorithm type 'none'/);
    refuses({ algorithm: 'hs256' as Algorithm }, 'algorithm');
  });

  it('exposes the configured algorithm and is frozen', () => {
    const backend = createTokenBackend(settings({ algorithm: 'HS512' }));
    assert.equal(backend.algorithm, 'HS512');
    assert.ok(Object.isFrozen(backend));
  });
});

describe('createTokenBackend: HMAC keys', () => {
  it('refuses a secret shorter than the hash output (RFC 7518 §3.2): 32/48/64 bytes for HS256/384/512', () => {
    refuses({ signingKey: SIMPLEJWT_SECRET }, 'signingKey', /at least 32 bytes/);
    refuses({ signingKey: 'k'.repeat(31) }, 'signingKey', /at least 32 bytes/);
    refuses({ algorithm: 'HS384', signingKey: 'k'.repeat(47) }, 'signingKey', /at least 48 bytes/);
    refuses({ algorithm: 'HS512', signingKey: 'k'.repeat(63) }, 'signingKey', /at least 64 bytes/);
    refuses({ signingKey: createSecretKey(Buffer.alloc(16)) }, 'signingKey');
  });

  it('accepts secrets of exactly the hash output size, as strings, bytes or KeyObjects', () => {
    createTokenBackend(settings({ signingKey: 'k'.repeat(32) }));
    createTokenBackend(settings({ algorithm: 'HS384', signingKey: Buffer.alloc(48, 1) }));
    createTokenBackend(settings({ algorithm: 'HS512', signingKey: new Uint8Array(64).fill(2) }));
    createTokenBackend(settings({ signingKey: createSecretKey(Buffer.alloc(32, 3)) }));
  });

  it('counts UTF-8 bytes, not characters', () => {
    refuses({ signingKey: 'é'.repeat(15) }, 'signingKey'); // 30 bytes
    createTokenBackend(settings({ signingKey: 'é'.repeat(16) })); // 32 bytes
  });

  it('accepts a short secret when enforceKeyLength is false (for Simple JWT test vectors only)', () => {
    const backend = createTokenBackend(settings({ signingKey: SIMPLEJWT_SECRET }), { enforceKeyLength: false });
    assert.equal(backend.algorithm, 'HS256');
  });

  it('refuses a missing or empty signing key even when key length is not enforced', () => {
    for (const signingKey of [undefined, '', Buffer.alloc(0)]) {
      assert.throws(
        () => createTokenBackend(settings({ signingKey: signingKey as KeyInput }), { enforceKeyLength: false }),
        (error: unknown) => error instanceof SettingsError && error.setting === 'signingKey',
      );
    }
  });

  it('refuses a PEM key used as an HMAC secret (key confusion, RFC 8725 §2.1)', () => {
    refuses({ signingKey: SIMPLEJWT_RSA_PUBLIC_KEY }, 'signingKey', /PEM/);
    refuses({ signingKey: createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY) }, 'signingKey');
  });

  it('ignores verifyingKey for HMAC algorithms, as Simple JWT does', async () => {
    const backend = createTokenBackend(settings({ verifyingKey: 'whatever' }));
    assert.deepEqual(await backend.decode(backend.encode({ a: 1 })), { a: 1 });
  });
});

describe('createTokenBackend: asymmetric keys', () => {
  it('refuses a secret where a private key belongs', () => {
    refuses({ algorithm: 'RS256', signingKey: 'not_secret' }, 'signingKey', /private key/);
    refuses({ algorithm: 'ES256', signingKey: HMAC_SECRET_64 }, 'signingKey');
    refuses({ algorithm: 'RS256', signingKey: createSecretKey(Buffer.alloc(32)) }, 'signingKey');
  });

  it('refuses a public key where the private key belongs', () => {
    refuses({ algorithm: 'RS256', signingKey: SIMPLEJWT_RSA_PUBLIC_KEY }, 'signingKey');
  });

  it('refuses a key of the wrong type for the algorithm', () => {
    refuses({ algorithm: 'ES256', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY }, 'signingKey', /expected an EC key/);
    refuses({ algorithm: 'RS256', signingKey: SIMPLEJWT_ES256_PRIVATE_KEY }, 'signingKey', /expected an RSA key/);
    refuses({ algorithm: 'EdDSA', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY }, 'signingKey', /Ed25519/);
    refuses({ algorithm: 'PS256', signingKey: generatedPair('ed25519').privateKey }, 'signingKey');
  });

  it('refuses an EC key on the wrong curve (RFC 7518 §3.4), unlike Simple JWT, whose tests reuse a P-256 key for ES384/ES512', () => {
    refuses({ algorithm: 'ES384', signingKey: SIMPLEJWT_ES256_PRIVATE_KEY }, 'signingKey', /secp384r1/);
    refuses({ algorithm: 'ES512', signingKey: SIMPLEJWT_ES256_PRIVATE_KEY }, 'signingKey', /secp521r1/);
    refuses({ algorithm: 'ES256', signingKey: generatedPair('p384').privateKey }, 'signingKey', /prime256v1/);
  });

  it('refuses an RSA key shorter than 2048 bits (RFC 7518 §3.3)', () => {
    refuses({ algorithm: 'RS256', signingKey: generatedPair('rsa1024').privateKey }, 'signingKey', /2048/);
    refuses({ algorithm: 'PS256', signingKey: generatedPair('rsa1024').privateKey }, 'signingKey', /2048/);
  });

  it('accepts an RSA-PSS key for the PS algorithm its parameters allow, and refuses it for RS and other PS sizes', async () => {
    const pss = generatedPair('rsaPss256');
    const backend = createTokenBackend(settings({ algorithm: 'PS256', signingKey: pss.privateKey }));
    assert.deepEqual(await backend.decode(backend.encode({ a: 1 })), { a: 1 });
    refuses({ algorithm: 'RS256', signingKey: pss.privateKey }, 'signingKey');
    refuses({ algorithm: 'PS384', signingKey: pss.privateKey }, 'signingKey', /sha256/);
  });

  it('refuses a verifying key that is not a key, or not of the right type', () => {
    const rs = { algorithm: 'RS256', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY } as const;
    refuses({ ...rs, verifyingKey: 'garbage' }, 'verifyingKey');
    refuses({ ...rs, verifyingKey: SIMPLEJWT_ES256_PUBLIC_KEY }, 'verifyingKey', /expected an RSA key/);
    refuses({ ...rs, verifyingKey: createSecretKey(Buffer.alloc(32)) }, 'verifyingKey');
  });

  it('refuses a verifying key that does not match the signing key', () => {
    refuses(
      { algorithm: 'RS256', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY, verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY_2 },
      'verifyingKey',
      /does not match/,
    );
    refuses(
      { algorithm: 'EdDSA', signingKey: generatedPair('ed25519').privateKey, verifyingKey: generatedPair('ed448').publicKey },
      'verifyingKey',
    );
  });

  it('accepts keys given as KeyObjects and as a private key in the verifying key slot', async () => {
    const backend = createTokenBackend(
      settings({
        algorithm: 'RS256',
        signingKey: createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY),
        verifyingKey: createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY),
      }),
    );
    assert.deepEqual(await backend.decode(backend.encode({ a: 1 })), { a: 1 });
  });
});

describe('createTokenBackend: audience, issuer, jwkUrl, leeway', () => {
  it('refuses an empty audience in any form', () => {
    refuses({ audience: '' }, 'audience');
    refuses({ audience: [] }, 'audience');
    refuses({ audience: ['api', ''] }, 'audience');
    refuses({ audience: [7] as unknown as string[] }, 'audience');
  });

  it('refuses an empty issuer', () => {
    refuses({ issuer: '' }, 'issuer');
  });

  it('refuses a JWK Set URL with an HMAC algorithm', () => {
    refuses({ jwkUrl: 'https://example.com/.well-known/jwks.json' }, 'jwkUrl', /HS256/);
  });

  it('refuses a JWK Set URL that is not http(s)', () => {
    const rs = { algorithm: 'RS256', ...keysFor('RS256') } as const;
    refuses({ ...rs, jwkUrl: 'ftp://example.com/jwks.json' }, 'jwkUrl');
    refuses({ ...rs, jwkUrl: 'file:///etc/jwks.json' }, 'jwkUrl');
    refuses({ ...rs, jwkUrl: 'not a url' }, 'jwkUrl');
    refuses({ ...rs, jwkUrl: '' }, 'jwkUrl');
  });

  it('refuses impossible JWKS timings and leeway', () => {
    const rs = { algorithm: 'RS256', ...keysFor('RS256'), jwkUrl: 'https://example.com/jwks.json' } as const;
    refuses({ ...rs, jwkTimeoutMs: 0 }, 'jwkTimeoutMs');
    refuses({ ...rs, jwkCacheSeconds: -1 }, 'jwkCacheSeconds');
    refuses({ leeway: -1 }, 'leeway');
    refuses({ leeway: Number.NaN }, 'leeway');
  });

  it('makes no network request at construction with a JWK Set URL', () => {
    let calls = 0;
    const fetch = (async () => {
      calls += 1;
      throw new Error('no network in this test');
    }) as typeof globalThis.fetch;
    createTokenBackend(settings({ algorithm: 'RS256', ...keysFor('RS256'), jwkUrl: 'https://example.com/jwks.json' }), {
      fetch,
    });
    assert.equal(calls, 0);
  });
});

describe('createTokenBackend: keys are KeyObjects built once', () => {
  for (const algorithm of ['HS256', 'RS256', 'ES256', 'PS256'] as const) {
    it(`hands jsonwebtoken the same ${algorithm} KeyObject on every sign and verify, never a string`, async (t) => {
      const sign = t.mock.method(jwt, 'sign');
      const verify = t.mock.method(jwt, 'verify');
      const backend = createTokenBackend(settings({ algorithm, ...keysFor(algorithm) }));
      for (let i = 0; i < 3; i += 1) await backend.decode(backend.encode({ i }));

      assert.equal(sign.mock.callCount(), 3);
      assert.equal(verify.mock.callCount(), 3);
      const signKeys = sign.mock.calls.map((call) => call.arguments[1]);
      const verifyKeys = verify.mock.calls.map((call) => call.arguments[1]);
      for (const key of [...signKeys, ...verifyKeys]) assert.ok(key instanceof KeyObject);
      assert.equal(new Set(signKeys).size, 1, 'one signing KeyObject, built at construction');
      assert.equal(new Set(verifyKeys).size, 1, 'one verifying KeyObject, built at construction');
      assert.equal((signKeys[0] as unknown as KeyObject).type, algorithm === 'HS256' ? 'secret' : 'private');
      assert.equal((verifyKeys[0] as unknown as KeyObject).type, algorithm === 'HS256' ? 'secret' : 'public');
      // Every verify pins the one configured algorithm.
      for (const call of verify.mock.calls) {
        assert.deepEqual((call.arguments[2] as { algorithms: string[] }).algorithms, [algorithm]);
      }
    });
  }

  it('does not call jsonwebtoken for EdDSA', async () => {
    const sign = mock.method(jwt, 'sign');
    const verify = mock.method(jwt, 'verify');
    try {
      const backend = createTokenBackend(settings({ algorithm: 'EdDSA', ...keysFor('EdDSA') }));
      await backend.decode(backend.encode({ a: 1 }));
      assert.equal(sign.mock.callCount(), 0);
      assert.equal(verify.mock.callCount(), 0);
    } finally {
      sign.mock.restore();
      verify.mock.restore();
    }
  });
});

describe('createTokenBackend: what it reports and passes through', () => {
  it('reports the signing key\'s algorithm, which may differ from the algorithm setting with signingKeys', () => {
    const backend = createTokenBackend(settings({ algorithm: 'ES256', signingKey: undefined, signingKeys: [{ key: HMAC_SECRET_64, kid: 'h', algorithm: 'HS512' }] }));
    assert.equal(backend.algorithm, 'HS512');
    assert.equal(backend.canSign, true);
  });

  it('keeps an aud or iss the payload has when none is configured', async () => {
    const backend = createTokenBackend(settings());
    const token = backend.encode({ aud: 'theirs', iss: 'someone', exp: 1_700_000_100 });
    assert.deepEqual(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()), { aud: 'theirs', iss: 'someone', exp: 1_700_000_100 });
    assert.deepEqual(await backend.decode(token), { aud: 'theirs', iss: 'someone', exp: 1_700_000_100 });
  });

  it('a verify-only instance refuses to sign, naming the missing signing key', () => {
    const backend = createTokenBackend(settings({ algorithm: 'RS256', signingKey: undefined, verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY }));
    assert.equal(backend.canSign, false);
    assert.throws(() => backend.encode({ a: 1 }), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.equal(error.setting, 'signingKey');
      assert.equal(error.reason, 'this instance has no signing key: it verifies tokens issued elsewhere but cannot issue any');
      return true;
    });
  });
});
