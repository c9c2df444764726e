import assert from 'node:assert/strict';
import { createHmac, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { describe, it } from 'node:test';
import { createTokenBackend, type BackendSettings } from '../../src/backend/create-token-backend.js';
import { backendSettings } from '../support/backend-settings.js';
import { ALGORITHMS, type Algorithm } from '../../src/settings.js';
import {
  SIMPLEJWT_DJANGO_SECRET_KEY,
  SIMPLEJWT_RSA_PRIVATE_KEY,
  SIMPLEJWT_RSA_PUBLIC_KEY,
  SIMPLEJWT_SECRET,
  generatedPair,
  keysFor,
} from '../support/keys.js';

const NOW = 946684800; // 2000-01-01T00:00:00Z, the instant Simple JWT's vectors use
function settings(overrides: Partial<BackendSettings> = {}): BackendSettings {
  return backendSettings(NOW, { signingKey: SIMPLEJWT_SECRET, ...overrides });
}

function segmentJson(token: string, index: 0 | 1): string {
  return Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8');
}

/** An HS256 token computed from first principles: base64url(JSON) and HMAC-SHA256 (RFC 7515 §A.1). */
function hs256(headerJson: string, payloadJson: string, secret: string): string {
  const input = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const AUDIENCE = 'openid-client-id';
const ISSUER = 'https://www.myoidcprovider.com';

describe('encode: byte-for-byte parity with Simple JWT', () => {
  it('produces the exact HS256 token of tests/test_backends.py test_encode_hmac', () => {
    const backend = createTokenBackend(settings(), { enforceKeyLength: false });
    // Simple JWT accepts either header order; PyJWT >= 2 sorts header keys, giving alg then typ.
    assert.equal(
      backend.encode({ exp: NOW }),
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjk0NjY4NDgwMH0.jvxQgXCSDToR8uKoRJcMT-LmMJJn2-NM76nfSR2FOgs',
    );
  });

  it("produces the exact HS256 token of tests/test_tokens.py test_str (Django's test SECRET_KEY)", () => {
    const backend = createTokenBackend(settings({ signingKey: SIMPLEJWT_DJANGO_SECRET_KEY }), { enforceKeyLength: false });
    assert.equal(
      backend.encode({ exp: NOW }),
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjk0NjY4NDgwMH0.iqxxOHV63sjeqNR1GDxX3LPvMymfVB76sOIDqTbjAgk',
    );
  });

  it('produces the exact RS256 token of tests/test_backends.py test_encode_rsa', () => {
    const backend = createTokenBackend(
      settings({ algorithm: 'RS256', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY, verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY }),
    );
    assert.equal(
      backend.encode({ exp: NOW }),
      'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjk0NjY4NDgwMH0.pzHTOaVvKJMMkSqksGh-NdeEvQy8Thre3hBM3smUW5Sohtg77KnHpaUYjq30DyRmYQRmPSjEVprh1Yvic_-OeAXPW8WVsF-r4YdJuxWUpuZbIPwJ9E-cMfTZkDkOl18z1zOdlsLtsP2kXyAlptyy9QQsM7AxoqM6cyXoQ5TI0geWccgoahTy3cBtA6pmjm7H0nfeDGqpqYQBhtaFmRuIWn-_XtdN9C6NVmRCcZwyjH-rP3oEm6wtuKJEN25sVWlZm8YRQ-rj7A7SNqBB5tFK2anM_iv4rmBlIEkmr_f2s_WqMxn2EWUSNeqbqiwabR6CZUyJtKx1cPG0B2PqOTcZsg',
    );
  });

  it('produces the exact RS256 token with aud and iss of test_encode_aud_iss, without mutating the payload', () => {
    const backend = createTokenBackend(
      settings({
        algorithm: 'RS256',
        signingKey: SIMPLEJWT_RSA_PRIVATE_KEY,
        verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY,
        audience: AUDIENCE,
        issuer: ISSUER,
      }),
    );
    const payload = { exp: NOW };
    const token = backend.encode(payload);
    assert.deepEqual(payload, { exp: NOW });
    // The one of Simple JWT's twelve accepted tokens with header alg,typ and payload order exp,aud,iss.
    assert.equal(
      token,
      'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjk0NjY4NDgwMCwiYXVkIjoib3BlbmlkLWNsaWVudC1pZCIsImlzcyI6Imh0dHBzOi8vd3d3Lm15b2lkY3Byb3ZpZGVyLmNvbSJ9.MfhVcFN-9Rd0j11CLtxopzREKdyJH1loSpD4ibjP6Aco4-iM5C99B6gliPgOldtuevhneXV2I7NGhmZFULaYhulcLrAgKe3Gj_TK-sHvwb62e14ArugmK_FAhN7UqbX8hU9wP42LaWXqA7ps4kkJSx-sfgHqMzCKewlAZWwyZBoFgWEgoheKZ7ILkSGf0jzBZlS_1R0jFRSrlYD9rI1S4Px-HllS0t32wRCSbzkp6aVMRs46S0ePrN1mK3spsuQXtYhE2913ZC7p2KwyTGfC2FOOeJdRJknh6kI3Z7pTcsjN2jnQN3o8vPEkN3wl7MbAgAsHcUV45pvyxn4SNBmTMQ',
    );
  });

  it('produces the HS256 token with aud and iss that HMAC over base64url(JSON) gives (no Simple JWT vector exists)', () => {
    const backend = createTokenBackend(settings({ audience: AUDIENCE, issuer: ISSUER }), { enforceKeyLength: false });
    assert.equal(
      backend.encode({ exp: NOW }),
      hs256(
        '{"alg":"HS256","typ":"JWT"}',
        `{"exp":${NOW},"aud":"${AUDIENCE}","iss":"${ISSUER}"}`,
        SIMPLEJWT_SECRET,
      ),
    );
  });
});

describe('encode: claims', () => {
  it('writes a list audience as a JSON array', () => {
    const backend = createTokenBackend(settings({ audience: ['a', 'b'] }), { enforceKeyLength: false });
    assert.equal(segmentJson(backend.encode({ exp: NOW }), 1), '{"exp":946684800,"aud":["a","b"]}');
  });

  it('copies a list audience at creation: changing the given list later changes neither the tokens nor what decode accepts', async () => {
    const audience = ['a', 'b'];
    const backend = createTokenBackend(settings({ audience }), { enforceKeyLength: false });
    audience.push('c');
    audience[0] = 'x';
    const token = backend.encode({ exp: NOW + 10 });
    assert.equal(segmentJson(token, 1), `{"exp":${NOW + 10},"aud":["a","b"]}`);
    await backend.decode(token);
  });

  it('overwrites aud and iss already in the payload, keeping their position, and leaves the payload unchanged', () => {
    const backend = createTokenBackend(settings({ audience: 'mine', issuer: 'me' }), { enforceKeyLength: false });
    const payload = { iss: 'someone', aud: 'theirs', exp: NOW };
    const token = backend.encode(payload);
    assert.equal(segmentJson(token, 1), '{"iss":"me","aud":"mine","exp":946684800}');
    assert.deepEqual(payload, { iss: 'someone', aud: 'theirs', exp: NOW });
  });

  it('does not add iat, kid or any other claim or header', () => {
    const backend = createTokenBackend(settings(), { enforceKeyLength: false });
    const token = backend.encode({ user_id: '1' });
    assert.equal(segmentJson(token, 0), '{"alg":"HS256","typ":"JWT"}');
    assert.equal(segmentJson(token, 1), '{"user_id":"1"}');
  });

  it("escapes non-ASCII characters as PyJWT's json.dumps does", () => {
    const backend = createTokenBackend(settings(), { enforceKeyLength: false });
    const token = backend.encode({ name: 'Zoë 😀' });
    assert.equal(segmentJson(token, 1), '{"name":"Zo\\u00eb \\ud83d\\ude00"}');
  });

  it('writes the header {"alg":<alg>,"typ":"JWT"} for every algorithm', () => {
    for (const algorithm of ALGORITHMS) {
      const backend = createTokenBackend(settings({ algorithm, ...keysFor(algorithm) }));
      assert.equal(segmentJson(backend.encode({ exp: NOW }), 0), `{"alg":"${algorithm}","typ":"JWT"}`, algorithm);
    }
  });
});

describe('encode: EdDSA', () => {
  it('signs Ed25519 tokens that an independent node:crypto verification accepts (RFC 8037 §3.1)', () => {
    const pair = generatedPair('ed25519');
    const backend = createTokenBackend(settings({ algorithm: 'EdDSA', signingKey: pair.privateKey }));
    const [header, payload, signature] = backend.encode({ exp: NOW }).split('.') as [string, string, string];
    const input = Buffer.from(`${header}.${payload}`);
    assert.equal(cryptoVerify(null, input, createPublicKey(pair.publicKey), Buffer.from(signature, 'base64url')), true);
    assert.equal(Buffer.from(signature, 'base64url').length, 64);
  });

  it('signs with an Ed448 key too', async () => {
    const pair = generatedPair('ed448');
    const backend = createTokenBackend(settings({ algorithm: 'EdDSA', signingKey: pair.privateKey }));
    const token = backend.encode({ exp: NOW + 60 });
    assert.deepEqual(await backend.decode(token), { exp: NOW + 60 });
  });
});

describe('encode then decode: every algorithm family round-trips', () => {
  const algorithms: readonly Algorithm[] = ALGORITHMS;
  for (const algorithm of algorithms) {
    it(`round-trips ${algorithm} with the verifying key given and with it derived`, async () => {
      const keys = keysFor(algorithm);
      const payload = { exp: NOW + 300, iat: NOW, jti: 'abc', token_type: 'access', user_id: '42' };
      const given = createTokenBackend(settings({ algorithm, ...keys }));
      const derived = createTokenBackend(settings({ algorithm, signingKey: keys.signingKey }));
      assert.deepEqual(await given.decode(given.encode(payload)), payload);
      assert.deepEqual(await derived.decode(given.encode(payload)), payload);
      assert.deepEqual(await given.decode(derived.encode(payload)), payload);
    });
  }
});
