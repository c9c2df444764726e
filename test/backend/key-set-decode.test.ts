import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { TokenBackendError } from '../../src/backend/token-backend.js';
import { signEdDsa } from '../../src/backend/eddsa.js';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import { backendSettings } from '../support/backend-settings.js';
import { HMAC_SECRET_64, SIMPLEJWT_ES256_PRIVATE_KEY } from '../support/keys.js';

const NOW = 1_700_000_000;
const claims = { user_id: '1', exp: NOW + 300 };

function header(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function refused(promise: Promise<unknown>, detail: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof TokenBackendError);
    assert.equal(error.message, 'Token is invalid');
    assert.match(error.detail ?? '', detail);
    return true;
  });
}

const current = generateSigningKey('ES256');
const previous = generateSigningKey('ES256');

test('with signingKeys, issued tokens carry the first key\'s kid after alg and typ', () => {
  const backend = createTokenBackend(backendSettings(NOW, { algorithm: 'ES256', signingKey: undefined, signingKeys: [current.pem, previous.pem] }));
  assert.deepEqual(header(backend.encode(claims)), { alg: 'ES256', typ: 'JWT', kid: current.kid });
  const ed = generateSigningKey('EdDSA');
  const edBackend = createTokenBackend(backendSettings(NOW, { algorithm: 'EdDSA', signingKey: undefined, signingKeys: [ed.pem] }));
  assert.deepEqual(header(edBackend.encode(claims)), { alg: 'EdDSA', typ: 'JWT', kid: ed.kid });
});

test('kidHeader: false keeps Simple JWT\'s exact header; signingKey alone never adds a kid', () => {
  const off = createTokenBackend(backendSettings(NOW, { algorithm: 'ES256', signingKey: undefined, signingKeys: [current.pem], kidHeader: false }));
  assert.equal(off.encode(claims).split('.')[0], Buffer.from('{"alg":"ES256","typ":"JWT"}').toString('base64url'));
  const single = createTokenBackend(backendSettings(NOW));
  assert.equal(single.encode(claims).split('.')[0], Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'));
});

test('decode picks the key named by kid, and refuses an unknown kid', async () => {
  const backend = createTokenBackend(backendSettings(NOW, { algorithm: 'ES256', signingKey: undefined, signingKeys: [current.pem, previous.pem] }));
  const byPrevious = jwt.sign(claims, createPrivateKey(previous.pem), { algorithm: 'ES256', keyid: previous.kid, noTimestamp: true });
  assert.deepEqual(await backend.decode(byPrevious), claims);
  const unknown = jwt.sign(claims, createPrivateKey(previous.pem), { algorithm: 'ES256', keyid: 'retired-key', noTimestamp: true });
  await refused(backend.decode(unknown), /no key matches kid/);
  // A kid naming one key over a signature by another is refused, not tried against the rest.
  const mislabelled = jwt.sign(claims, createPrivateKey(previous.pem), { algorithm: 'ES256', keyid: current.kid, noTimestamp: true });
  await refused(backend.decode(mislabelled), /signature/);
});

test('decode tries a token without kid (Simple JWT\'s, or ours from before) against each key of its algorithm', async () => {
  const backend = createTokenBackend(backendSettings(NOW, {
    algorithm: 'ES256',
    signingKey: undefined,
    signingKeys: [current.pem, { key: HMAC_SECRET_64, kid: 'legacy', algorithm: 'HS256' }, previous.pem],
  }));
  const fromPrevious = jwt.sign(claims, createPrivateKey(previous.pem), { algorithm: 'ES256', noTimestamp: true });
  assert.deepEqual(await backend.decode(fromPrevious), claims);
  // The first key that verifies wins: the keys after it are not tried.
  const fromCurrent = jwt.sign(claims, createPrivateKey(current.pem), { algorithm: 'ES256', noTimestamp: true });
  assert.deepEqual(await backend.decode(fromCurrent), claims);
  const fromLegacyHmac = jwt.sign(claims, HMAC_SECRET_64, { algorithm: 'HS256', noTimestamp: true });
  assert.deepEqual(await backend.decode(fromLegacyHmac), claims);
  const stranger = jwt.sign(claims, createPrivateKey(generateSigningKey('ES256').pem), { algorithm: 'ES256', noTimestamp: true });
  await refused(backend.decode(stranger), /signature/);
});

test('decode refuses an algorithm no key of the set has, and a kid whose key has another algorithm', async () => {
  const backend = createTokenBackend(backendSettings(NOW, {
    algorithm: 'ES256',
    signingKey: undefined,
    signingKeys: [current.pem, { key: HMAC_SECRET_64, kid: 'legacy', algorithm: 'HS256' }],
  }));
  const hs512 = jwt.sign(claims, HMAC_SECRET_64, { algorithm: 'HS512', noTimestamp: true });
  await refused(backend.decode(hs512), /Invalid algorithm/);
  // HS256 under the ES256 key's kid: the kid's key is ES256, so no key-confusion attempt is made.
  const confused = jwt.sign(claims, HMAC_SECRET_64, { algorithm: 'HS256', keyid: current.kid, noTimestamp: true });
  await refused(backend.decode(confused), /no key matches kid/);
  const ed = generateSigningKey('EdDSA');
  await refused(backend.decode(signEdDsa(JSON.stringify(claims), createPrivateKey(ed.pem))), /Invalid algorithm/);
});

test('with signingKey alone a token\'s kid is ignored, as Simple JWT ignores it', async () => {
  const backend = createTokenBackend(backendSettings(NOW, { algorithm: 'ES256', signingKey: SIMPLEJWT_ES256_PRIVATE_KEY }));
  const withKid = jwt.sign(claims, createPrivateKey(SIMPLEJWT_ES256_PRIVATE_KEY), { algorithm: 'ES256', keyid: 'anything', noTimestamp: true });
  assert.deepEqual(await backend.decode(withKid), claims);
  assert.equal(backend.jwkSet.keys.length, 1, 'its public key is still publishable, under its thumbprint');
});
