import assert from 'node:assert/strict';
import { createHmac, createPrivateKey } from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { createTokenBackend, type BackendSettings } from '../../src/backend/create-token-backend.js';
import { backendSettings } from '../support/backend-settings.js';
import { TokenBackendError, type TokenBackend } from '../../src/backend/token-backend.js';
import {
  HMAC_SECRET_64,
  SIMPLEJWT_RSA_PRIVATE_KEY,
  SIMPLEJWT_RSA_PUBLIC_KEY,
} from '../support/keys.js';

const NOW = 1_700_000_000;

function settings(overrides: Partial<BackendSettings> = {}): BackendSettings {
  return backendSettings(NOW, overrides);
}

const hs256 = createTokenBackend(settings());
const rs256 = createTokenBackend(
  settings({ algorithm: 'RS256', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY, verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY }),
);

const b64 = (text: string): string => Buffer.from(text).toString('base64url');

/** A token with any header and payload text, HMAC-signed by hand (RFC 7515 §A.1). */
function forge(header: string, payload: string, secret: string | Buffer = HMAC_SECRET_64, hash = 'sha256'): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

/** An HS256 token for these claims, signed with the backend's secret. */
function claims(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  return forge(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...header }), JSON.stringify(payload));
}

async function rejects(
  backend: TokenBackend,
  token: string,
  reason: 'invalid' | 'expired',
  verify = true,
): Promise<TokenBackendError> {
  let caught: unknown;
  try {
    await backend.decode(token, { verify });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TokenBackendError, `expected a TokenBackendError, got ${String(caught)}`);
  assert.equal(caught.reason, reason, `detail: ${caught.detail}`);
  assert.equal(caught.message, reason === 'expired' ? 'Token is expired' : 'Token is invalid');
  assert.equal(typeof caught.detail, 'string');
  return caught;
}

describe('decode: signature and algorithm', () => {
  it('returns the payload of a valid token, exp as a number', async () => {
    assert.deepEqual(await hs256.decode(claims({ foo: 'baz', exp: NOW + 86400 })), { foo: 'baz', exp: NOW + 86400 });
  });

  it('accepts a token without exp, with verify on and off (the Token layer requires exp)', async () => {
    assert.deepEqual(await hs256.decode(claims({ foo: 'bar' })), { foo: 'bar' });
    assert.deepEqual(await hs256.decode(claims({ foo: 'bar' }), { verify: false }), { foo: 'bar' });
  });

  it('rejects a token whose signature belongs to another payload, and returns its payload with verify off', async () => {
    for (const backend of [hs256, rs256]) {
      const a = backend.encode({ foo: 'bar', exp: NOW + 86400 });
      const b = backend.encode({ foo: 'baz', exp: NOW + 86400 });
      const swapped = `${b.split('.').slice(0, 2).join('.')}.${a.split('.')[2]}`;
      await rejects(backend, swapped, 'invalid');
      assert.deepEqual(await backend.decode(swapped, { verify: false }), { foo: 'baz', exp: NOW + 86400 });
    }
  });

  it('rejects a token signed with another secret, with jsonwebtoken\'s reason as the detail', async () => {
    const error = await rejects(hs256, forge('{"alg":"HS256","typ":"JWT"}', '{"a":1}', 'x'.repeat(64)), 'invalid');
    assert.equal(error.detail, 'invalid signature');
  });

  it('rejects alg none, with or without a signature segment', async () => {
    const unsigned = `${b64('{"alg":"none","typ":"JWT"}')}.${b64('{"user_id":"1"}')}.`;
    await rejects(hs256, unsigned, 'invalid');
    await rejects(rs256, unsigned, 'invalid');
    await rejects(hs256, forge('{"alg":"none","typ":"JWT"}', '{"user_id":"1"}'), 'invalid');
    await rejects(hs256, forge('{"alg":"None","typ":"JWT"}', '{"user_id":"1"}'), 'invalid');
  });

  it('rejects a token signed with another HMAC size: HS384 and HS512 tokens to an HS256 backend', async () => {
    await rejects(hs256, forge('{"alg":"HS384","typ":"JWT"}', '{"a":1}', HMAC_SECRET_64, 'sha384'), 'invalid');
    const error = await rejects(hs256, forge('{"alg":"HS512","typ":"JWT"}', '{"a":1}', HMAC_SECRET_64, 'sha512'), 'invalid');
    assert.equal(error.detail, 'Invalid algorithm specified');
  });

  it('rejects an RS256 token given to an HS256 backend (test_decode_when_token_algorithm_does_not_match)', async () => {
    await rejects(hs256, rs256.encode({ a: 1 }), 'invalid');
  });

  it('rejects HS/RS key confusion: an HS256 token signed with the public key PEM given to an RS256 backend', async () => {
    const confused = forge('{"alg":"HS256","typ":"JWT"}', '{"user_id":"1"}', SIMPLEJWT_RSA_PUBLIC_KEY);
    await rejects(rs256, confused, 'invalid');
    const trimmed = forge('{"alg":"HS256","typ":"JWT"}', '{"user_id":"1"}', SIMPLEJWT_RSA_PUBLIC_KEY.trim());
    await rejects(rs256, trimmed, 'invalid');
  });

  it('rejects a token with a header without alg', async () => {
    await rejects(hs256, forge('{"typ":"JWT"}', '{"a":1}'), 'invalid');
  });

  it('rejects a token with a crit header (RFC 7515 §4.1.11: no extension is understood)', async () => {
    assert.equal((await rejects(hs256, claims({ a: 1 }, { crit: ['exp'] }), 'invalid')).detail, 'unsupported crit header');
  });

  it('rejects a kid header that is not a string', async () => {
    await rejects(hs256, claims({ a: 1 }, { kid: 7 }), 'invalid');
    assert.deepEqual(await hs256.decode(claims({ a: 1 }, { kid: 'k1' })), { a: 1 });
  });

  it('verifies RS256 tokens signed elsewhere (jsonwebtoken) with the configured public key', async () => {
    const token = jwt.sign({ foo: 'baz', exp: NOW + 60 }, createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY), {
      algorithm: 'RS256',
      noTimestamp: true,
    });
    assert.deepEqual(await rs256.decode(token), { foo: 'baz', exp: NOW + 60 });
  });
});

describe('decode: malformed tokens are invalid, with verify on and off', () => {
  const cases: Record<string, string> = {
    'empty string': '',
    'one segment': 'abc',
    'two segments': 'abc.def',
    'four segments': 'a.b.c.d',
    'non-base64url characters': 'ab$c.def.ghi',
    'impossible base64 length': `${b64('{"alg":"HS256"}')}.${b64('{}')}x.sig`,
    'header that is not JSON': `${b64('not json')}.${b64('{}')}.c2ln`,
    'header that is a JSON array': `${b64('["HS256"]')}.${b64('{}')}.c2ln`,
    'payload that is not JSON': forge('{"alg":"HS256","typ":"JWT"}', 'not json'),
    'payload that is a JSON array': forge('{"alg":"HS256","typ":"JWT"}', '[1,2]'),
    'payload that is JSON null': forge('{"alg":"HS256","typ":"JWT"}', 'null'),
    'payload that is a JSON string': forge('{"alg":"HS256","typ":"JWT"}', '"exp"'),
    'payload that is a JSON number': forge('{"alg":"HS256","typ":"JWT"}', '42'),
  };
  for (const [name, token] of Object.entries(cases)) {
    it(`rejects a token with ${name}`, async () => {
      await rejects(hs256, token, 'invalid');
      await rejects(hs256, token, 'invalid', false);
    });
  }

  it('rejects a payload that is not valid UTF-8', async () => {
    const input = `${b64('{"alg":"HS256","typ":"JWT"}')}.${Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url')}`;
    const token = `${input}.${createHmac('sha256', HMAC_SECRET_64).update(input).digest('base64url')}`;
    await rejects(hs256, token, 'invalid');
    await rejects(hs256, token, 'invalid', false);
  });

  it('rejects a value that is not a string with a TokenBackendError, not a TypeError', async () => {
    await rejects(hs256, 42 as unknown as string, 'invalid');
    await rejects(hs256, undefined as unknown as string, 'invalid', false);
  });
});

describe('decode: exp (RFC 7519 §4.1.4, PyJWT: expired when exp <= now - leeway)', () => {
  it('reports a token whose exp equals now as expired', async () => {
    await rejects(hs256, claims({ exp: NOW }), 'expired');
  });

  it('accepts a token whose exp is one second after now', async () => {
    assert.deepEqual(await hs256.decode(claims({ exp: NOW + 1 })), { exp: NOW + 1 });
  });

  it('measures against the injected clock, including its fraction of a second', async () => {
    const later = createTokenBackend(settings({ clock: { now: () => new Date(NOW * 1000 + 500) } }));
    assert.deepEqual(await later.decode(claims({ exp: NOW + 1 })), { exp: NOW + 1 });
    await rejects(later, claims({ exp: NOW }), 'expired');
  });

  it('with leeway 100: exp 200 s ago is expired, exp 50 s ago is accepted', async () => {
    const lenient = createTokenBackend(settings({ leeway: 100 }));
    await rejects(lenient, claims({ exp: NOW - 200 }), 'expired');
    assert.deepEqual(await lenient.decode(claims({ exp: NOW - 50 })), { exp: NOW - 50 });
    await rejects(lenient, claims({ exp: NOW - 100 }), 'expired');
    assert.deepEqual(await lenient.decode(claims({ exp: NOW - 99 })), { exp: NOW - 99 });
  });

  it('truncates a fractional exp as PyJWT does', async () => {
    await rejects(hs256, claims({ exp: NOW + 0.9 }), 'expired');
  });

  it('rejects a non-numeric exp as invalid, not expired', async () => {
    for (const exp of ['tomorrow', String(NOW + 60), null, true, { at: NOW }]) {
      await rejects(hs256, claims({ exp }), 'invalid');
    }
  });

  it('returns an expired token with verify off', async () => {
    assert.deepEqual(await hs256.decode(claims({ exp: NOW - 10 }), { verify: false }), { exp: NOW - 10 });
  });
});

describe('decode: nbf and iat', () => {
  it('rejects an nbf in the future and accepts nbf == now', async () => {
    await rejects(hs256, claims({ nbf: NOW + 1 }), 'invalid');
    assert.deepEqual(await hs256.decode(claims({ nbf: NOW })), { nbf: NOW });
  });

  it('allows nbf up to leeway seconds ahead', async () => {
    const lenient = createTokenBackend(settings({ leeway: 10 }));
    assert.deepEqual(await lenient.decode(claims({ nbf: NOW + 10 })), { nbf: NOW + 10 });
    await rejects(lenient, claims({ nbf: NOW + 11 }), 'invalid');
  });

  it('rejects an iat in the future (PyJWT >= 2.6) and accepts iat == now', async () => {
    await rejects(hs256, claims({ iat: NOW + 1 }), 'invalid');
    assert.deepEqual(await hs256.decode(claims({ iat: NOW })), { iat: NOW });
  });

  it('rejects an iat that is not a number', async () => {
    await rejects(hs256, claims({ iat: 'yesterday' }), 'invalid');
    await rejects(hs256, claims({ iat: null }), 'invalid');
  });

  it('rejects a non-numeric nbf', async () => {
    await rejects(hs256, claims({ nbf: 'soon' }), 'invalid');
  });

  it('decides nbf before exp, as PyJWT does: a token not yet valid and expired is invalid', async () => {
    await rejects(hs256, claims({ nbf: NOW + 60, exp: NOW - 60 }), 'invalid');
  });
});

describe('decode: aud and iss', () => {
  const audIss = createTokenBackend(
    settings({
      algorithm: 'RS256',
      signingKey: SIMPLEJWT_RSA_PRIVATE_KEY,
      verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY,
      audience: 'openid-client-id',
      issuer: 'https://www.myoidcprovider.com',
    }),
  );
  const sign = (payload: Record<string, unknown>): string =>
    jwt.sign(payload, createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY), { algorithm: 'RS256', noTimestamp: true });
  const good = { foo: 'baz', exp: NOW + 86400, aud: 'openid-client-id', iss: 'https://www.myoidcprovider.com' };

  it('accepts a token with the configured aud and iss (test_decode_aud_iss_success)', async () => {
    assert.deepEqual(await audIss.decode(sign(good)), good);
  });

  it('accepts our own encoded tokens, which carry aud and iss', async () => {
    assert.deepEqual(await audIss.decode(audIss.encode({ foo: 'bar' })), {
      foo: 'bar',
      aud: 'openid-client-id',
      iss: 'https://www.myoidcprovider.com',
    });
  });

  it('rejects a token without aud or without iss when they are configured', async () => {
    const { aud: _aud, ...noAud } = good;
    const { iss: _iss, ...noIss } = good;
    await rejects(audIss, sign(noAud), 'invalid');
    await rejects(audIss, sign(noIss), 'invalid');
  });

  it('rejects a token with another aud or iss', async () => {
    await rejects(audIss, sign({ ...good, aud: 'someone-else' }), 'invalid');
    await rejects(audIss, sign({ ...good, iss: 'https://evil.example' }), 'invalid');
    await rejects(audIss, sign({ ...good, iss: ['https://www.myoidcprovider.com'] }), 'invalid');
    await rejects(audIss, sign({ ...good, aud: '' }), 'invalid');
    await rejects(audIss, sign({ ...good, aud: [] }), 'invalid');
    await rejects(audIss, sign({ ...good, aud: ['openid-client-id', 7] }), 'invalid');
  });

  it('accepts a token whose aud list shares one value with the configured audience list', async () => {
    const multi = createTokenBackend(settings({ audience: ['api', 'admin'] }));
    assert.deepEqual(await multi.decode(claims({ aud: ['web', 'admin'] })), { aud: ['web', 'admin'] });
    assert.deepEqual(await multi.decode(claims({ aud: 'api' })), { aud: 'api' });
    await rejects(multi, claims({ aud: ['web'] }), 'invalid');
  });

  it('ignores aud and iss in the token when none is configured', async () => {
    assert.deepEqual(await hs256.decode(claims({ aud: 'anyone', iss: 'anybody' })), { aud: 'anyone', iss: 'anybody' });
  });

  it('decides exp before iss: an expired token with the wrong issuer is expired', async () => {
    await rejects(audIss, sign({ ...good, exp: NOW - 1, iss: 'https://evil.example' }), 'expired');
  });

  it('decides the signature before exp: an expired token with a bad signature is invalid', async () => {
    const token = sign({ ...good, exp: NOW - 1 });
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${'A'.repeat(342)}`;
    await rejects(audIss, forged, 'invalid');
  });
});

describe('decode: sub and jti (PyJWT >= 2.10)', () => {
  it('rejects a sub or jti that is not a string', async () => {
    await rejects(hs256, claims({ sub: 1 }), 'invalid');
    await rejects(hs256, claims({ jti: 1234 }), 'invalid');
    await rejects(hs256, claims({ jti: null }), 'invalid');
  });

  it('accepts string sub and jti', async () => {
    assert.deepEqual(await hs256.decode(claims({ sub: '1', jti: 'abc' })), { sub: '1', jti: 'abc' });
  });

  it('does not check sub and jti with verify off', async () => {
    assert.deepEqual(await hs256.decode(claims({ sub: 1 }), { verify: false }), { sub: 1 });
  });
});
