import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { SettingsError } from '../../src/errors.js';
import { createSimpleJwt } from '../../src/create-simple-jwt.js';
import { generateSigningKey } from '../../src/keys/generate-signing-key.js';
import { createTenantInstances, type TenantKeys } from '../../src/keys/tenant-instances.js';
import type { SimpleJwtOptions } from '../../src/settings.js';

const PEM_A = generateSigningKey('ES256').pem;
const PEM_B = generateSigningKey('ES256').pem;
const PEM_C = generateSigningKey('ES256').pem;

/**
 * A `createTenantInstances` whose resolver answers whatever the test put in `answer`, and whose
 * `build` records the options it was given and returns a fresh instance each time: a new instance
 * is a rebuild, the same one a cache hit.
 */
function tenants(options: SimpleJwtOptions = { algorithm: 'ES256' }) {
  const built: SimpleJwtOptions[] = [];
  const state = {
    answer: undefined as unknown,
    built,
    build: (given: SimpleJwtOptions): object => {
      built.push(given);
      return { build: built.length };
    },
  };
  const instances = createTenantInstances(options, () => state.answer as TenantKeys, (given) => state.build(given));
  return Object.assign(state, {
    /** The instance for a request after the resolver answered `answer`. */
    async serve(answer: unknown): Promise<unknown> {
      state.answer = answer;
      return instances.instanceFor({});
    },
  });
}

/** Whether the second answer gets the instance built for the first. */
async function reused(first: TenantKeys, second: unknown): Promise<boolean> {
  const t = tenants();
  const instance = await t.serve(first);
  return (await t.serve(second)) === instance;
}

describe('createTenantInstances: the cache of a tenant\'s instance', () => {
  test('builds a tenant\'s instance on its first request and reuses it while the resolver gives the same answer', async () => {
    const t = tenants();
    const acme: TenantKeys = { tenant: 'acme', signingKeys: [PEM_A], issuer: 'https://acme.example.com' };
    const first = await t.serve(acme);
    assert.equal(await t.serve(acme), first);
    assert.equal(t.built.length, 1);
  });

  test('each tenant gets its own instance, even with the same keys and issuer', async () => {
    const t = tenants();
    const acme = await t.serve({ tenant: 'acme', signingKeys: [PEM_A] });
    const globex = await t.serve({ tenant: 'globex', signingKeys: [PEM_A] });
    assert.notEqual(globex, acme);
    assert.equal(await t.serve({ tenant: 'acme', signingKeys: [PEM_A] }), acme);
  });

  test('a fresh array of the same keys is a hit: PEM strings, Buffers and KeyObjects compared by value or reference', async () => {
    const keyObject = createPrivateKey(PEM_B);
    const bytes = Buffer.from(PEM_C);
    assert.equal(await reused({ tenant: 'acme', signingKeys: [PEM_A, keyObject, bytes] }, { tenant: 'acme', signingKeys: [PEM_A, keyObject, bytes] }), true);
  });

  test('a fresh array of equal entries (same key, kid and algorithm) is a hit', async () => {
    const entries = () => [{ key: PEM_A, kid: 'a', algorithm: 'ES256' as const }, { key: PEM_B, kid: 'b' }];
    assert.equal(await reused({ tenant: 'acme', signingKeys: entries() }, { tenant: 'acme', signingKeys: entries() }), true);
  });

  test('another key at any position, or a key more or less, rebuilds', async () => {
    const before: TenantKeys = { tenant: 'acme', signingKeys: [PEM_A, PEM_B] };
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [PEM_C, PEM_B] }), false, 'first key changed');
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [PEM_A, PEM_C] }), false, 'second key changed');
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [PEM_A, PEM_B, PEM_C] }), false, 'a key added');
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [PEM_A] }), false, 'a key removed');
  });

  test('another KeyObject or another Buffer rebuilds, even of the same key', async () => {
    const keyObject = createPrivateKey(PEM_A);
    assert.equal(await reused({ tenant: 'acme', signingKeys: [keyObject] }, { tenant: 'acme', signingKeys: [createPrivateKey(PEM_B)] }), false);
    assert.equal(await reused({ tenant: 'acme', signingKeys: [keyObject] }, { tenant: 'acme', signingKeys: [createPrivateKey(PEM_A)] }), false);
    const bytes = Buffer.from(PEM_A);
    assert.equal(await reused({ tenant: 'acme', signingKeys: [bytes] }, { tenant: 'acme', signingKeys: [Buffer.from(PEM_A)] }), false);
  });

  test('an entry with another key, kid or algorithm rebuilds', async () => {
    const before: TenantKeys = { tenant: 'acme', signingKeys: [{ key: PEM_A, kid: 'a', algorithm: 'ES256' }] };
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [{ key: PEM_B, kid: 'a', algorithm: 'ES256' }] }), false, 'key');
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [{ key: PEM_A, kid: 'b', algorithm: 'ES256' }] }), false, 'kid');
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [{ key: PEM_A, kid: 'a', algorithm: 'ES384' }] }), false, 'algorithm');
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [{ key: PEM_A, kid: 'a' }] }), false, 'algorithm dropped');
  });

  test('a key turning from a bare key into an entry, or back, rebuilds', async () => {
    assert.equal(await reused({ tenant: 'acme', signingKeys: [PEM_A] }, { tenant: 'acme', signingKeys: [{ key: PEM_A }] }), false);
    assert.equal(await reused({ tenant: 'acme', signingKeys: [{ key: PEM_A }] }, { tenant: 'acme', signingKeys: [PEM_A] }), false);
    const keyObject = createPrivateKey(PEM_A);
    assert.equal(await reused({ tenant: 'acme', signingKeys: [keyObject] }, { tenant: 'acme', signingKeys: [{ key: keyObject }] }), false);
    assert.equal(await reused({ tenant: 'acme', signingKeys: [{ key: keyObject }] }, { tenant: 'acme', signingKeys: [keyObject] }), false);
  });

  test('another issuer or algorithm, or one given or dropped, rebuilds', async () => {
    const before: TenantKeys = { tenant: 'acme', signingKeys: [PEM_A], issuer: 'https://a.example.com', algorithm: 'ES256' };
    assert.equal(await reused(before, { ...before, issuer: 'https://b.example.com' }), false, 'issuer');
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [PEM_A], algorithm: 'ES256' }), false, 'issuer dropped');
    assert.equal(await reused(before, { ...before, algorithm: 'ES384' }), false, 'algorithm');
    assert.equal(await reused(before, { tenant: 'acme', signingKeys: [PEM_A], issuer: 'https://a.example.com' }), false, 'algorithm dropped');
  });

  test('a key list that is not an array is never compared: it is a rebuild, and the answer is refused there', async () => {
    const t = tenants();
    await t.serve({ tenant: 'acme', signingKeys: [PEM_A] });
    // An array-like of the same key: not iterable, so the rebuild cannot spread it.
    await assert.rejects(t.serve({ tenant: 'acme', signingKeys: { 0: PEM_A, length: 1 } }), TypeError);
    assert.equal(t.built.length, 1);
  });

  test('a changed key list after a bad answer: a null key is the tenant\'s SettingsError, not a crash of the comparison', async () => {
    const t = tenants();
    t.build = (given) => {
      if (given.signingKeys?.some((key) => key === null)) throw new SettingsError('signingKeys[0]', 'is null');
      return {};
    };
    await t.serve({ tenant: 'acme', signingKeys: [{ key: PEM_A }] });
    await assert.rejects(t.serve({ tenant: 'acme', signingKeys: [null] }), { name: 'SettingsError', setting: 'keyResolver (tenant "acme"): signingKeys[0]' });
  });
});

describe('createTenantInstances with createSimpleJwt as build', () => {
  test('an entry without a key after a bare KeyObject is not the same keys: refused, naming the tenant, not served from the cache', async () => {
    let answer: unknown = { tenant: 'acme', signingKeys: [createPrivateKey(PEM_A)] };
    const instances = createTenantInstances({ algorithm: 'ES256' }, () => answer as TenantKeys, createSimpleJwt);
    await instances.instanceFor({});
    answer = { tenant: 'acme', signingKeys: [{ key: undefined }] };
    await assert.rejects(instances.instanceFor({}), { name: 'SettingsError', setting: 'keyResolver (tenant "acme"): signingKeys[0]' });
  });
});

describe('createTenantInstances: what build is given', () => {
  test('the shared options with the tenant\'s keys (a copy), issuer and algorithm; none of the instance\'s own keys or resolver', async () => {
    const resolver = (): TenantKeys => ({ tenant: 'x', signingKeys: [] });
    const t = tenants({
      algorithm: 'ES256',
      accessTokenLifetime: 60,
      keyResolver: resolver,
      signingKey: PEM_C,
      verifyingKey: 'public',
      signingKeys: [PEM_C],
      issuer: 'https://instance.example.com',
    });
    const keys = [PEM_A, PEM_B];
    await t.serve({ tenant: 'acme', signingKeys: keys, issuer: 'https://acme.example.com', algorithm: 'ES384' });
    assert.deepEqual(t.built[0], { algorithm: 'ES384', accessTokenLifetime: 60, signingKeys: [PEM_A, PEM_B], issuer: 'https://acme.example.com' });
    assert.notEqual(t.built[0]?.signingKeys, keys, 'a copy: the resolver may reuse its array');
  });

  test('without a tenant issuer or algorithm, neither is set: the shared algorithm stays, no issuer', async () => {
    const t = tenants({ algorithm: 'EdDSA', issuer: 'https://instance.example.com' });
    await t.serve({ tenant: 'acme', signingKeys: [PEM_A] });
    assert.deepEqual(t.built[0], { algorithm: 'EdDSA', signingKeys: [PEM_A] });
    assert.equal(Object.hasOwn(t.built[0] as object, 'issuer'), false);
  });
});

describe('createTenantInstances: the resolver\'s answer', () => {
  const refusal = {
    name: 'SettingsError',
    setting: 'keyResolver',
    reason: 'must return { tenant, signingKeys, issuer? } with a non-empty tenant id and a list of keys',
  };

  test('refuses an answer that is not an object, or has no non-empty string tenant, with a SettingsError naming keyResolver', async () => {
    for (const answer of [null, undefined, 'acme', 42, {}, { signingKeys: [PEM_A] }, { tenant: '', signingKeys: [PEM_A] }, { tenant: 7, signingKeys: [PEM_A] }]) {
      const t = tenants();
      await assert.rejects(t.serve(answer), refusal, JSON.stringify(answer));
      assert.equal(t.built.length, 0);
    }
  });

  test(
    'refuses an answer whose signingKeys is not a list with the same SettingsError (it was a bare TypeError, or a PEM spread into characters)',
    async () => {
      for (const answer of [{ tenant: 'acme' }, { tenant: 'acme', signingKeys: PEM_A }]) {
        const t = tenants();
        await assert.rejects(t.serve(answer), { name: 'SettingsError', setting: 'keyResolver' }, JSON.stringify(Object.keys(answer)));
        assert.equal(t.built.length, 0);
      }
    },
  );

  test('takes an answer from an async resolver', async () => {
    const built: SimpleJwtOptions[] = [];
    const instances = createTenantInstances({ algorithm: 'ES256' }, async () => ({ tenant: 'acme', signingKeys: [PEM_A] }), (given) => built.push(given));
    assert.equal(await instances.instanceFor({}), 1);
    assert.deepEqual(built[0]?.signingKeys, [PEM_A]);
  });

  test('passes the request to the resolver', async () => {
    const seen: unknown[] = [];
    const ctx = { host: 'acme.example.com' };
    const instances = createTenantInstances({ algorithm: 'ES256' }, (given) => {
      seen.push(given);
      return { tenant: 'acme', signingKeys: [PEM_A] };
    }, () => ({}));
    await instances.instanceFor(ctx);
    assert.deepEqual(seen, [ctx]);
    assert.equal(seen[0], ctx);
  });
});

describe('createTenantInstances: a tenant whose configuration is bad', () => {
  test('a SettingsError from build is raised again naming the tenant, with the setting\'s own reason', async () => {
    const t = tenants();
    t.build = () => {
      throw new SettingsError('signingKeys[1]', 'is not a usable key');
    };
    await assert.rejects(t.serve({ tenant: 'acme "eu"', signingKeys: [PEM_A] }), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.equal(error.setting, 'keyResolver (tenant "acme \\"eu\\""): signingKeys[1]');
      assert.equal(error.reason, 'is not a usable key');
      return true;
    });
  });

  test('any other error from build passes as it is', async () => {
    const t = tenants();
    const failure = new Error('database down');
    t.build = () => {
      throw failure;
    };
    await assert.rejects(t.serve({ tenant: 'acme', signingKeys: [PEM_A] }), (error: unknown) => error === failure);
  });

  test('a failed build is not cached: the next request tries again', async () => {
    const t = tenants();
    let fail = true;
    const build = t.build;
    t.build = (given) => {
      if (fail) throw new SettingsError('signingKeys[0]', 'is not a usable key');
      return build(given);
    };
    await assert.rejects(t.serve({ tenant: 'acme', signingKeys: [PEM_A] }), SettingsError);
    fail = false;
    const instance = await t.serve({ tenant: 'acme', signingKeys: [PEM_A] });
    assert.equal(await t.serve({ tenant: 'acme', signingKeys: [PEM_A] }), instance);
  });
});
