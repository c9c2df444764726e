/**
 * Django's default password format, `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, so that a
 * `KnexUserStore` can share an `auth_user` table with a Django project in both directions: users
 * created by Django log in here, users created here log in to Django.
 *
 * Only `pbkdf2_sha256` is understood. Any other algorithm (argon2, bcrypt, an unusable `!...`
 * password) verifies as false rather than throwing: to the caller it is simply a wrong password,
 * and it costs what a wrong password costs.
 */
import { pbkdf2, randomInt, timingSafeEqual } from 'node:crypto';

/** The algorithm name Django writes before the first `$`. */
const ALGORITHM = 'pbkdf2_sha256';
/** SHA-256 output size: Django asks PBKDF2 for exactly one block. */
const KEY_LENGTH = 32;
/** Django 5.2's `PBKDF2PasswordHasher.iterations`. */
export const DJANGO_DEFAULT_ITERATIONS = 1_000_000;
/** node:crypto rejects more than 2^31 - 1 iterations; a larger value is a malformed hash. */
const MAX_ITERATIONS = 2_147_483_647;
const SALT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** 22 characters of a 62-letter alphabet ≈ 131 bits, the entropy Django's `salt()` aims for. */
const SALT_LENGTH = 22;
/** A canonical, padded base64 encoding of 32 bytes. */
const HASH_PATTERN = /^[A-Za-z0-9+/]{43}=$/;
const ITERATIONS_PATTERN = /^[1-9][0-9]{0,9}$/;
/** Salt of the run that stands in for a hash that cannot be verified; only the cost matters. */
const DUMMY_SALT = 'dummysaltdummysalt0000';

/** Options of {@link verifyDjangoPassword}. */
export interface VerifyDjangoPasswordOptions {
  /**
   * PBKDF2 iterations spent when `encoded` cannot be verified (an unusable `!...` password,
   * another algorithm, a malformed hash), so that such an account answers no faster than a wrong
   * password or an unknown user. Default {@link DJANGO_DEFAULT_ITERATIONS}; give the count your
   * stored hashes use.
   */
  iterations?: number;
}

/** Options of {@link makeDjangoPassword}. */
export interface MakeDjangoPasswordOptions {
  /** PBKDF2 iterations. Default {@link DJANGO_DEFAULT_ITERATIONS} (Django 5.2). */
  iterations?: number;
  /** The salt; default 22 random characters from `a-zA-Z0-9`. Must be non-empty, without `$`. */
  salt?: string;
}

/**
 * Checks `password` against a Django-encoded hash. Resolves false for a wrong password, for an
 * algorithm other than `pbkdf2_sha256` and for anything malformed; never rejects for a bad
 * password or hash.
 *
 * The cost is the stored hash's iteration count, spent off the event loop (async PBKDF2), and the
 * final comparison is constant-time. A hash that cannot be verified still costs one PBKDF2 run at
 * `options.iterations`, as Django's `verify_password` runs its default hasher on an unusable or
 * unknown hash (CVE-2024-39329): otherwise a quick false would reveal that the account exists.
 *
 * @throws TypeError naming the option when `options.iterations` is unusable.
 * @example
 * const ok = await verifyDjangoPassword('lètmein',
 *   'pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=');
 * // ok === true
 * await verifyDjangoPassword('lètmein', '!unusable', { iterations: 600_000 }); // false, after 600 000 iterations
 */
export async function verifyDjangoPassword(
  password: string,
  encoded: string,
  options: VerifyDjangoPasswordOptions = {},
): Promise<boolean> {
  const fallbackIterations = checkIterations(options.iterations ?? DJANGO_DEFAULT_ITERATIONS);
  const parsed = typeof encoded === 'string' ? parseDjangoPassword(encoded) : undefined;
  if (parsed === undefined || typeof password !== 'string') {
    await derive(typeof password === 'string' ? password : '', DUMMY_SALT, fallbackIterations);
    return false;
  }
  const actual = await derive(password, parsed.salt, parsed.iterations);
  // Both are exactly KEY_LENGTH bytes (checked by HASH_PATTERN), as timingSafeEqual requires.
  return timingSafeEqual(actual, parsed.hash);
}

/** The fields of a well-formed `pbkdf2_sha256` hash, or undefined. */
function parseDjangoPassword(encoded: string): { iterations: number; salt: string; hash: Buffer } | undefined {
  const parts = encoded.split('$');
  if (parts.length !== 4) return undefined;
  const [algorithm, iterationsText, salt, hash] = parts as [string, string, string, string];
  if (algorithm !== ALGORITHM || !ITERATIONS_PATTERN.test(iterationsText)) return undefined;
  const iterations = Number(iterationsText);
  if (iterations > MAX_ITERATIONS) return undefined;
  if (salt === '' || !HASH_PATTERN.test(hash)) return undefined;
  return { iterations, salt, hash: Buffer.from(hash, 'base64') };
}

/**
 * Hashes `password` the way Django's `make_password` does with its default hasher.
 *
 * @throws TypeError naming the option when `iterations` or `salt` is unusable.
 * @example
 * const encoded = await makeDjangoPassword('s3cret');
 * // 'pbkdf2_sha256$1000000$<22 random chars>$<base64>'
 * const fast = await makeDjangoPassword('s3cret', { iterations: 1000 }); // tests only
 */
export async function makeDjangoPassword(
  password: string,
  options: MakeDjangoPasswordOptions = {},
): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('password must be a string');
  const iterations = checkIterations(options.iterations ?? DJANGO_DEFAULT_ITERATIONS);
  const salt = options.salt ?? randomSalt();
  // A `$` would shift the fields of the encoded string; Django forbids it for the same reason.
  if (typeof salt !== 'string' || salt === '' || salt.includes('$')) {
    throw new TypeError('salt must be a non-empty string without "$"');
  }
  const hash = await derive(password, salt, iterations);
  return `${ALGORITHM}$${iterations}$${salt}$${hash.toString('base64')}`;
}

function checkIterations(iterations: number): number {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new TypeError(`iterations must be an integer from 1 to ${MAX_ITERATIONS}, got ${iterations}`);
  }
  return iterations;
}

/**
 * PBKDF2-HMAC-SHA256 with Django's key length. `pbkdf2` is looked up on each call (not wrapped
 * once at load) so that a test can count the runs through node:crypto's exports.
 */
function derive(password: string, salt: string, iterations: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, salt, iterations, KEY_LENGTH, 'sha256', (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function randomSalt(): string {
  // randomInt draws without modulo bias, so every letter is equally likely.
  let salt = '';
  for (let i = 0; i < SALT_LENGTH; i += 1) salt += SALT_ALPHABET[randomInt(SALT_ALPHABET.length)];
  return salt;
}
