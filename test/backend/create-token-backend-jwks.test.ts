// createTokenBackend with a JWK Set URL, through an injected fetch and clock (no server, no waiting):
// what the backend hands the JWK Set client and what it checks before asking it.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { createTokenBackend, type BackendSettings } from '../../src/backend/create-token-backend.js';
import { TokenBackendError } from '../../src/backend/token-backend.js';
import { backendSettings } from '../support/backend-settings.js';
import { SIMPLEJWT_RSA_PRIVATE_KEY_2, SIMPLEJWT_RSA_PUBLIC_KEY_2 } from '../support/keys.js';

const NOW = 1_700_000_000;
const URL = 'https://issuer.example/.well-known/jwks.json';
const JWK_SET = { keys: [{ ...createPublicKey(SIMPLEJWT_RSA_PUBLIC_KEY_2).export({ format: 'jwk' }), kid: 'k2', use: 'sig', alg: 'RS256' }] };
const signer = createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY_2);

function token(header: { kid?: string; algorithm?: jwt.Algorithm } = { kid: 'k2' }): string {
  const { kid, algorithm = 'RS256' } = header;
  return jwt.sign({ exp: NOW + 60 }, signer, { algorithm, noTimestamp: true, ...(kid === undefined ? {} : { keyid: kid }) });
}

/** A backend verifying with the JWK Set only, whose fetch answers with `answers` in turn (an Error rejects). */
function jwksBackend(answers: (object | Error)[], overrides: Partial<BackendSettings> = {}) {
  let seconds = NOW;
  const urls: string[] = [];
  const fetch = (async (url: string) => {
    urls.push(String(url));
    const answer = answers[Math.min(urls.length - 1, answers.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  const settings = backendSettings(NOW, {
    algorithm: 'RS256', signingKey: undefined, jwkUrl: URL, clock: { now: () => new Date(seconds * 1000) }, ...overrides,
  });
  const backend = createTokenBackend(settings, { fetch });
  return { backend, urls, advance: (s: number) => (seconds += s) };
}

async function detail(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenBackendError, String(error));
    assert.equal(error.reason, 'invalid');
    return String(error.detail);
  }
  assert.fail('expected a refusal');
}

describe('createTokenBackend with jwkUrl', () => {
  it('verifies with the key the injected fetch brings from the URL, and cannot sign', async () => {
    const { backend, urls } = jwksBackend([JWK_SET]);
    assert.deepEqual(await backend.decode(token()), { exp: NOW + 60 });
    assert.deepEqual(urls, [URL]);
    assert.equal(backend.canSign, false);
    assert.equal(backend.algorithm, 'RS256');
  });

  it('refuses a token without kid, or of another algorithm, before any fetch', async () => {
    const { backend, urls } = jwksBackend([JWK_SET]);
    assert.equal(await detail(backend.decode(token({}))), 'token has no kid header');
    assert.equal(await detail(backend.decode(token({ kid: 'k2', algorithm: 'RS384' }))), 'Invalid algorithm specified');
    assert.deepEqual(urls, []);
  });

  it('after a failed fetch, asks the URL again only after the default cooldown of 30 seconds', async () => {
    const { backend, urls, advance } = jwksBackend([new Error('down'), JWK_SET]);
    await detail(backend.decode(token()));
    advance(29);
    await detail(backend.decode(token()));
    assert.equal(urls.length, 1);
    advance(1);
    assert.deepEqual(await backend.decode(token()), { exp: NOW + 60 });
    assert.equal(urls.length, 2);
  });

  it('honours jwkCooldownSeconds', async () => {
    const { backend, urls, advance } = jwksBackend([new Error('down'), JWK_SET], { jwkCooldownSeconds: 5 });
    await detail(backend.decode(token()));
    advance(5);
    assert.deepEqual(await backend.decode(token()), { exp: NOW + 60 });
    assert.equal(urls.length, 2);
  });
});
