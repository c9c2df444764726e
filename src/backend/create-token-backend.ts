import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Algorithm, ResolvedSettings } from '../settings.js';
import { SettingsError } from '../errors.js';
import { checkBackendSettings } from './check-backend-settings.js';
import { eddsaHeaderSegment, signEdDsa, verifyEdDsa } from './eddsa.js';
import { createJwksClient, type JwksClient } from './jwks-client.js';
import { parseCompactJws, type CompactJws } from './parse-compact-jws.js';
import { checkPyJwtClaims } from './pyjwt-claims.js';
import { resolveKeySet } from '../keys/resolve-key-set.js';
import { jwkSet } from '../keys/public-jwk.js';
import type { ResolvedKey } from '../keys/key-set.js';
import { toPythonJson } from './to-python-json.js';
import { TokenBackendError, type Claims, type TokenBackend } from './token-backend.js';

/** The settings a token backend reads (Simple JWT's `TokenBackend` arguments). */
export type BackendSettings = Pick<
  ResolvedSettings,
  | 'algorithm'
  | 'signingKey'
  | 'verifyingKey'
  | 'audience'
  | 'issuer'
  | 'jwkUrl'
  | 'jwkCacheSeconds'
  | 'jwkTimeoutMs'
  | 'leeway'
  | 'clock'
> &
  // Optional so that callers predating key sets keep compiling; createSimpleJwt passes them all.
  Partial<Pick<ResolvedSettings, 'signingKeys' | 'kidHeader' | 'jwkCooldownSeconds' | 'keyResolver'>>;

/** Construction options that are not settings. */
export interface CreateTokenBackendOptions {
  /**
   * Refuse HMAC secrets shorter than the hash output (RFC 7518 §3.2). Default true. `false` exists
   * only so that Simple JWT's short-secret test vectors (`not_secret`) can be checked.
   */
  readonly enforceKeyLength?: boolean;
  /** The fetch used for `jwkUrl`; default the global `fetch`. */
  readonly fetch?: typeof fetch;
}

type JsonWebTokenAlgorithm = Exclude<Algorithm, 'EdDSA'>;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function noSigner(): never {
  throw new SettingsError('signingKey', 'this instance has no signing key: it verifies tokens issued elsewhere but cannot issue any');
}

/**
 * The signing function of one key, built once. PyJWT's header is {"alg": ..., "typ": "JWT"} with
 * the keys in that order; `kid` follows when `kidHeader` is on. The payload goes to jsonwebtoken
 * as finished JSON text, so jsonwebtoken neither adds `iat` nor re-serialises it (which would lose
 * PyJWT's ASCII escaping).
 */
function makeSigner(key: ResolvedKey, kidHeader: boolean): (json: string) => string {
  const signingKey = key.signingKey as KeyObject;
  const kid = kidHeader ? key.kid : undefined;
  if (key.algorithm === 'EdDSA') {
    const headerSegment = eddsaHeaderSegment(kid);
    return (json) => signEdDsa(json, signingKey, headerSegment);
  }
  const signOptions: jwt.SignOptions = {
    algorithm: key.algorithm as JsonWebTokenAlgorithm,
    header: { alg: key.algorithm, typ: 'JWT', ...(kid === undefined ? {} : { kid }) },
  };
  return (json) => jwt.sign(json, signingKey, signOptions);
}

/**
 * Builds Simple JWT's `TokenBackend`: validates the settings (throwing `SettingsError` naming the
 * setting), turns every key into a `KeyObject` once, and returns a frozen object whose `encode`
 * signs a copy of the claims (adding `aud`/`iss` when configured) with a PyJWT-identical header
 * and JSON, and whose `decode` verifies with `algorithms: [configured]` and PyJWT's claim rules,
 * measured against `settings.clock`. HS/RS/ES/PS go through jsonwebtoken; EdDSA through node:crypto.
 * With `signingKeys` (a key set, see `resolveKeySet`) the first key signs, writing its `kid`, and
 * every key verifies, chosen by the token's `kid` (or, without one, each key of the token's
 * algorithm in turn). With `jwkUrl`, tokens are verified with the JWK Set key named by their `kid`.
 *
 * @example
 * const backend = createTokenBackend({ algorithm: 'HS256', signingKey: secret32, verifyingKey: undefined,
 *   audience: undefined, issuer: undefined, jwkUrl: undefined, jwkCacheSeconds: 300,
 *   jwkTimeoutMs: 5000, leeway: 0, clock: systemClock });
 * const token = backend.encode({ exp: 4102444800, user_id: '1' });
 * await backend.decode(token); // { exp: 4102444800, user_id: '1' }
 */
export function createTokenBackend(
  settings: BackendSettings,
  options: CreateTokenBackendOptions = {},
): TokenBackend {
  const algorithm = checkBackendSettings(settings);
  const { clock, leeway, issuer } = settings;
  const audienceClaim = typeof settings.audience === 'string' ? settings.audience : settings.audience?.slice();
  const audiences = audienceClaim === undefined ? undefined : [audienceClaim].flat();
  const keySet = resolveKeySet(settings, { enforceKeyLength: options.enforceKeyLength ?? true });
  const { signer, strictKid, byKid, byAlgorithm } = keySet;
  const jwks: JwksClient | undefined =
    settings.jwkUrl === undefined
      ? undefined
      : createJwksClient({
          url: settings.jwkUrl,
          algorithm,
          cacheSeconds: settings.jwkCacheSeconds,
          timeoutMs: settings.jwkTimeoutMs,
          cooldownSeconds: settings.jwkCooldownSeconds ?? 30,
          clock,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        });
  // With a JWK Set URL only the configured algorithm is accepted; otherwise the key set's ones.
  const algorithms: ReadonlySet<string> = jwks !== undefined ? new Set([algorithm]) : keySet.algorithms;

  const sign = signer === undefined ? noSigner : makeSigner(signer, keySet.kidHeader);

  /** Returns why the signature is refused, or undefined when it verifies. */
  function checkSignature(token: string, jws: CompactJws, key: KeyObject, alg: Algorithm, nowSeconds: number): string | undefined {
    if (alg === 'EdDSA') return verifyEdDsa(jws, key);
    try {
      // Only the signature and the algorithm allow-list: the time claims follow PyJWT's rules and
      // order (checkPyJwtClaims), which differ from jsonwebtoken's.
      jwt.verify(token, key, {
        algorithms: [alg as JsonWebTokenAlgorithm],
        ignoreExpiration: true,
        ignoreNotBefore: true,
        clockTimestamp: nowSeconds,
      });
      return undefined;
    } catch (error) {
      return reasonOf(error);
    }
  }

  /**
   * Verifies the signature with the key the token names by `kid`, or, for a token without `kid`
   * (Simple JWT's, or ours from before key sets), with each key of its algorithm in turn.
   */
  function checkWithKeySet(token: string, jws: CompactJws, alg: Algorithm, nowSeconds: number): string | undefined {
    const kid = jws.header.kid as string | undefined;
    if (kid !== undefined && strictKid) {
      const key = byKid.get(kid);
      // RFC 7515 §4.1.4: the kid selects the key; an unknown one is refused, never guessed.
      if (key === undefined || key.algorithm !== alg) return `no key matches kid ${JSON.stringify(kid)}`;
      return checkSignature(token, jws, key.verifyingKey, alg, nowSeconds);
    }
    const candidates = byAlgorithm.get(alg);
    if (candidates === undefined) return 'no verifying key';
    let refused: string | undefined = 'no verifying key';
    for (const key of candidates) {
      refused = checkSignature(token, jws, key.verifyingKey, alg, nowSeconds);
      if (refused === undefined) return undefined;
    }
    return refused;
  }

  async function verifiedPayload(token: string): Promise<Claims> {
    const jws = parseCompactJws(token);
    // RFC 8725 §3.1: only the configured algorithms, checked before any key lookup (and so before a
    // JWKS fetch an attacker could otherwise trigger with `alg: none`).
    const alg = jws.header.alg;
    if (typeof alg !== 'string' || !algorithms.has(alg)) throw new TokenBackendError('invalid', 'Invalid algorithm specified');
    // RFC 7515 §4.1.11: we understand no extension, so any `crit` header must be refused.
    if (Object.hasOwn(jws.header, 'crit')) throw new TokenBackendError('invalid', 'unsupported crit header');
    const now = clock.now().getTime() / 1000;
    let refused: string | undefined;
    if (jwks !== undefined) {
      const kid = jws.header.kid;
      if (typeof kid !== 'string') throw new TokenBackendError('invalid', 'token has no kid header');
      refused = checkSignature(token, jws, await jwks.getSigningKey(kid), alg as Algorithm, Math.floor(now));
    } else {
      refused = checkWithKeySet(token, jws, alg as Algorithm, Math.floor(now));
    }
    if (refused !== undefined) throw new TokenBackendError('invalid', refused);
    checkPyJwtClaims(jws.payload, { now, leeway, audience: audiences, issuer });
    return jws.payload;
  }

  const backend: TokenBackend = {
    algorithm: signer?.algorithm ?? algorithm,
    canSign: signer !== undefined,
    jwkSet: jwkSet(keySet.keys),

    encode(payload: Claims): string {
      const claims: Claims = { ...payload };
      // RFC 7519 §4.1.3/§4.1.1: configured values overwrite whatever the payload had, as in Simple JWT.
      if (audienceClaim !== undefined) claims.aud = audienceClaim;
      if (issuer !== undefined) claims.iss = issuer;
      return sign(toPythonJson(claims));
    },

    async decode(token: string, decodeOptions?: { verify?: boolean }): Promise<Claims> {
      try {
        if (decodeOptions?.verify === false) return parseCompactJws(token).payload;
        return await verifiedPayload(token);
      } catch (error) {
        if (error instanceof TokenBackendError) throw error;
        throw new TokenBackendError('invalid', reasonOf(error));
      }
    },
  };
  return Object.freeze(backend);
}
