import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCompactJws } from '../../src/backend/parse-compact-jws.js';
import { TokenBackendError } from '../../src/backend/token-backend.js';

const b64 = (text: string): string => Buffer.from(text).toString('base64url');
const HEADER = b64('{"alg":"HS256","typ":"JWT"}');
const PAYLOAD = b64('{"exp":1}');

/** The detail parseCompactJws refuses `token` with. */
function refusal(token: unknown): string {
  try {
    parseCompactJws(token as string);
  } catch (error) {
    assert.ok(error instanceof TokenBackendError, String(error));
    assert.equal(error.reason, 'invalid');
    return String(error.detail);
  }
  assert.fail(`expected a refusal of ${String(token)}`);
}

describe('parseCompactJws', () => {
  it('splits a token into header, payload, signing input and signature bytes', () => {
    const jws = parseCompactJws(`${HEADER}.${PAYLOAD}.${b64('sig')}`);
    assert.deepEqual(jws.header, { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(jws.payload, { exp: 1 });
    assert.equal(jws.signingInput, `${HEADER}.${PAYLOAD}`);
    assert.equal(jws.signature.toString(), 'sig');
  });

  it('takes an empty signature (an unsecured token: the algorithm check refuses it later)', () => {
    assert.equal(parseCompactJws(`${HEADER}.${PAYLOAD}.`).signature.length, 0);
  });

  it('takes a string kid and refuses any other', () => {
    assert.equal(parseCompactJws(`${b64('{"alg":"HS256","kid":"k1"}')}.${PAYLOAD}.`).header.kid, 'k1');
    for (const kid of ['1', 'null', '["k"]']) {
      assert.equal(refusal(`${b64(`{"alg":"HS256","kid":${kid}}`)}.${PAYLOAD}.`), 'kid header is not a string', kid);
    }
  });

  it('names each structural fault', () => {
    assert.equal(refusal(42), 'token is not a string');
    assert.equal(refusal(`${HEADER}.${PAYLOAD}`), 'token does not have three segments');
    assert.equal(refusal(`${HEADER}.${PAYLOAD}.a.b`), 'token does not have three segments');
    assert.equal(refusal(`${HEADER}=.${PAYLOAD}.`), 'header segment is not base64url');
    assert.equal(refusal(`${HEADER}.${PAYLOAD}+.`), 'payload segment is not base64url');
    assert.equal(refusal(`${HEADER}.${PAYLOAD}.a/b`), 'signature segment is not base64url');
    assert.equal(refusal(`${HEADER}.${PAYLOAD}.abcde`), 'signature segment is not base64url', 'a length of 1 mod 4');
    assert.equal(refusal(`${b64('nope')}.${PAYLOAD}.`), 'header is not UTF-8 JSON');
    assert.equal(refusal(`${HEADER}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.`), 'payload is not UTF-8 JSON');
    assert.equal(refusal(`${b64('[1]')}.${PAYLOAD}.`), 'header is not a JSON object');
    assert.equal(refusal(`${HEADER}.${b64('null')}.`), 'payload is not a JSON object');
    assert.equal(refusal(`${HEADER}.${b64('7')}.`), 'payload is not a JSON object');
  });

  it('takes every base64url length but 1 mod 4', () => {
    for (const signature of ['', 'ab', 'abc', 'abcd']) parseCompactJws(`${HEADER}.${PAYLOAD}.${signature}`);
  });
});
