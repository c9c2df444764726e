import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { describe, it, mock } from 'node:test';
import { pbkdf2Runs } from '../support/pbkdf2-runs.js';
import {
  DJANGO_DEFAULT_ITERATIONS,
  makeDjangoPassword,
  verifyDjangoPassword,
} from '../../src/stores/django-password.js';

// Django's own vector: tests/auth_tests/test_hashers.py, TestUtilsHashPass.test_pbkdf2.
const DJANGO_VECTOR = 'pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=';
// The same password and salt at Django 5.2's default cost (1 000 000 iterations).
const DJANGO_52_VECTOR = 'pbkdf2_sha256$1000000$seasalt$r1uLUxoxpP2Ued/qxvmje7UH9PUJBkRrvf9gGPL7Cps=';
const HASH = '8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=';
/** Hashes this module cannot verify: other algorithms, unusable passwords, malformed strings. */
const UNVERIFIABLE = [
  '',
  'sha1$seasalt$cff36ea83f5706ce9aa7454e63e431fc726b2dc8', // Django's sha1 vector: unsupported
  'argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$aGFzaA',
  '!Wzsl5M7hPbHcS7ZyTqDBmB1OJhCZrFmHdsGsSd3x', // Django's unusable password
  `pbkdf2_sha1$390000$seasalt$${HASH}`,
  `pbkdf2_sha256$390000$seasalt`, // a field missing
  `pbkdf2_sha256$390000$seasalt$${HASH}$extra`,
  `pbkdf2_sha256$abc$seasalt$${HASH}`,
  `pbkdf2_sha256$0$seasalt$${HASH}`,
  `pbkdf2_sha256$-1$seasalt$${HASH}`,
  `pbkdf2_sha256$0390000$seasalt$${HASH}`,
  `pbkdf2_sha256$99999999999$seasalt$${HASH}`, // beyond what PBKDF2 accepts
  `pbkdf2_sha256$390000$$${HASH}`, // empty salt
  'pbkdf2_sha256$390000$seasalt$not base64!',
  'pbkdf2_sha256$390000$seasalt$AAAA', // valid base64, wrong length
];

describe('verifyDjangoPassword', () => {
  it("accepts the right password for Django's own pbkdf2_sha256 test vector", async () => {
    assert.equal(await verifyDjangoPassword('lètmein', DJANGO_VECTOR), true);
  });

  it("rejects a wrong password for Django's test vector", async () => {
    assert.equal(await verifyDjangoPassword('lètmeinz', DJANGO_VECTOR), false);
    assert.equal(await verifyDjangoPassword('letmein', DJANGO_VECTOR), false);
  });

  it('resolves false (never throws) for other algorithms, unusable passwords and malformed hashes', async () => {
    for (const encoded of UNVERIFIABLE) {
      assert.equal(await verifyDjangoPassword('lètmein', encoded, { iterations: 1000 }), false, encoded);
    }
  });

  it('spends one PBKDF2 run at the stored count on a verifiable hash', async () => {
    assert.deepEqual(await pbkdf2Runs(() => verifyDjangoPassword('wrong', DJANGO_VECTOR)), [390_000]);
  });

  it('spends one PBKDF2 run at options.iterations on a hash it cannot verify, as Django does (CVE-2024-39329)', async () => {
    // A quick false would tell an attacker that the account exists (an unusable password, a
    // hash of another hasher); the cost must match a wrong password's. Checked without timing.
    for (const encoded of UNVERIFIABLE) {
      assert.deepEqual(await pbkdf2Runs(() => verifyDjangoPassword('lètmein', encoded, { iterations: 4321 })), [4321], encoded);
    }
    const notAString = 42 as unknown as string;
    assert.deepEqual(await pbkdf2Runs(() => verifyDjangoPassword(notAString, DJANGO_VECTOR, { iterations: 4321 })), [4321]);
  });

  it("spends Django 5.2's default iterations on a hash it cannot verify when none are given", async () => {
    assert.deepEqual(await pbkdf2Runs(() => verifyDjangoPassword('x', '!unusable')), [DJANGO_DEFAULT_ITERATIONS]);
  });

  it('rejects with a TypeError naming iterations when options.iterations is unusable', async () => {
    await assert.rejects(verifyDjangoPassword('x', DJANGO_VECTOR, { iterations: 0 }), { name: 'TypeError', message: /iterations/ });
  });
});

describe('makeDjangoPassword', () => {
  it("reproduces Django's encoded string for a given salt and iteration count", async () => {
    assert.equal(await makeDjangoPassword('lètmein', { salt: 'seasalt', iterations: 390_000 }), DJANGO_VECTOR);
  });

  it("uses Django 5.2's 1 000 000 iterations by default", async () => {
    assert.equal(DJANGO_DEFAULT_ITERATIONS, 1_000_000);
    assert.equal(await makeDjangoPassword('lètmein', { salt: 'seasalt' }), DJANGO_52_VECTOR);
  });

  it('draws a fresh 22-character alphanumeric salt per call, and the result verifies', async () => {
    const first = await makeDjangoPassword('s3cret', { iterations: 1000 });
    const second = await makeDjangoPassword('s3cret', { iterations: 1000 });
    const match = /^pbkdf2_sha256\$1000\$([A-Za-z0-9]{22})\$[A-Za-z0-9+/]{43}=$/.exec(first);
    assert.ok(match, first);
    assert.notEqual(first, second);
    assert.equal(await verifyDjangoPassword('s3cret', first), true);
    assert.equal(await verifyDjangoPassword('s3cret ', first), false);
  });

  it('hashes a blank password that verifies only against itself, as Django allows', async () => {
    const encoded = await makeDjangoPassword('', { iterations: 1000 });
    assert.equal(await verifyDjangoPassword('', encoded), true);
    assert.equal(await verifyDjangoPassword(' ', encoded), false);
  });

  it('throws a TypeError naming the option for a salt with "$" or an unusable iteration count', async () => {
    await assert.rejects(makeDjangoPassword('x', { salt: 'a$b' }), { name: 'TypeError', message: /salt/ });
    await assert.rejects(makeDjangoPassword('x', { salt: '' }), { name: 'TypeError', message: /salt/ });
    await assert.rejects(makeDjangoPassword('x', { iterations: 0 }), { name: 'TypeError', message: /iterations/ });
    await assert.rejects(makeDjangoPassword('x', { iterations: 1.5 }), { name: 'TypeError', message: /iterations/ });
  });
});

describe('verifyDjangoPassword comparison', () => {
  /** The arguments of every crypto.timingSafeEqual call `work` makes (the spy calls through). */
  async function constantTimeComparisons(work: () => Promise<unknown>): Promise<[Buffer, Buffer][]> {
    const spy = mock.method(crypto, 'timingSafeEqual');
    // Named imports of node:crypto see the spy only after this.
    syncBuiltinESMExports();
    try {
      await work();
      return spy.mock.calls.map((call) => call.arguments as unknown as [Buffer, Buffer]);
    } finally {
      spy.mock.restore();
      syncBuiltinESMExports();
    }
  }

  it('compares the derived key with the stored one by crypto.timingSafeEqual, for a right and a wrong password', async () => {
    for (const [password, expected] of [['lètmein', true], ['wrong', false]] as const) {
      let answer: boolean | undefined;
      const calls = await constantTimeComparisons(async () => {
        answer = await verifyDjangoPassword(password, DJANGO_VECTOR);
      });
      assert.equal(answer, expected);
      assert.equal(calls.length, 1, `${password}: one constant-time comparison, not Buffer.equals or ===`);
      const [actual, stored] = calls[0]!;
      assert.equal(actual.length, 32);
      assert.deepEqual(stored, Buffer.from(HASH, 'base64'));
    }
  });
});

describe('verifyDjangoPassword and makeDjangoPassword at the edges of their input (mutation survivors)', () => {
  it('resolves false, never throws, for a hash with a character before or after its 44, an iteration count with a tail or past PBKDF2\'s limit, or a non-string hash', async () => {
    for (const encoded of [
      `pbkdf2_sha256$1000$seasalt$${HASH}x`,
      `pbkdf2_sha256$1000$seasalt$x${HASH}`,
      `pbkdf2_sha256$1000x$seasalt$${HASH}`,
      `pbkdf2_sha256$9999999999$seasalt$${HASH}`, // ten digits, past 2^31 - 1
      null,
      42,
    ]) {
      assert.equal(await verifyDjangoPassword('x', encoded as unknown as string, { iterations: 1000 }), false, String(encoded));
    }
  });

  it('refuses a password or a salt that is not a string, and an iteration count past 2^31 - 1, with a TypeError naming it', async () => {
    // Our own messages, not the ones node:crypto or String.prototype would throw a moment later.
    await assert.rejects(makeDjangoPassword(42 as unknown as string, { iterations: 1000 }), { name: 'TypeError', message: 'password must be a string' });
    await assert.rejects(makeDjangoPassword('x', { salt: 42 as unknown as string, iterations: 1000 }), {
      name: 'TypeError',
      message: 'salt must be a non-empty string without "$"',
    });
    await assert.rejects(makeDjangoPassword('x', { iterations: 2_147_483_648 }), { name: 'TypeError', message: /iterations/ });
  });

  it("refuses Django's own vector with a character after its padding, even with the right password", async () => {
    // Node's base64 decoder ignores what follows the padding: only the pattern's end anchor refuses it.
    assert.equal(await verifyDjangoPassword('lètmein', `${DJANGO_VECTOR}x`, { iterations: 1000 }), false);
    assert.equal(await verifyDjangoPassword('lètmein', DJANGO_VECTOR), true);
  });

  it('accepts a single iteration, the smallest count', async () => {
    const encoded = await makeDjangoPassword('x', { iterations: 1, salt: 'seasalt' });
    assert.match(encoded, /^pbkdf2_sha256\$1\$seasalt\$[A-Za-z0-9+/]{43}=$/);
    assert.equal(await verifyDjangoPassword('x', encoded), true);
  });
});
