import {
  KeyObject,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  sign,
  verify,
} from 'node:crypto';
import { SettingsError } from '../errors.js';
import type { Algorithm, KeyInput } from '../settings.js';

/** The key objects a backend signs and verifies with, built once at startup. */
export interface ResolvedKeys {
  /** HMAC secret (HS*) or private key; undefined when only verifying. */
  readonly signingKey: KeyObject | undefined;
  /** The same secret (HS*) or the public key; undefined only when keys come from a JWK Set. */
  readonly verifyingKey: KeyObject | undefined;
}

/**
 * Minimum HMAC key size in bytes: RFC 7518 §3.2 requires a key at least as long as the hash output.
 * PyJWT only warns; we refuse at startup, because jsonwebtoken accepts even a 3-byte secret.
 */
const HMAC_MIN_BYTES: Partial<Record<Algorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/** The curve each ECDSA algorithm is defined on (RFC 7518 §3.4). */
const EC_CURVES: Partial<Record<Algorithm, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

type KeySetting = 'signingKey' | 'verifyingKey';

/** True for the HMAC algorithms, whose one key both signs and verifies. */
function isHmac(algorithm: Algorithm): boolean {
  return algorithm.startsWith('HS');
}

/**
 * Whether an instance may go without a signing key: a verify-only instance (a resource server),
 * with an asymmetric algorithm and a public key or a JWK Set to verify with.
 */
export function mayOmitSigningKey(algorithm: Algorithm, verifyingInput: KeyInput | undefined | null, jwks: boolean): boolean {
  return !isHmac(algorithm) && (!isEmpty(verifyingInput) || jwks);
}

/** The message when neither a signing key nor a way to verify without one is given. */
export const SIGNING_KEY_REQUIRED =
  'a signing key is required (the HMAC secret, or the PEM private key for asymmetric algorithms; an instance that only verifies tokens signed elsewhere may give verifyingKey or jwkUrl instead)';

export function isEmpty(input: KeyInput | undefined | null): boolean {
  if (input === undefined || input === null) return true;
  if (input instanceof KeyObject) return false;
  return input.length === 0;
}

function asBytes(input: string | Buffer | Uint8Array): Buffer {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
}

/** PyJWT refuses PEM or SSH public keys as HMAC secrets: the key-confusion attack of RFC 8725 §2.1. */
function looksAsymmetric(bytes: Buffer): boolean {
  const text = bytes.subarray(0, 64).toString('latin1').trimStart();
  return /^-----BEGIN /.test(text) || /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-)/.test(text);
}

function hmacKey(algorithm: Algorithm, input: KeyInput, enforceKeyLength: boolean): KeyObject {
  let key: KeyObject;
  if (input instanceof KeyObject) {
    if (input.type !== 'secret') {
      throw new SettingsError('signingKey', `${algorithm} needs a secret, not a ${input.type} key`);
    }
    key = input;
  } else {
    const bytes = asBytes(input);
    if (looksAsymmetric(bytes)) {
      throw new SettingsError('signingKey', `${algorithm} needs a secret; the value looks like a PEM or SSH key`);
    }
    key = createSecretKey(bytes);
  }
  const minimum = HMAC_MIN_BYTES[algorithm] ?? 0;
  const size = key.symmetricKeySize ?? 0;
  if (enforceKeyLength && size < minimum) {
    throw new SettingsError(
      'signingKey',
      `${algorithm} needs a key of at least ${minimum} bytes (RFC 7518 §3.2); got ${size}`,
    );
  }
  return key;
}

/**
 * Why an asymmetric key does not fit the algorithm (RFC 7518 §3.3-§3.5, RFC 8037 §3.1), or
 * undefined when it fits. The same rule for configured keys and for keys from a JWK Set.
 */
export function asymmetricKeyMismatch(algorithm: Algorithm, key: KeyObject): string | undefined {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  const family = algorithm.slice(0, 2);
  if (family === 'RS' || family === 'PS') {
    const allowed = family === 'RS' ? ['rsa'] : ['rsa', 'rsa-pss'];
    if (type === undefined || !allowed.includes(type)) return `expected an RSA key, got ${type ?? 'none'}`;
    // RFC 7518 §3.3 and §3.5: "A key of size 2048 bits or larger MUST be used".
    if ((details.modulusLength ?? 0) < 2048) return `RSA keys must be at least 2048 bits, got ${details.modulusLength}`;
    if (type === 'rsa-pss' && details.hashAlgorithm !== undefined) {
      const hash = `sha${algorithm.slice(2)}`;
      if (details.hashAlgorithm !== hash || details.mgf1HashAlgorithm !== hash) {
        return `the RSA-PSS key is restricted to ${details.hashAlgorithm}`;
      }
      // RFC 7518 §3.5: the salt is as long as the hash output; a key demanding more cannot sign PS*.
      if ((details.saltLength ?? 0) > Number(algorithm.slice(2)) / 8) return 'the RSA-PSS key demands a longer salt';
    }
  } else if (family === 'ES') {
    if (type !== 'ec') return `expected an EC key, got ${type ?? 'none'}`;
    const curve = EC_CURVES[algorithm];
    if (details.namedCurve !== curve) return `expected curve ${curve}, got ${details.namedCurve}`;
  } else if (algorithm === 'EdDSA') {
    if (type !== 'ed25519' && type !== 'ed448') return `expected an Ed25519 or Ed448 key, got ${type ?? 'none'}`;
  }
  return undefined;
}

/** Refuses a configured key whose type or parameters do not fit the algorithm. */
function checkAsymmetric(algorithm: Algorithm, key: KeyObject, setting: KeySetting): void {
  const why = asymmetricKeyMismatch(algorithm, key);
  if (why !== undefined) throw new SettingsError(setting, `not a valid key for ${algorithm}: ${why}`);
}

function privateKey(algorithm: Algorithm, input: KeyInput): KeyObject {
  let key: KeyObject;
  if (input instanceof KeyObject) {
    key = input;
  } else {
    try {
      key = createPrivateKey(typeof input === 'string' ? input : Buffer.from(input));
    } catch {
      throw new SettingsError('signingKey', `${algorithm} needs a private key in PEM form`);
    }
  }
  if (key.type !== 'private') {
    throw new SettingsError('signingKey', `${algorithm} needs a private key, got a ${key.type} key`);
  }
  checkAsymmetric(algorithm, key, 'signingKey');
  return key;
}

function publicKey(algorithm: Algorithm, input: KeyInput): KeyObject {
  let key: KeyObject;
  try {
    if (input instanceof KeyObject) {
      if (input.type === 'secret') throw new Error('secret');
      key = input.type === 'private' ? createPublicKey(input) : input;
    } else {
      key = createPublicKey(typeof input === 'string' ? input : Buffer.from(input));
    }
  } catch {
    throw new SettingsError('verifyingKey', `${algorithm} needs a public key (PEM, or a KeyObject)`);
  }
  checkAsymmetric(algorithm, key, 'verifyingKey');
  return key;
}

/** Signs a probe with one key and verifies it with the other: a mismatched pair would refuse every token we issue. */
function pairMatches(signingKey: KeyObject, verifyingKey: KeyObject): boolean {
  const probe = Buffer.from('koa-simple-jwt key pair check');
  const hash = signingKey.asymmetricKeyType?.startsWith('ed') ? null : 'sha256';
  try {
    return verify(hash, probe, verifyingKey, sign(hash, probe, signingKey));
  } catch {
    return false;
  }
}

/**
 * Turns the configured keys into `KeyObject`s once, at startup, and refuses keys that cannot work:
 * a missing or short HMAC secret, a PEM where a secret belongs, a secret or wrong key type where a
 * PEM belongs, an RSA key under 2048 bits, an EC key on the wrong curve, a verifying key that does
 * not match the signing key. jsonwebtoken re-parses string keys on every call (40-50x slower), so
 * strings never reach it. For HS* the verifying key is the secret; for the others it is derived
 * from the private key when not given.
 *
 * @example
 * const { signingKey, verifyingKey } = resolveKeys('RS256', privatePem, undefined);
 * verifyingKey.type; // 'public'
 */
export function resolveKeys(
  algorithm: Algorithm,
  signingInput: KeyInput | undefined,
  verifyingInput: KeyInput | undefined,
  options: { enforceKeyLength?: boolean; checkPair?: boolean; jwks?: boolean } = {},
): ResolvedKeys {
  if (isEmpty(signingInput)) {
    if (!mayOmitSigningKey(algorithm, verifyingInput, options.jwks === true)) throw new SettingsError('signingKey', SIGNING_KEY_REQUIRED);
    return { signingKey: undefined, verifyingKey: isEmpty(verifyingInput) ? undefined : publicKey(algorithm, verifyingInput as KeyInput) };
  }
  const signing = signingInput as KeyInput;
  if (isHmac(algorithm)) {
    // Simple JWT ignores VERIFYING_KEY for HMAC algorithms: the secret verifies.
    const key = hmacKey(algorithm, signing, options.enforceKeyLength ?? true);
    return { signingKey: key, verifyingKey: key };
  }
  const signingKey = privateKey(algorithm, signing);
  if (isEmpty(verifyingInput)) return { signingKey, verifyingKey: createPublicKey(signingKey) };
  const verifyingKey = publicKey(algorithm, verifyingInput as KeyInput);
  if ((options.checkPair ?? true) && !pairMatches(signingKey, verifyingKey)) {
    throw new SettingsError('verifyingKey', 'does not match signingKey: tokens signed here would not verify');
  }
  return { signingKey, verifyingKey };
}
