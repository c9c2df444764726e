import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Algorithm } from '../settings.js';
import { TokenBackendError } from './token-backend.js';
import { asymmetricKeyMismatch } from './resolve-keys.js';

/** Options for {@link createJwksClient}. */
export interface JwksClientOptions {
  /** The JWK Set URL (http or https). */
  readonly url: string;
  /** The backend's one algorithm: keys that declare another `alg` are not used (RFC 7517 §4.4). */
  readonly algorithm: Algorithm;
  /** Seconds a fetched set is used before it is fetched again (PyJWKClient: 300); at least `minRefetchSeconds`. */
  readonly cacheSeconds: number;
  /** Milliseconds a fetch (headers and body) may take before the token is refused. */
  readonly timeoutMs: number;
  /** The source of time for the cache and the refetch limit. */
  readonly clock: Clock;
  /** The fetch implementation; default the global `fetch`. */
  readonly fetch?: typeof fetch;
  /**
   * Seconds after a failed fetch, and after the start of any successful one, before the URL is
   * fetched again for an unknown `kid` or a failed refresh. Without it a client sending random
   * `kid`s would make us fetch on every request, and a dead endpoint would make every request wait
   * a full timeout. Default 30 (jose's `cooldownDuration`).
   */
  readonly cooldownSeconds?: number;
}

/** Finds the public key a token names by its `kid` header in a remote JWK Set (RFC 7517 §5). */
export interface JwksClient {
  /** Resolves the key for `kid`, or rejects with `TokenBackendError('invalid')`; never hangs. */
  getSigningKey(kid: string): Promise<KeyObject>;
}

function invalid(detail: string): TokenBackendError {
  return new TokenBackendError('invalid', detail);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The largest JWK Set read (real ones are a few kilobytes). */
const MAX_JWKS_BYTES = 1024 * 1024;

/** The response body as text, refused once it passes `limit` bytes (whatever Content-Length says). */
async function readLimited(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw invalid(`JWKS response is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Builds the kid → key map from a JWK Set, keeping only keys we may verify with: `use` "sig" or
 * absent (RFC 7517 §4.2), `key_ops` absent or containing "verify" (§4.3), `alg` absent or equal to
 * ours (§4.4), a non-empty `kid` (PyJWKClient needs one), and an RSA/EC/OKP key node:crypto can
 * import that fits the algorithm as a configured key must (RSA of at least 2048 bits, the right
 * curve). A symmetric ("oct") key is never taken from a URL. Unusable entries are skipped.
 */
function parseJwks(body: unknown, algorithm: Algorithm): Map<string, KeyObject> {
  if (!isObject(body) || !Array.isArray(body.keys)) throw invalid('JWKS response is not a JWK Set');
  const keys = new Map<string, KeyObject>();
  for (const jwk of body.keys as unknown[]) {
    if (!isObject(jwk)) continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) continue;
    if (jwk.alg !== undefined && jwk.alg !== algorithm) continue;
    if (typeof jwk.kid !== 'string' || jwk.kid === '' || keys.has(jwk.kid)) continue;
    if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') continue;
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      // The rules configured keys follow (RSA of 2048 bits or more, the algorithm's curve...).
      if (key.type === 'public' && asymmetricKeyMismatch(algorithm, key) === undefined) keys.set(jwk.kid, key);
    } catch {
      // An entry node:crypto cannot import (unknown curve, bad encoding) is skipped, as PyJWKSet does.
    }
  }
  if (keys.size === 0) throw invalid('the JWKS endpoint did not contain any signing keys');
  return keys;
}

/**
 * A JWK Set client in the manner of PyJWKClient, which Simple JWT uses for `JWK_URL`: the set is
 * fetched lazily, cached for `cacheSeconds` by the injected clock, searched by `kid`, and fetched
 * again on a miss. What it adds, so that a slow or dead endpoint costs little:
 *
 * - One in-flight fetch is shared by concurrent requests; each fetch gives up after `timeoutMs`,
 *   even if `fetch` ignores its abort signal.
 * - After a failed fetch nothing is fetched for `cooldownSeconds` (30): requests meanwhile are
 *   answered at once from the keys already held, or refused when none are held. So no request
 *   waits more than one timeout per cooldown, however the endpoint hangs or flaps.
 * - Keys past `cacheSeconds` keep being served while their refresh fails (stale beats down); a
 *   successful fetch replaces the whole set, so a key removed from it stops verifying.
 * - An unknown `kid` causes at most one fetch per cooldown, counted from the last fetch's start.
 *
 * Keys are imported once per fetch as `KeyObject`s. Every failure is a `TokenBackendError('invalid')`.
 *
 * jose's `createRemoteJWKSet` was considered and not used: it fetches again on every request after
 * a failure (its cooldown starts only at a success), refuses once its cache is past age even when
 * the refresh fails, reads time from `Date.now()` rather than the injected clock, and does not
 * apply the key rules configured keys follow (RSA of 2048 bits, the algorithm's curve).
 *
 * @example
 * const jwks = createJwksClient({ url: 'https://example.auth0.com/.well-known/jwks.json',
 *   algorithm: 'RS256', cacheSeconds: 300, timeoutMs: 5000, clock: systemClock });
 * const key = await jwks.getSigningKey('230498151c214b788dd97f22b85410a5');
 */
export function createJwksClient(options: JwksClientOptions): JwksClient {
  const { url, algorithm, clock } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const cooldownMs = (options.cooldownSeconds ?? 30) * 1000;
  const cacheMs = options.cacheSeconds * 1000;
  const nowMs = (): number => clock.now().getTime();

  let keys: Map<string, KeyObject> | undefined;
  let fetchedAt = Number.NEGATIVE_INFINITY;
  /** No fetch starts before this instant, unless one is already in flight (then it is joined). */
  let coolUntil = Number.NEGATIVE_INFINITY;
  /** Why the last fetch failed; undefined after a success. */
  let lastError: string | undefined;
  let inFlight: Promise<void> | undefined;

  async function load(): Promise<Map<string, KeyObject>> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(invalid(`JWKS fetch timed out after ${options.timeoutMs} ms`));
      }, options.timeoutMs);
    });
    const attempt = (async () => {
      const response = await fetchImpl(url, { signal: controller.signal, headers: { accept: 'application/json' } });
      if (!response.ok) throw invalid(`JWKS fetch failed: HTTP ${response.status}`);
      const text = await readLimited(response, MAX_JWKS_BYTES);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw invalid('JWKS response is not JSON');
      }
      return parseJwks(body, algorithm);
    })();
    try {
      // The race is the guarantee against a hang; the abort is what frees the socket.
      return await Promise.race([attempt, timeout]);
    } catch (error) {
      if (error instanceof TokenBackendError) throw error;
      throw invalid(`JWKS fetch failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
      controller.abort(); // releases an unread body; harmless once everything was read
      attempt.catch(() => undefined); // the loser of the race must not become an unhandled rejection
    }
  }

  /** Fetches the set (or joins the fetch in flight); never rejects: a failure starts the cooldown. */
  function refresh(): Promise<void> {
    if (inFlight !== undefined) return inFlight;
    const startedAt = nowMs();
    inFlight = load()
      .then(
        (loaded) => {
          keys = loaded;
          fetchedAt = nowMs();
          lastError = undefined;
          coolUntil = startedAt + cooldownMs;
        },
        (error: unknown) => {
          lastError = error instanceof TokenBackendError ? (error.detail ?? error.message) : String(error);
          // From the failure's end: a fetch that hung for the whole timeout still buys a full cooldown.
          coolUntil = nowMs() + cooldownMs;
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    async getSigningKey(kid: string): Promise<KeyObject> {
      const held = keys?.get(kid);
      if (held !== undefined && nowMs() - fetchedAt < cacheMs) return held;
      // A stale key, an unknown kid, or no set yet: fetch unless cooling down (or join the fetch in flight).
      if (inFlight !== undefined || nowMs() >= coolUntil) await refresh();
      // A failed or skipped fetch leaves the held set in place: its stale keys keep verifying.
      const key = keys?.get(kid);
      if (key !== undefined) return key;
      if (keys === undefined) throw invalid(lastError ?? 'no JWK Set held yet');
      throw invalid(`no signing key in the JWKS matches kid ${JSON.stringify(kid)}`);
    },
  };
}
