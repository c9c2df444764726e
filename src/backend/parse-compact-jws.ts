import { TokenBackendError, type Claims } from './token-backend.js';

/** A JWS in compact serialisation, split and decoded but not verified (RFC 7515 §7.1). */
export interface CompactJws {
  /** The JOSE header (RFC 7515 §4), a JSON object. */
  readonly header: Readonly<Record<string, unknown>>;
  /** The JWT claims set (RFC 7519 §4), a JSON object. */
  readonly payload: Claims;
  /** `BASE64URL(header) '.' BASE64URL(payload)`: the bytes the signature covers (RFC 7515 §5.1). */
  readonly signingInput: string;
  /** The decoded signature; empty for an unsecured token. */
  readonly signature: Buffer;
}

/** The base64url alphabet without padding (RFC 7515 §2, "Base64url Encoding"). */
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Fatal so that invalid UTF-8 is refused, as Python's `json.loads` on bytes refuses it. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function invalid(detail: string): TokenBackendError {
  return new TokenBackendError('invalid', detail);
}

function decodeSegment(segment: string, name: string): Buffer {
  // A length of 1 mod 4 cannot come from any byte string; Buffer would silently drop the extra char.
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) {
    throw invalid(`${name} segment is not base64url`);
  }
  return Buffer.from(segment, 'base64url');
}

function decodeJsonObject(segment: string, name: string): Record<string, unknown> {
  const bytes = decodeSegment(segment, name);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw invalid(`${name} is not UTF-8 JSON`);
  }
  // RFC 7515 §4 and RFC 7519 §7.2 step 10: both must be JSON objects (not arrays, not null).
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`${name} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/**
 * Splits and decodes a compact JWS without checking its signature or claims. Every structural
 * fault (wrong number of segments, bad base64url, invalid UTF-8, non-JSON, a header or payload that
 * is not an object, a `kid` that is not a string) is a `TokenBackendError('invalid')`, which is
 * also what `decode(token, { verify: false })` promises: nothing checked, but garbage still refused.
 *
 * @example
 * const { header, payload } = parseCompactJws(token);
 * header.alg; // 'HS256'
 */
export function parseCompactJws(token: string): CompactJws {
  if (typeof token !== 'string') throw invalid('token is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('token does not have three segments');
  const [headerSegment, payloadSegment, signatureSegment] = parts as [string, string, string];
  const header = decodeJsonObject(headerSegment, 'header');
  // PyJWT refuses a non-string kid before any key lookup (RFC 7515 §4.1.4: kid is a case-sensitive string).
  if (Object.hasOwn(header, 'kid') && typeof header.kid !== 'string') throw invalid('kid header is not a string');
  const payload = decodeJsonObject(payloadSegment, 'payload');
  const signature = decodeSegment(signatureSegment, 'signature');
  return { header, payload, signingInput: `${headerSegment}.${payloadSegment}`, signature };
}
