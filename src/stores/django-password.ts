/**
 * Django's default password format, `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`, so that a
 * `KnexUserStore` can share an `auth_user` table with a Django project in both directions: users
 * created by Django log in here, users created here log in to Django.
 *
 * Only `pbkdf2_sha256` is understood. Any other algorithm (argon2, bcrypt, an unusable `!...`
 * password) verifies as false rather than throwing: to the caller it is simply a wrong password.
 */
import { pbkdf2, randomInt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

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

/** Options of {@link makeDjangoPassword}. */
export interface MakeDjangoPasswordOptions {
  /** PBKDF2 iterations. Default {@link DJANGO_DEFAULT_ITERATIONS} (Django 5.2). */
  iterations?: number;
  /** The salt; default 22 random characters from `a-zA-Z0-9`. Must be non-empty, without `$`. */
  salt?: string;
}

/**
 * Checks `password` against a Django-encoded hash. Resolves false for a wrong password, for an
 * algorithm other than `pbkdf2_sha256` and for anything malformed; never rejects for bad input.
 *
 * The cost is the stored hash's iteration count, spent off the event loop (async PBKDF2), and the
 * final comparison is constant-time.
 *
 * @example
 * const ok = await verifyDjangoPassword('lètmein',
 *   'pbkdf2_sha256$390000$seasalt$8xBlGd3jVgvJ+92hWPxi5ww0uuAuAnKgC45eudxro7c=');
 * // ok === true
 */
export async function verifyDjangoPassword(password: string, encoded: string): Promise<boolean> {
  if (typeof password !== 'string' || typeof encoded !== 'string') return false;
  const parts = encoded.split('$');
  if (parts.length !== 4) return false;
  const [algorithm, iterationsText, salt, hash] = parts as [string, string, string, string];
  if (algorithm !== ALGORITHM) return false;
  if (!ITERATIONS_PATTERN.test(iterationsText)) return false;
  const iterations = Number(iterationsText);
  if (iterations > MAX_ITERATIONS) return false;
  if (salt === '' || !HASH_PATTERN.test(hash)) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await pbkdf2Async(password, salt, iterations, KEY_LENGTH, 'sha256');
  // Both are exactly KEY_LENGTH bytes (checked by HASH_PATTERN), as timingSafeEqual requires.
  return timingSafeEqual(actual, expected);
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
  const iterations = options.iterations ?? DJANGO_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new TypeError(`iterations must be an integer from 1 to ${MAX_ITERATIONS}, got ${iterations}`);
  }
  const salt = options.salt ?? randomSalt();
  // A `$` would shift the fields of the encoded string; Django forbids it for the same reason.
  if (typeof salt !== 'string' || salt === '' || salt.includes('$')) {
    throw new TypeError('salt must be a non-empty string without "$"');
  }
  const hash = await pbkdf2Async(password, salt, iterations, KEY_LENGTH, 'sha256');
  return `${ALGORITHM}$${iterations}$${salt}$${hash.toString('base64')}`;
}

function randomSalt(): string {
  // randomInt draws without modulo bias, so every letter is equally likely.
  let salt = '';
  for (let i = 0; i < SALT_LENGTH; i += 1) salt += SALT_ALPHABET[randomInt(SALT_ALPHABET.length)];
  return salt;
}
