/**
 * What the blacklist's triggers (migration `20260105000000_blacklist_sync`) announce and keep,
 * read on the JavaScript side: the payloads, the checksum's terms, and which announcements a
 * PostgreSQL snapshot already includes.
 */

/** The summary table the triggers keep: count and checksum of the blacklisted rows. */
export const SUMMARY_TABLE = 'koa_simple_jwt_blacklist_summary';

/** The checksum is a sum modulo 2^48 (exact in a double). */
export const CHECKSUM_MODULUS = 2 ** 48;

/** One announced change: rows added or removed (`[blacklisted id, jti]`), or the table truncated. */
export type Change =
  | { kind: 'rows'; xid: number; op: 'add' | 'remove'; rows: [number, string | null][] }
  | { kind: 'reset'; xid: number }
  | { kind: 'mark'; mark: string };

/**
 * A blacklisted row's term of the checksum: a 32-bit mix of its id's low 32 bits (the trigger
 * computes `((id & 4294967295) * 1540483477) & 4294967295`, the same value).
 */
export function checksumTerm(id: number): number {
  return Math.imul(id % 4294967296, 1540483477) >>> 0;
}

/** `(a + b) mod 2^48`, for b of either sign. */
export function addChecksum(a: number, b: number): number {
  const sum = (a + b) % CHECKSUM_MODULUS;
  return sum < 0 ? sum + CHECKSUM_MODULUS : sum;
}

/** Reads a payload on the channel; undefined for anything else (another version's, a heartbeat). */
export function parseChange(payload: string | undefined): Change | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { op, x, rows, m } = value as { op?: unknown; x?: unknown; rows?: unknown; m?: unknown };
  if (op === 'mark' && typeof m === 'string') return { kind: 'mark', mark: m };
  if (typeof x !== 'number') return undefined;
  if (op === 'reset') return { kind: 'reset', xid: x };
  if ((op === 'add' || op === 'remove') && Array.isArray(rows)) return { kind: 'rows', xid: x, op, rows: rows as [number, string | null][] };
  return undefined;
}

/**
 * A snapshot as `txid_current_snapshot()` prints it (`xmin:xmax:xip,...`): which transactions it
 * sees. A transaction that announced a change has committed, so it is either visible to the
 * snapshot (its change is in what the snapshot reads) or committed after the snapshot was taken.
 */
export class Snapshot {
  readonly #xmin: number;
  readonly #xmax: number;
  readonly #inProgress: Set<number>;

  constructor(text: string) {
    const [xmin, xmax, xip] = text.split(':');
    this.#xmin = Number(xmin);
    this.#xmax = Number(xmax);
    this.#inProgress = new Set(xip ? xip.split(',').map(Number) : []);
    if (!Number.isSafeInteger(this.#xmin) || !Number.isSafeInteger(this.#xmax)) throw new Error(`unexpected snapshot ${text}`);
  }

  /** True when the committed transaction `xid` is visible to this snapshot. */
  sees(xid: number): boolean {
    return xid < this.#xmin || (xid < this.#xmax && !this.#inProgress.has(xid));
  }
}
