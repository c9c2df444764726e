import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, createSecretKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { eddsaHeaderSegment, signEdDsa, verifyEdDsa } from '../../src/backend/eddsa.js';
import { parseCompactJws } from '../../src/backend/parse-compact-jws.js';
import { SIMPLEJWT_ES256_PUBLIC_KEY, generatedPair } from '../support/keys.js';

const ed25519 = generatedPair('ed25519');
const ed448 = generatedPair('ed448');
const header = (segment: string): unknown => JSON.parse(Buffer.from(segment, 'base64url').toString());

describe('eddsaHeaderSegment', () => {
  it('encodes PyJWT\'s header, alg then typ, with kid last when given', () => {
    assert.deepEqual(Object.entries(header(eddsaHeaderSegment(undefined)) as object), [['alg', 'EdDSA'], ['typ', 'JWT']]);
    assert.deepEqual(Object.entries(header(eddsaHeaderSegment('k1')) as object), [['alg', 'EdDSA'], ['typ', 'JWT'], ['kid', 'k1']]);
  });
});

describe('signEdDsa and verifyEdDsa', () => {
  it('sign with the default header and the UTF-8 payload, and verify with the public key', () => {
    const token = signEdDsa('{"name":"Zoë"}', createPrivateKey(ed25519.privateKey));
    const [head, payload] = token.split('.') as [string, string];
    assert.equal(head, 'eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9');
    assert.equal(Buffer.from(payload, 'base64url').toString('utf8'), '{"name":"Zoë"}');
    assert.equal(verifyEdDsa(parseCompactJws(token), createPublicKey(ed25519.publicKey)), undefined);
  });

  it('sign with a given header segment', () => {
    const token = signEdDsa('{}', createPrivateKey(ed448.privateKey), eddsaHeaderSegment('k2'));
    const jws = parseCompactJws(token);
    assert.equal(jws.header.kid, 'k2');
    assert.equal(verifyEdDsa(jws, createPublicKey(ed448.publicKey)), undefined);
  });

  it('verifyEdDsa says why it refuses: another alg, a key that is not Ed25519/Ed448, a signature that does not verify', () => {
    const token = signEdDsa('{}', createPrivateKey(ed25519.privateKey));
    const jws = parseCompactJws(token);
    assert.equal(verifyEdDsa({ ...jws, header: { alg: 'HS256' } }, createPublicKey(ed25519.publicKey)), 'invalid algorithm');
    assert.equal(verifyEdDsa(jws, createPublicKey(SIMPLEJWT_ES256_PUBLIC_KEY)), 'key type ec cannot verify EdDSA');
    assert.equal(verifyEdDsa(jws, createSecretKey(Buffer.alloc(32))), 'key type secret cannot verify EdDSA');
    assert.equal(verifyEdDsa(jws, createPublicKey(ed448.publicKey)), 'invalid signature', 'an Ed25519 signature checked with an Ed448 key');
    const other = parseCompactJws(signEdDsa('{"a":1}', createPrivateKey(ed25519.privateKey)));
    assert.equal(verifyEdDsa({ ...jws, signature: other.signature }, createPublicKey(ed25519.publicKey)), 'invalid signature');
  });
});
