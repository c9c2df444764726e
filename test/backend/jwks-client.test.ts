import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { createTokenBackend, type BackendSettings } from '../../src/backend/create-token-backend.js';
import { createJwksClient } from '../../src/backend/jwks-client.js';
import { signEdDsa } from '../../src/backend/eddsa.js';
import { SettingsError } from '../../src/errors.js';
import { TokenBackendError, type TokenBackend } from '../../src/backend/token-backend.js';
import {
  SIMPLEJWT_RSA_PRIVATE_KEY,
  SIMPLEJWT_RSA_PRIVATE_KEY_2,
  SIMPLEJWT_RSA_PUBLIC_KEY,
  SIMPLEJWT_RSA_PUBLIC_KEY_2,
  generatedPair,
} from '../support/keys.js';

/** The kid of Simple JWT's test_decode_rsa_aud_iss_jwk_success. */
const KID = '230498151c214b788dd97f22b85410a5';
const AUDIENCE = 'openid-client-id';
const ISSUER = 'https://www.myoidcprovider.com';
const START = 1_700_000_000;

function jwk(publicPem: string, extra: Record<string, unknown>): Record<string, unknown> {
  return { ...createPublicKey(publicPem).export({ format: 'jwk' }), ...extra };
}

interface TestServer {
  readonly url: string;
  hits: number;
  close(): Promise<void>;
}

const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/** A real HTTP server on 127.0.0.1, port chosen by the OS, counting requests. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const state = { hits: 0 };
  const server = createServer((req, res) => {
    state.hits += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result: TestServer = {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get hits() {
      return state.hits;
    },
    set hits(value: number) {
      state.hits = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(result);
  return result;
}

function serveJson(body: () => unknown, delayMs = 0): Promise<TestServer> {
  return serve((_req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body()));
    }, delayMs);
  });
}

function makeClock(): { now: () => Date; advance: (seconds: number) => void } {
  let t = START;
  return { now: () => new Date(t * 1000), advance: (seconds) => (t += seconds) };
}

function backendFor(url: string, clock: { now: () => Date }, overrides: Partial<BackendSettings> = {}, fetchImpl?: typeof fetch): TokenBackend {
  // As in Simple JWT's test, the local key pair is deliberately not the pair that signs the tokens.
  return createTokenBackend({
    algorithm: 'RS256',
    signingKey: SIMPLEJWT_RSA_PRIVATE_KEY,
    verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY,
    audience: AUDIENCE,
    issuer: ISSUER,
    jwkUrl: url,
    jwkCacheSeconds: 300,
    jwkTimeoutMs: 2000,
    leeway: 0,
    clock,
    ...overrides,
  }, fetchImpl === undefined ? {} : { fetch: fetchImpl });
}

const key2: KeyObject = createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY_2);
const payload = { foo: 'baz', exp: START + 86400, aud: AUDIENCE, iss: ISSUER };

function tokenWithKid(kid: string | undefined, key: KeyObject = key2): string {
  return jwt.sign(payload, key, { algorithm: 'RS256', noTimestamp: true, ...(kid === undefined ? {} : { keyid: kid }) });
}

async function invalid(promise: Promise<unknown>, detail?: RegExp): Promise<TokenBackendError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof TokenBackendError, `expected a TokenBackendError, got ${String(caught)}`);
  assert.equal(caught.reason, 'invalid');
  if (detail) assert.match(caught.detail ?? '', detail);
  return caught;
}

const JWKS = {
  keys: [
    jwk(SIMPLEJWT_RSA_PUBLIC_KEY, { kid: 'encryption-key', use: 'enc' }),
    { kty: 'oct', kid: 'symmetric', k: 'c2VjcmV0' },
    jwk(SIMPLEJWT_RSA_PUBLIC_KEY_2, { kid: KID, use: 'sig', alg: 'RS256' }),
  ],
};

describe('decode with jwkUrl', () => {
  it('needs no signing key: a resource server verifies with the JWK Set alone and cannot sign', async () => {
    const server = await serveJson(() => JWKS);
    const backend = backendFor(server.url, makeClock(), { signingKey: undefined, verifyingKey: undefined });
    assert.equal(backend.canSign, false);
    assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload);
    assert.throws(() => backend.encode({ a: 1 }), (error: unknown) => error instanceof SettingsError && error.setting === 'signingKey');
  });

  it('verifies a token with the JWKS key named by its kid (test_decode_rsa_aud_iss_jwk_success)', async () => {
    const server = await serveJson(() => JWKS);
    const backend = backendFor(server.url, makeClock());
    assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload);
    assert.equal(server.hits, 1);
  });

  it('uses the JWKS key, not the local verifying key', async () => {
    const server = await serveJson(() => JWKS);
    const backend = backendFor(server.url, makeClock());
    await invalid(backend.decode(tokenWithKid(KID, createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY))), /signature/);
  });

  it('refuses a token without kid, without fetching', async () => {
    const server = await serveJson(() => JWKS);
    await invalid(backendFor(server.url, makeClock()).decode(tokenWithKid(undefined)), /kid/);
    assert.equal(server.hits, 0);
  });

  it('refuses alg none and other algorithms without fetching', async () => {
    const server = await serveJson(() => JWKS);
    const backend = backendFor(server.url, makeClock());
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: KID })).toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`;
    await invalid(backend.decode(none));
    assert.equal(server.hits, 0);
  });

  it('refuses keys whose use is not sig, and symmetric keys', async () => {
    const server = await serveJson(() => JWKS);
    const backend = backendFor(server.url, makeClock());
    await invalid(backend.decode(tokenWithKid('encryption-key', createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY))));
    await invalid(backend.decode(tokenWithKid('symmetric')));
  });

  it('refuses an unknown kid, refetching at most once per cooldown however many kids are tried', async () => {
    const server = await serveJson(() => JWKS);
    const clock = makeClock();
    const backend = backendFor(server.url, clock);
    for (let i = 0; i < 20; i += 1) await invalid(backend.decode(tokenWithKid(`random-${i}`)));
    assert.equal(server.hits, 1);
    clock.advance(29);
    await invalid(backend.decode(tokenWithKid('random-too-soon')), /no signing key/);
    assert.equal(server.hits, 1);
    clock.advance(1);
    await invalid(backend.decode(tokenWithKid('random-again')), /no signing key/);
    assert.equal(server.hits, 2);
  });

  it('refetches once on a kid miss, picking up a rotated key', async () => {
    let keys: unknown[] = [JWKS.keys[2]];
    const server = await serveJson(() => ({ keys }));
    const clock = makeClock();
    const backend = backendFor(server.url, clock);
    assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload);
    keys = [...keys, jwk(SIMPLEJWT_RSA_PUBLIC_KEY, { kid: 'new-key' })];
    clock.advance(30);
    const local = createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY);
    assert.deepEqual(await backend.decode(tokenWithKid('new-key', local)), payload);
    assert.equal(server.hits, 2);
  });

  it('caches the set for jwkCacheSeconds by the injected clock, then fetches it again', async () => {
    const server = await serveJson(() => JWKS);
    const clock = makeClock();
    const backend = backendFor(server.url, clock, { jwkCacheSeconds: 300 });
    await backend.decode(tokenWithKid(KID));
    clock.advance(299);
    await backend.decode(tokenWithKid(KID));
    assert.equal(server.hits, 1);
    clock.advance(1);
    await backend.decode(tokenWithKid(KID));
    assert.equal(server.hits, 2);
  });

  it('shares one in-flight fetch between concurrent requests', async () => {
    const server = await serveJson(() => JWKS, 50);
    const backend = backendFor(server.url, makeClock());
    const results = await Promise.all(Array.from({ length: 10 }, () => backend.decode(tokenWithKid(KID))));
    assert.equal(results.length, 10);
    assert.equal(server.hits, 1);
  });

  it('refuses the token within the timeout when the server never answers', async () => {
    const server = await serve(() => {
      /* never answers */
    });
    const backend = backendFor(server.url, makeClock(), { jwkTimeoutMs: 200 });
    const started = Date.now();
    await invalid(backend.decode(tokenWithKid(KID)), /timed out|abort/i);
    assert.ok(Date.now() - started < 2000, 'no hang');
    assert.equal(server.hits, 1);
  });

  it('refuses the token when the server is down', async () => {
    const server = await serveJson(() => JWKS);
    await server.close();
    await invalid(backendFor(server.url, makeClock()).decode(tokenWithKid(KID)), /fetch failed/);
  });

  it('refuses the token when the response is not JSON, not a JWK Set, empty, or an HTTP error', async () => {
    const bodies: Array<[number, string]> = [
      [200, '<html>not json</html>'],
      [200, '{"not":"a set"}'],
      [200, '{"keys":[]}'],
      [500, JSON.stringify(JWKS)],
    ];
    for (const [status, body] of bodies) {
      const server = await serve((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      });
      await invalid(backendFor(server.url, makeClock()).decode(tokenWithKid(KID)));
    }
  });

  it('skips keys a configured key could not be: an RSA key under 2048 bits', async () => {
    const weak = generatedPair('rsa1024');
    const server = await serveJson(() => ({ keys: [jwk(weak.publicKey, { kid: 'weak', use: 'sig' })] }));
    const token = jwt.sign(payload, createPrivateKey(weak.privateKey), { algorithm: 'RS256', noTimestamp: true, keyid: 'weak', allowInsecureKeySizes: true });
    await invalid(backendFor(server.url, makeClock()).decode(token), /did not contain any signing keys/);
  });

  it('refuses a JWK Set larger than 1 MB without reading it all', async () => {
    const padding = 'x'.repeat(2 * 1024 * 1024);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...JWKS, padding }));
    });
    await invalid(backendFor(server.url, makeClock()).decode(tokenWithKid(KID)), /larger than 1048576 bytes/);
  });

  it('does not refetch on every request while the server is failing', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(503);
      res.end();
    });
    const clock = makeClock();
    const backend = backendFor(server.url, clock);
    for (let i = 0; i < 10; i += 1) await invalid(backend.decode(tokenWithKid(KID)));
    assert.equal(server.hits, 1);
    clock.advance(30);
    await invalid(backend.decode(tokenWithKid(KID)));
    assert.equal(server.hits, 2);
  });

  it('uses the injected fetch, and gives up at the timeout even if fetch ignores the abort signal', async () => {
    let calls = 0;
    const stuck = ((): Promise<Response> => {
      calls += 1;
      return new Promise<Response>(() => undefined);
    }) as typeof fetch;
    const backend = createTokenBackend(
      {
        algorithm: 'RS256',
        signingKey: SIMPLEJWT_RSA_PRIVATE_KEY,
        verifyingKey: undefined,
        audience: undefined,
        issuer: undefined,
        jwkUrl: 'https://jwks.invalid/jwks.json',
        jwkCacheSeconds: 300,
        jwkTimeoutMs: 100,
        leeway: 0,
        clock: makeClock(),
      },
      { fetch: stuck },
    );
    const started = Date.now();
    await invalid(backend.decode(tokenWithKid(KID)), /timed out/);
    assert.ok(Date.now() - started < 2000);
    assert.equal(calls, 1);
  });

  it('verifies EdDSA tokens with an OKP key from the set', async () => {
    const pair = generatedPair('ed25519');
    const server = await serveJson(() => ({ keys: [jwk(pair.publicKey, { kid: 'ed', alg: 'EdDSA' })] }));
    const backend = createTokenBackend({
      algorithm: 'EdDSA',
      signingKey: generatedPair('ed448').privateKey,
      verifyingKey: undefined,
      audience: undefined,
      issuer: undefined,
      jwkUrl: server.url,
      jwkCacheSeconds: 300,
      jwkTimeoutMs: 2000,
      leeway: 0,
      clock: makeClock(),
    });
    // A token with a kid header, signed by hand (our own encode adds no kid).
    const input = `${Buffer.from('{"alg":"EdDSA","kid":"ed"}').toString('base64url')}.${Buffer.from('{"sub":"1"}').toString('base64url')}`;
    const token = `${input}.${sign(null, Buffer.from(input), createPrivateKey(pair.privateKey)).toString('base64url')}`;
    assert.deepEqual(await backend.decode(token), { sub: '1' });
    await invalid(backend.decode(signEdDsa('{"sub":"1"}', createPrivateKey(pair.privateKey))), /kid/);
  });
});

describe('createJwksClient', () => {
  it('skips keys declaring another algorithm (RFC 7517 §4.4)', async () => {
    const server = await serveJson(() => ({ keys: [jwk(SIMPLEJWT_RSA_PUBLIC_KEY_2, { kid: KID, alg: 'PS256' })] }));
    const client = createJwksClient({ url: server.url, algorithm: 'RS256', cacheSeconds: 300, timeoutMs: 1000, clock: makeClock() });
    await invalid(client.getSigningKey(KID), /did not contain any signing keys/);
  });

  it('returns the same KeyObject for a kid while the set is cached', async () => {
    const server = await serveJson(() => JWKS);
    const client = createJwksClient({ url: server.url, algorithm: 'RS256', cacheSeconds: 300, timeoutMs: 1000, clock: makeClock() });
    const first = await client.getSigningKey(KID);
    assert.equal(await client.getSigningKey(KID), first);
    assert.equal(first.type, 'public');
  });
});

describe('createJwksClient: what it reads, and which keys of a set it takes', () => {
  /** A client whose fetch answers `body` (a string as it is, anything else as JSON) with a 200, recording each call. */
  function clientFor(body: unknown, algorithm: 'RS256' | 'ES256' = 'RS256') {
    const calls: Array<RequestInit | undefined> = [];
    const fetchImpl = (async (_input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      calls.push(init);
      return new Response(typeof body === 'string' || body === null ? (body as string | null) : JSON.stringify(body), { status: 200 });
    }) as typeof fetch;
    const client = createJwksClient({ url: 'https://issuer.example/.well-known/jwks.json', algorithm, cacheSeconds: 300, timeoutMs: 1000, clock: makeClock(), fetch: fetchImpl });
    return { client, calls };
  }
  const rsa = (extra: Record<string, unknown>) => jwk(SIMPLEJWT_RSA_PUBLIC_KEY_2, extra);
  const sameKey = (a: KeyObject, pem: string) => a.equals(createPublicKey(pem));

  it('names what is wrong with a body that is no JWK Set: not JSON, no body, null, a list, keys that are not a list', async () => {
    await invalid(clientFor('<html>not json</html>').client.getSigningKey(KID), /^JWKS response is not JSON$/);
    await invalid(clientFor(null).client.getSigningKey(KID), /^JWKS response is not JSON$/);
    for (const body of ['null', '[]', '{"keys":"x"}', '{"keys":{"0":{}}}', '5']) {
      await invalid(clientFor(body).client.getSigningKey(KID), /^JWKS response is not a JWK Set$/);
    }
  });

  it('asks for JSON, and releases the request (aborts its signal) once the set is read', async () => {
    const { client, calls } = clientFor({ keys: [rsa({ kid: KID })] });
    await client.getSigningKey(KID);
    assert.equal(calls.length, 1);
    assert.deepEqual(calls[0]?.headers, { accept: 'application/json' });
    assert.equal(calls[0]?.signal?.aborted, true);
  });

  it('leaves no timer behind a fetch that answered in time: no late rejection', async () => {
    const unhandled: unknown[] = [];
    const collect = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', collect);
    try {
      const calls: unknown[] = [];
      const fetchImpl = (async () => {
        calls.push(1);
        return new Response(JSON.stringify({ keys: [rsa({ kid: KID })] }));
      }) as typeof fetch;
      const client = createJwksClient({ url: 'https://issuer.example/jwks', algorithm: 'RS256', cacheSeconds: 300, timeoutMs: 20, clock: makeClock(), fetch: fetchImpl });
      await client.getSigningKey(KID);
      await new Promise((resolve) => setTimeout(resolve, 60)); // past the timeout
      assert.deepEqual(unhandled, []);
      assert.equal(calls.length, 1);
    } finally {
      process.off('unhandledRejection', collect);
    }
  });

  it('a fetch that throws is "JWKS fetch failed: <its message>"', async () => {
    const fetchImpl = (async () => {
      throw new TypeError('socket hang up');
    }) as typeof fetch;
    const client = createJwksClient({ url: 'https://issuer.example/jwks', algorithm: 'RS256', cacheSeconds: 300, timeoutMs: 1000, clock: makeClock(), fetch: fetchImpl });
    await invalid(client.getSigningKey(KID), /^JWKS fetch failed: socket hang up$/);
  });

  it('reads a set of exactly 1 MB (the limit is on what is larger)', async () => {
    const head = `{"keys":[${JSON.stringify(rsa({ kid: KID }))}],"pad":"`;
    const text = `${head}${'x'.repeat(1024 * 1024 - head.length - 2)}"}`;
    assert.equal(Buffer.byteLength(text), 1024 * 1024);
    assert.ok(sameKey(await clientFor(text).client.getSigningKey(KID), SIMPLEJWT_RSA_PUBLIC_KEY_2));
  });

  it('skips entries that are not objects', async () => {
    const { client } = clientFor({ keys: [null, 5, 'x', [rsa({ kid: 'in-a-list' })], rsa({ kid: KID })] });
    assert.ok(sameKey(await client.getSigningKey(KID), SIMPLEJWT_RSA_PUBLIC_KEY_2));
    await invalid(client.getSigningKey('in-a-list'), /no signing key/);
  });

  it('takes a key whose key_ops allow "verify" (RFC 7517 §4.3), and none that does not list it in an array', async () => {
    const { client } = clientFor({
      keys: [
        rsa({ kid: 'sign-only', key_ops: ['sign'] }),
        rsa({ kid: 'not-a-list', key_ops: 'verify' }),
        rsa({ kid: 'verify', key_ops: ['verify'] }),
        rsa({ kid: 'both', key_ops: ['encrypt', 'verify'] }),
      ],
    });
    assert.ok(sameKey(await client.getSigningKey('verify'), SIMPLEJWT_RSA_PUBLIC_KEY_2));
    assert.ok(sameKey(await client.getSigningKey('both'), SIMPLEJWT_RSA_PUBLIC_KEY_2));
    await invalid(client.getSigningKey('sign-only'), /no signing key/);
    await invalid(client.getSigningKey('not-a-list'), /no signing key/);
  });

  it('needs a kid that is a non-empty string; of two keys with one kid, the first is used', async () => {
    for (const kid of [undefined, '', 5]) {
      await invalid(clientFor({ keys: [rsa(kid === undefined ? {} : { kid })] }).client.getSigningKey(String(kid)), /did not contain any signing keys/);
    }
    const { client } = clientFor({ keys: [rsa({ kid: KID }), jwk(SIMPLEJWT_RSA_PUBLIC_KEY, { kid: KID })] });
    assert.ok(sameKey(await client.getSigningKey(KID), SIMPLEJWT_RSA_PUBLIC_KEY_2));
  });

  it('takes an EC key for ES256', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const { client } = clientFor({ keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: 'ec' }] }, 'ES256');
    assert.ok((await client.getSigningKey('ec')).equals(pair.publicKey));
  });
});

describe('createJwksClient: short caches', () => {
  it('uses a set for at least the cooldown even when cacheSeconds is 0', async () => {
    const server = await serveJson(() => JWKS);
    const clock = makeClock();
    const client = createJwksClient({ url: server.url, algorithm: 'RS256', cacheSeconds: 0, timeoutMs: 1000, clock });
    await client.getSigningKey(KID);
    clock.advance(29);
    await client.getSigningKey(KID);
    assert.equal(server.hits, 1);
    clock.advance(1);
    await client.getSigningKey(KID);
    assert.equal(server.hits, 2);
  });
});

describe('decode with jwkUrl: a dead, hanging or flapping endpoint', () => {
  /**
   * A JWK Set server that answers, hangs (never responds) or fails, as the test switches it, and a
   * fetch that counts the fetches started (counted at the call, so a fetch aborted before the
   * server saw it still counts: no race with the timeout).
   */
  async function switchable(initial: 'answer' | 'hang' | 'fail', body: () => unknown = () => JWKS) {
    const state = { mode: initial, fetches: 0 };
    const counted = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      state.fetches += 1;
      return fetch(input, init);
    }) as typeof fetch;
    const server = await serve((_req, res) => {
      if (state.mode === 'hang') return; // keeps the socket open, says nothing
      if (state.mode === 'fail') {
        res.writeHead(502);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body()));
    });
    return { server, state, counted };
  }

  it('with no keys held, one request waits one timeout, then every request is refused at once until the cooldown ends', async () => {
    const { server, state, counted } = await switchable('hang');
    const clock = makeClock();
    const backend = backendFor(server.url, clock, { jwkTimeoutMs: 300 }, counted);
    await invalid(backend.decode(tokenWithKid(KID)), /timed out/);
    for (let i = 0; i < 7; i += 1) await invalid(backend.decode(tokenWithKid(KID)), /timed out/);
    assert.equal(state.fetches, 1, '8 requests, 1 fetch');
    clock.advance(29);
    await invalid(backend.decode(tokenWithKid(KID)));
    assert.equal(state.fetches, 1);
    clock.advance(1);
    await invalid(backend.decode(tokenWithKid(KID)), /timed out/);
    assert.equal(state.fetches, 2, 'one attempt per cooldown');
    state.mode = 'answer';
    clock.advance(30);
    assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload);
    assert.equal(state.fetches, 3);
  });

  it('concurrent requests during a hang share one fetch', async () => {
    const { server, state, counted } = await switchable('hang');
    const backend = backendFor(server.url, makeClock(), { jwkTimeoutMs: 300 }, counted);
    await Promise.all(Array.from({ length: 10 }, () => invalid(backend.decode(tokenWithKid(KID)))));
    assert.equal(state.fetches, 1);
  });

  it('serves the keys it holds while their refresh hangs or fails, then takes the new set once the endpoint answers', async () => {
    let keys: unknown[] = [JWKS.keys[2]];
    const { server, state, counted } = await switchable('answer', () => ({ keys }));
    const clock = makeClock();
    const backend = backendFor(server.url, clock, { jwkTimeoutMs: 300, jwkCacheSeconds: 300 }, counted);
    assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload);
    assert.equal(state.fetches, 1);

    state.mode = 'hang';
    clock.advance(300); // the set is now stale
    assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload, 'stale key served after the refresh timed out');
    assert.equal(state.fetches, 2);
    for (let i = 0; i < 5; i += 1) assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload);
    assert.equal(state.fetches, 2, 'no fetch during the cooldown');

    state.mode = 'fail';
    clock.advance(30);
    assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload, 'stale key served after an HTTP error');
    assert.equal(state.fetches, 3);

    // The endpoint recovers with a rotated set: the old key is gone, the new one verifies.
    state.mode = 'answer';
    keys = [jwk(SIMPLEJWT_RSA_PUBLIC_KEY, { kid: 'rotated' })];
    clock.advance(30);
    await invalid(backend.decode(tokenWithKid(KID)), /no signing key/);
    assert.equal(state.fetches, 4);
    assert.deepEqual(await backend.decode(tokenWithKid('rotated', createPrivateKey(SIMPLEJWT_RSA_PRIVATE_KEY))), payload);
    assert.equal(state.fetches, 4);
  });

  it('a flapping endpoint is asked at most once per cooldown, whatever the requests', async () => {
    const { server, state, counted } = await switchable('answer');
    const clock = makeClock();
    const backend = backendFor(server.url, clock, { jwkTimeoutMs: 300, jwkCacheSeconds: 0 }, counted);
    await backend.decode(tokenWithKid(KID));
    const modes = ['hang', 'answer', 'fail', 'answer', 'hang'] as const;
    for (const [round, mode] of modes.entries()) {
      state.mode = mode;
      clock.advance(30);
      for (let i = 0; i < 4; i += 1) {
        assert.deepEqual(await backend.decode(tokenWithKid(KID)), payload);
        await invalid(backend.decode(tokenWithKid(`unknown-${round}-${i}`)));
      }
      assert.equal(state.fetches, round + 2, `round ${round}: one fetch`);
    }
  });

  it('honours jwkCooldownSeconds', async () => {
    const { server, state, counted } = await switchable('fail');
    const clock = makeClock();
    const backend = backendFor(server.url, clock, { jwkCooldownSeconds: 5 }, counted);
    await invalid(backend.decode(tokenWithKid(KID)), /HTTP 502/);
    clock.advance(4);
    await invalid(backend.decode(tokenWithKid(KID)));
    assert.equal(state.fetches, 1);
    clock.advance(1);
    await invalid(backend.decode(tokenWithKid(KID)));
    assert.equal(state.fetches, 2);
  });
});
