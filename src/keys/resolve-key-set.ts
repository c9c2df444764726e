import { createPrivateKey, createPublicKey, createSecretKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { SettingsError } from '../errors.js';
import { isEmpty, resolveKeys } from '../backend/resolve-keys.js';
import { ALGORITHMS, type Algorithm, type KeyInput } from '../settings.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import type { JsonWebKeyInput, KeySet, ResolvedKey, SigningKeyEntry, SigningKeyInput } from './key-set.js';

/** The settings a key set is built from. */
export interface KeySetSettings {
  readonly algorithm: Algorithm;
  readonly signingKey: KeyInput | undefined;
  readonly verifyingKey: KeyInput | undefined;
  readonly signingKeys?: readonly SigningKeyInput[] | undefined;
  /** Default: true with `signingKeys`, false with `signingKey` (Simple JWT's exact header). */
  readonly kidHeader?: boolean | undefined;
  readonly jwkUrl: string | undefined;
  /** With a per-tenant resolver the instance's own keys may be absent: the set is then empty. */
  readonly keyResolver?: unknown;
}

/** A plain object (not a KeyObject, not bytes). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof KeyObject) && !(value instanceof Uint8Array);
}

function isEntry(value: SigningKeyInput): value is SigningKeyEntry {
  return isPlainObject(value) && Object.hasOwn(value, 'key');
}

/** A JWK object becomes a KeyObject (secret, private or public by its members); other inputs pass through. */
function fromJwk(input: KeyInput | JsonWebKeyInput): KeyInput {
  if (!isPlainObject(input)) return input as KeyInput;
  const jwk = input as JsonWebKeyInput;
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string') throw new Error('an "oct" JWK needs "k"');
    return createSecretKey(Buffer.from(jwk.k, 'base64url'));
  }
  const format = { key: jwk as JsonWebKey, format: 'jwk' as const };
  return Object.hasOwn(jwk, 'd') ? createPrivateKey(format) : createPublicKey(format);
}

/** Whether an asymmetric input holds a private key (a PEM that parses as one, or a private KeyObject). */
function isPrivate(input: KeyInput): boolean {
  if (input instanceof KeyObject) return input.type === 'private';
  try {
    createPrivateKey(typeof input === 'string' ? input : Buffer.from(input));
    return true;
  } catch {
    return false;
  }
}

function resolveEntry(input: SigningKeyInput, index: number, fallback: Algorithm, enforceKeyLength: boolean): ResolvedKey {
  const setting = `signingKeys[${index}]`;
  const entry: SigningKeyEntry = isEntry(input) ? input : { key: input };
  const algorithm = entry.algorithm ?? fallback;
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new SettingsError(setting, `Unrecognized algorithm type '${String(algorithm)}'`);
  }
  if (entry.kid !== undefined && (typeof entry.kid !== 'string' || entry.kid === '')) {
    throw new SettingsError(setting, 'kid must be a non-empty string');
  }
  const hmac = algorithm.startsWith('HS');
  if (hmac && entry.kid === undefined) {
    throw new SettingsError(setting, `an ${algorithm} secret needs an explicit kid (only asymmetric keys default to their RFC 7638 thumbprint)`);
  }
  try {
    const key = fromJwk(entry.key);
    const { signingKey, verifyingKey } =
      hmac || isPrivate(key)
        ? resolveKeys(algorithm, key, undefined, { enforceKeyLength })
        : resolveKeys(algorithm, undefined, key, { enforceKeyLength });
    if (verifyingKey === undefined) throw new SettingsError(setting, 'no key given');
    const kid = entry.kid ?? thumbprintOf(verifyingKey);
    if (kid === undefined) throw new SettingsError(setting, `this ${verifyingKey.asymmetricKeyType} key has no JWK form to take a thumbprint of: give it an explicit kid`);
    return Object.freeze({ kid, algorithm, signingKey, verifyingKey });
  } catch (error) {
    if (error instanceof SettingsError) throw new SettingsError(setting, error.reason);
    throw new SettingsError(setting, `not a usable key: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The RFC 7638 thumbprint, or undefined for a key node:crypto cannot export as a JWK (RSA-PSS). */
function thumbprintOf(key: KeyObject): string | undefined {
  try {
    return jwkThumbprint(key);
  } catch {
    return undefined;
  }
}

function freezeSet(keys: readonly ResolvedKey[], signer: ResolvedKey | undefined, kidHeader: boolean, strictKid: boolean): KeySet {
  const byKid = new Map<string, ResolvedKey>();
  const byAlgorithm = new Map<string, ResolvedKey[]>();
  for (const key of keys) {
    if (key.kid !== undefined) byKid.set(key.kid, key);
    const list = byAlgorithm.get(key.algorithm) ?? [];
    list.push(key);
    byAlgorithm.set(key.algorithm, list);
  }
  return Object.freeze({
    signer,
    keys: Object.freeze([...keys]),
    algorithms: new Set(byAlgorithm.keys()),
    byKid,
    byAlgorithm,
    kidHeader,
    strictKid,
  });
}

/**
 * Builds the key set from the settings, once, at startup. With `signingKeys`: every entry is
 * validated as `signingKey` is (sizes, curves, algorithm match) and a bad one throws a
 * `SettingsError` naming it (`signingKeys[1]`); kids must be unique; the first entry signs when it
 * holds a secret or a private key, and every entry verifies. Without it, `signingKey` and
 * `verifyingKey` are a one-key set (an asymmetric key still gets its thumbprint as `kid`, so it
 * can be published), and tokens' `kid` headers are ignored, as Simple JWT ignores them.
 *
 * @example
 * const set = resolveKeySet({ algorithm: 'ES256', signingKey: undefined, verifyingKey: undefined, jwkUrl: undefined,
 *   signingKeys: [newPrivatePem, oldPrivatePem] });
 * set.signer?.kid; // the new key's thumbprint
 */
export function resolveKeySet(settings: KeySetSettings, options: { enforceKeyLength?: boolean } = {}): KeySet {
  const enforceKeyLength = options.enforceKeyLength ?? true;
  const { signingKeys } = settings;
  if (signingKeys !== undefined) {
    if (!Array.isArray(signingKeys) || signingKeys.length === 0) {
      throw new SettingsError('signingKeys', 'expected a non-empty list of keys (the first signs, all verify)');
    }
    const keys = signingKeys.map((input, index) => resolveEntry(input as SigningKeyInput, index, settings.algorithm, enforceKeyLength));
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key.kid as string)) throw new SettingsError(`signingKeys[${index}]`, `kid ${JSON.stringify(key.kid)} is used by an earlier key`);
      seen.add(key.kid as string);
    });
    const first = keys[0];
    const signer = first?.signingKey === undefined ? undefined : first;
    return freezeSet(keys, signer, settings.kidHeader ?? true, true);
  }
  if (settings.keyResolver !== undefined && isEmpty(settings.signingKey) && isEmpty(settings.verifyingKey)) {
    return freezeSet([], undefined, settings.kidHeader ?? true, true);
  }
  const { signingKey, verifyingKey } = resolveKeys(settings.algorithm, settings.signingKey, settings.verifyingKey, {
    enforceKeyLength,
    // With a JWK Set the local verifying key is never used (Simple JWT ignores it too).
    checkPair: settings.jwkUrl === undefined,
    jwks: settings.jwkUrl !== undefined,
  });
  const verifying = verifyingKey ?? (signingKey?.type === 'private' ? createPublicKey(signingKey) : signingKey);
  const kidHeader = settings.kidHeader ?? false;
  if (verifying === undefined) return freezeSet([], undefined, kidHeader, false);
  const kid = verifying.type === 'secret' ? undefined : thumbprintOf(verifying);
  if (kidHeader && kid === undefined) {
    throw new SettingsError('kidHeader', 'this signingKey has no kid (an HMAC secret, or an RSA-PSS key): give it one with signingKeys: [{ key, kid }]');
  }
  const key: ResolvedKey = Object.freeze({ kid, algorithm: settings.algorithm, signingKey, verifyingKey: verifying });
  return freezeSet([key], signingKey === undefined ? undefined : key, kidHeader, false);
}
