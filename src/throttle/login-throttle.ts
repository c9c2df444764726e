import { ThrottledError } from '../errors.js';
import type { Clock } from '../clock.js';
import type { LoginThrottleStore, ThrottleCharge } from './login-throttle-store.js';
import type { ThrottleRule } from './throttle-rule.js';

/** The throttle's resolved configuration (`settings.loginThrottle`). */
export interface LoginThrottleSettings {
  readonly store: LoginThrottleStore;
  /** The per-username budget; false: usernames are not throttled. */
  readonly username: ThrottleRule | false;
  /** The per-client-address budget; false: addresses are not throttled. */
  readonly address: ThrottleRule | false;
}

/** An admitted attempt, to settle when it succeeds. */
export interface LoginTicket {
  readonly charges: readonly ThrottleCharge[];
}

/** The store key of a username: case-folded, so `Alice` and `alice` share one budget. */
export function usernameKey(username: string): string {
  return `username:${username.toLowerCase()}`;
}

/** The store key of a client address (IPv4-mapped IPv6 addresses as IPv4). */
export function addressKey(address: string): string {
  return `address:${address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '')}`;
}

/**
 * Admits or refuses a login attempt before any password is hashed: one store call that refuses a
 * waiting username or address with a 429 ({@link ThrottledError}), or counts the attempt as a
 * failure; a success then takes it back ({@link settleLogin}). Counting first is what makes the
 * budget hold under concurrency: twenty simultaneous guesses cannot all pass a check made before
 * any of them failed. The username's existence is never consulted, so a throttled unknown
 * username and a throttled known one get the same answer by the same path.
 *
 * @example
 * const ticket = await admitLogin(throttle, clock, 'alice', '203.0.113.9');
 * if (await passwordIsRight()) await settleLogin(throttle, ticket);
 */
export async function admitLogin(throttle: LoginThrottleSettings, clock: Clock, username: string, address: string | undefined): Promise<LoginTicket> {
  const charges: ThrottleCharge[] = [];
  if (throttle.username) charges.push({ key: usernameKey(username), rule: throttle.username });
  if (throttle.address && address) charges.push({ key: addressKey(address), rule: throttle.address });
  if (charges.length === 0) return { charges };
  const wait = await throttle.store.charge(charges, clock.now());
  if (wait > 0) throw new ThrottledError(wait / 1000);
  return { charges };
}

/** A successful login: the username's failures are forgotten, the address's charge taken back. */
export async function settleLogin(throttle: LoginThrottleSettings, ticket: LoginTicket): Promise<void> {
  if (ticket.charges.length === 0) return;
  const forget = ticket.charges.filter((charge) => charge.key.startsWith('username:')).map((charge) => charge.key);
  const refund = ticket.charges.filter((charge) => !charge.key.startsWith('username:'));
  await throttle.store.settle(forget, refund);
}
