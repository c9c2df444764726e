import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimpleJwt } from '../../src/index.js';
import { runCliCaptured } from '../support/cli.js';
import { SIMPLEJWT_RSA_PUBLIC_KEY } from '../support/keys.js';

const kidLine = (stderr: string): string => /^kid: (\S+)$/m.exec(stderr)?.[1] ?? '';

test('generate-key prints a PEM key on stdout and its kid on stderr; the key signs tokens carrying that kid', async () => {
  for (const algorithm of ['ES256', 'EdDSA', 'RS256', 'ES512']) {
    const result = await runCliCaptured(['generate-key', '--algorithm', algorithm], {});
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    const kid = kidLine(result.stderr);
    const jwt = createSimpleJwt({ algorithm: algorithm as 'ES256', signingKeys: [result.stdout] });
    const { access } = await jwt.issueTokenPair({ id: 1, username: 'a', isActive: true });
    assert.equal(JSON.parse(Buffer.from(access.split('.')[0] as string, 'base64url').toString()).kid, kid);
  }
});

test('generate-key --format jwk prints a private JWK with kid, alg and use; an HMAC one is an oct key with a random kid', async () => {
  const ec = await runCliCaptured(['generate-key', '-a', 'ES256', '--format', 'jwk'], {});
  const jwk = JSON.parse(ec.stdout) as Record<string, string>;
  assert.equal(jwk.kty, 'EC');
  assert.equal(jwk.kid, kidLine(ec.stderr));
  assert.equal(jwk.alg, 'ES256');
  assert.ok(jwk.d, 'the private key');
  assert.equal(createSimpleJwt({ algorithm: 'ES256', signingKeys: [{ key: jwk as never }] }).jwkSet.keys[0]?.kid, jwk.kid);

  const hs = await runCliCaptured(['generate-key', '-a', 'HS512', '-f', 'jwk'], {});
  const oct = JSON.parse(hs.stdout) as Record<string, string>;
  assert.equal(oct.kty, 'oct');
  assert.equal(Buffer.from(oct.k as string, 'base64url').length >= 64, true);
  const jwt = createSimpleJwt({ algorithm: 'HS512', signingKeys: [{ key: oct as never, kid: oct.kid as string }] });
  assert.deepEqual(jwt.jwkSet.keys, [], 'never published');
});

test('generate-key refuses an unknown algorithm or format with exit 2', async () => {
  assert.equal((await runCliCaptured(['generate-key', '--algorithm', 'none'], {})).code, 2);
  assert.equal((await runCliCaptured(['generate-key', '--format', 'der'], {})).code, 2);
  assert.equal((await runCliCaptured(['generate-key', 'extra'], {})).code, 2);
});

test('thumbprint prints the RFC 7638 thumbprint of a PEM or JWK file: the kid generate-key gave it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ksjwt-keys-'));
  try {
    const generated = await runCliCaptured(['generate-key', '-a', 'EdDSA'], {});
    await writeFile(join(dir, 'key.pem'), generated.stdout);
    const fromPem = await runCliCaptured(['thumbprint', join(dir, 'key.pem')], {});
    assert.equal(fromPem.code, 0);
    assert.equal(fromPem.stdout.trim(), kidLine(generated.stderr));

    const jwk = await runCliCaptured(['generate-key', '-a', 'ES384', '-f', 'jwk'], {});
    await writeFile(join(dir, 'key.json'), jwk.stdout);
    assert.equal((await runCliCaptured(['thumbprint', join(dir, 'key.json')], {})).stdout.trim(), kidLine(jwk.stderr));

    await writeFile(join(dir, 'public.pem'), SIMPLEJWT_RSA_PUBLIC_KEY);
    const pub = await runCliCaptured(['thumbprint', join(dir, 'public.pem')], {});
    assert.equal(pub.stdout.trim(), createSimpleJwt({ algorithm: 'RS256', verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY }).jwkSet.keys[0]?.kid);

    await writeFile(join(dir, 'junk.txt'), 'not a key');
    const junk = await runCliCaptured(['thumbprint', join(dir, 'junk.txt')], {});
    assert.equal(junk.code, 1);
    assert.match(junk.stderr, /not a PEM or JWK key/);
    assert.equal((await runCliCaptured(['thumbprint', join(dir, 'missing.pem')], {})).code, 1);
    assert.equal((await runCliCaptured(['thumbprint'], {})).code, 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
