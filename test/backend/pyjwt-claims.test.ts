import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPyJwtClaims, type ClaimRules } from '../../src/backend/pyjwt-claims.js';
import { TokenBackendError } from '../../src/backend/token-backend.js';

const NOW = 1_700_000_000;

function rules(overrides: Partial<ClaimRules> = {}): ClaimRules {
  return { now: NOW, leeway: 0, audience: undefined, issuer: undefined, ...overrides };
}

/** The reason and detail checkPyJwtClaims refuses `payload` with. */
function refusal(payload: Record<string, unknown>, overrides: Partial<ClaimRules> = {}): string {
  try {
    checkPyJwtClaims(payload, rules(overrides));
  } catch (error) {
    assert.ok(error instanceof TokenBackendError, String(error));
    return `${error.reason}: ${error.detail}`;
  }
  assert.fail(`expected a refusal of ${JSON.stringify(payload)}`);
}

describe('checkPyJwtClaims', () => {
  it('passes a payload without registered claims, and one with every claim valid', () => {
    checkPyJwtClaims({}, rules());
    checkPyJwtClaims({ iat: NOW, nbf: NOW, exp: NOW + 1, iss: 'me', aud: 'api', sub: 's', jti: 'j' }, rules({ issuer: 'me', audience: ['api'] }));
  });

  it('iat: refused in the future beyond the leeway, and when not a finite number', () => {
    assert.equal(refusal({ iat: NOW + 1 }), 'invalid: the token is not yet valid (iat)');
    checkPyJwtClaims({ iat: NOW + 5 }, rules({ leeway: 5 }));
    assert.equal(refusal({ iat: NOW + 5.5 }, { leeway: 5 }), 'invalid: the token is not yet valid (iat)');
    assert.equal(refusal({ iat: '1' }), 'invalid: iat claim is not a NumericDate');
    assert.equal(refusal({ iat: null }), 'invalid: iat claim is not a NumericDate');
  });

  it('nbf: truncated, then refused beyond now + leeway, and when not a finite number', () => {
    checkPyJwtClaims({ nbf: NOW + 0.9 }, rules());
    assert.equal(refusal({ nbf: NOW + 1 }), 'invalid: the token is not yet valid (nbf)');
    checkPyJwtClaims({ nbf: NOW + 3 }, rules({ leeway: 3 }));
    assert.equal(refusal({ nbf: NOW + 4 }, { leeway: 3 }), 'invalid: the token is not yet valid (nbf)');
    assert.equal(refusal({ nbf: Infinity }), 'invalid: nbf claim is not a NumericDate');
  });

  it('exp: truncated, expired at or before now - leeway, invalid when not a finite number', () => {
    assert.equal(refusal({ exp: NOW }), 'expired: signature has expired');
    assert.equal(refusal({ exp: NOW + 0.9 }), 'expired: signature has expired');
    checkPyJwtClaims({ exp: NOW + 1 }, rules());
    checkPyJwtClaims({ exp: NOW - 2 }, rules({ leeway: 3 }));
    assert.equal(refusal({ exp: NOW - 3 }, { leeway: 3 }), 'expired: signature has expired');
    assert.equal(refusal({ exp: String(NOW + 10) }), 'invalid: exp claim is not a NumericDate');
  });

  it('iss: required, a string, equal to the configured issuer', () => {
    assert.equal(refusal({}, { issuer: 'me' }), 'invalid: token has no iss claim');
    assert.equal(refusal({ iss: 7 }, { issuer: 'me' }), 'invalid: iss claim is not a string');
    assert.equal(refusal({ iss: 'Me' }, { issuer: 'me' }), 'invalid: invalid issuer');
    checkPyJwtClaims({ iss: 7 }, rules());
  });

  it('aud: required, a string or a list of strings, sharing a value with the configured audience', () => {
    const audience = ['api', 'admin'];
    for (const aud of [undefined, null, '', []]) {
      assert.equal(refusal(aud === undefined ? {} : { aud }, { audience }), 'invalid: token has no aud claim', JSON.stringify(aud));
    }
    for (const aud of [7, { a: 1 }, ['api', 7], true]) {
      assert.equal(refusal({ aud }, { audience }), 'invalid: aud claim is not a string or a list of strings', JSON.stringify(aud));
    }
    assert.equal(refusal({ aud: 'other' }, { audience }), 'invalid: audience does not match');
    assert.equal(refusal({ aud: ['x', 'y'] }, { audience }), 'invalid: audience does not match');
    checkPyJwtClaims({ aud: 'admin' }, rules({ audience }));
    checkPyJwtClaims({ aud: ['x', 'api'] }, rules({ audience }));
    checkPyJwtClaims({ aud: 7 }, rules());
  });

  it('sub and jti: strings when present', () => {
    assert.equal(refusal({ sub: 1 }), 'invalid: sub claim is not a string');
    assert.equal(refusal({ jti: 1 }), 'invalid: jti claim is not a string');
    checkPyJwtClaims({ sub: '', jti: '' }, rules());
  });

  it('decides in PyJWT\'s order: iat, nbf, exp, iss, aud, sub, jti', () => {
    const all = { iat: NOW + 9, nbf: NOW + 9, exp: NOW - 9, iss: 'x', aud: 'x', sub: 1, jti: 1 };
    const strict = { issuer: 'me', audience: ['api'] };
    const order = ['the token is not yet valid (iat)', 'the token is not yet valid (nbf)', 'signature has expired', 'invalid issuer', 'audience does not match', 'sub claim is not a string', 'jti claim is not a string'];
    const payload: Record<string, unknown> = { ...all };
    for (const [i, claim] of ['iat', 'nbf', 'exp', 'iss', 'aud', 'sub', 'jti'].entries()) {
      assert.ok(refusal(payload, strict).endsWith(order[i]!), claim);
      delete payload[claim];
      if (claim === 'iss') payload.iss = 'me';
      if (claim === 'aud') payload.aud = 'api';
    }
  });
});
