import { resolveSettings } from '../../src/resolve-settings.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { ManualClock } from './demo.js';
import { TOKEN_TEST_KEY } from './token-context.js';
import type { SimpleJwtOptions } from '../../src/settings.js';
import type { ServiceContext } from '../../src/services/service-context.js';
import type { BlacklistStore, OutstandingToken, OutstandingTokenRow } from '../../src/stores/blacklist-store.js';
import type { AuthUser, Credentials, UserStore } from '../../src/stores/user-store.js';
import type { ConsumedToken, FamilyMember, FamilySession, FamilyStore, NewFamily, RotationClaim } from '../../src/families/family-store.js';
import type { LoginThrottleStore, ThrottleCharge, ThrottleEntry } from '../../src/throttle/login-throttle-store.js';

/** One call a fake store was asked, with its arguments. */
export interface Call {
  method: string;
  args: unknown[];
}

/**
 * The blacklist tables in memory, with Simple JWT's answers: `blacklist` and `rotate` resolve
 * false when the token was blacklisted already. `refuseNext` makes the next `blacklist` or
 * `rotate` answer false anyway (another request got there between the check and the write).
 */
export class MemoryBlacklistStore implements BlacklistStore {
  readonly outstanding = new Map<string, OutstandingToken>();
  readonly blacklisted = new Set<string>();
  readonly calls: Call[] = [];
  refuseNext = false;

  async outstand(token: OutstandingToken): Promise<void> {
    this.calls.push({ method: 'outstand', args: [token] });
    if (!this.outstanding.has(token.jti)) this.outstanding.set(token.jti, token);
  }

  async blacklist(token: OutstandingToken): Promise<boolean> {
    this.calls.push({ method: 'blacklist', args: [token] });
    if (this.refused() || this.blacklisted.has(token.jti)) return false;
    if (!this.outstanding.has(token.jti)) this.outstanding.set(token.jti, token);
    this.blacklisted.add(token.jti);
    return true;
  }

  async rotate(consumed: OutstandingToken, issued: OutstandingToken | null): Promise<boolean> {
    this.calls.push({ method: 'rotate', args: [consumed, issued] });
    if (this.refused() || this.blacklisted.has(consumed.jti)) return false;
    if (!this.outstanding.has(consumed.jti)) this.outstanding.set(consumed.jti, consumed);
    this.blacklisted.add(consumed.jti);
    if (issued) this.outstanding.set(issued.jti, issued);
    return true;
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    this.calls.push({ method: 'isBlacklisted', args: [jti] });
    return this.blacklisted.has(jti);
  }

  async unblacklist(jti: string): Promise<boolean> {
    return this.blacklisted.delete(jti);
  }

  async blacklistUser(): Promise<number> {
    return 0;
  }

  async listUserTokens(): Promise<OutstandingTokenRow[]> {
    return [];
  }

  async flushExpired(): Promise<number> {
    return 0;
  }

  /** The methods asked, in order, leaving out the per-request `isBlacklisted` checks. */
  writes(): string[] {
    return this.calls.filter((call) => call.method !== 'isBlacklisted').map((call) => call.method);
  }

  private refused(): boolean {
    const refuse = this.refuseNext;
    this.refuseNext = false;
    return refuse;
  }
}

/**
 * Users in memory. A user logs in with the password in `passwords` (by username); `findUser`
 * compares a field's value as a string, as a claim holds it. Every lookup and last-login write
 * is recorded.
 */
export class MemoryUserStore implements UserStore {
  readonly lookups: { field: string; value: string }[] = [];
  readonly lastLogins: { user: AuthUser; at: Date }[] = [];
  readonly usernameField?: string;

  constructor(
    readonly users: AuthUser[],
    readonly passwords: Record<string, string> = {},
    options: { usernameField?: string } = {},
  ) {
    if (options.usernameField !== undefined) this.usernameField = options.usernameField;
  }

  async authenticate(credentials: Credentials): Promise<AuthUser | null> {
    const user = this.users.find((candidate) => candidate.username === credentials.username);
    return user && this.passwords[user.username] === credentials.password ? user : null;
  }

  async findUser(field: string, value: string): Promise<AuthUser | null> {
    this.lookups.push({ field, value });
    return this.users.find((user) => user[field] !== undefined && String(user[field]) === value) ?? null;
  }

  async updateLastLogin(user: AuthUser, at: Date): Promise<void> {
    this.lastLogins.push({ user, at });
  }
}

/** A family store that records what it is asked and answers what the test sets. */
export class RecordingFamilyStore implements FamilyStore {
  readonly calls: Call[] = [];
  claim: RotationClaim = { outcome: 'claimed', familyId: 'f1' };
  consumed: ConsumedToken | null = null;

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
  }

  async startFamily(family: NewFamily): Promise<void> {
    this.record('startFamily', [family]);
  }

  async claimRotation(consumedJti: string, successor: FamilyMember, now: Date, createdAfter: Date | null): Promise<RotationClaim> {
    this.record('claimRotation', [consumedJti, successor, now, createdAfter]);
    return this.claim;
  }

  async consumedToken(jti: string): Promise<ConsumedToken | null> {
    this.record('consumedToken', [jti]);
    return this.consumed;
  }

  async revokeFamily(familyId: string, now: Date, userId?: string): Promise<boolean> {
    this.record('revokeFamily', [familyId, now, userId]);
    return true;
  }

  async revokeFamilyOf(jti: string, now: Date): Promise<boolean> {
    this.record('revokeFamilyOf', [jti, now]);
    return true;
  }

  async revokeOtherFamilies(): Promise<number> {
    return 0;
  }

  async listFamilies(): Promise<FamilySession[]> {
    return [];
  }

  async familiesOf(): Promise<Map<string, string>> {
    return new Map();
  }

  async revokeUserBefore(): Promise<void> {}

  revokedBefore(): number | null {
    return null;
  }

  async flushExpired(): Promise<number> {
    return 0;
  }

  /** The methods asked, in order. */
  methods(): string[] {
    return this.calls.map((call) => call.method);
  }
}

/** A login throttle store that records its calls and makes every charge wait `waitMs`. */
export class RecordingThrottleStore implements LoginThrottleStore {
  readonly calls: Call[] = [];
  constructor(public waitMs = 0) {}

  async charge(charges: readonly ThrottleCharge[], now: Date): Promise<number> {
    this.calls.push({ method: 'charge', args: [charges.map((charge) => charge.key), now] });
    return this.waitMs;
  }

  async settle(forget: readonly string[], refund: readonly ThrottleCharge[]): Promise<void> {
    this.calls.push({ method: 'settle', args: [forget, refund.map((charge) => charge.key)] });
  }

  async list(): Promise<ThrottleEntry[]> {
    return [];
  }

  async clear(): Promise<number> {
    return 0;
  }
}

/** A service context on a manual clock with the given stores (none by default; no throttle). */
export function serviceContext(options: Omit<SimpleJwtOptions, 'signingKey'> = {}, clock = new ManualClock()): ServiceContext & { clock: ManualClock } {
  const settings = resolveSettings({ signingKey: TOKEN_TEST_KEY, clock, loginThrottle: false, ...options });
  return { settings, backend: createTokenBackend(settings), userStore: settings.userStore, clock };
}

/** The claims of a signed token, read without verifying it. */
export function claimsOf(signed: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(signed.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}
