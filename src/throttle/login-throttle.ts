import { isIPv6 } from 'node:net';
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

/**
 * The store key of a client address: IPv4 as is (IPv4-mapped IPv6 too), IPv6 by its /64 prefix,
 * since one subscriber is usually given a whole /64 and could otherwise rotate through addresses.
 *
 * @example
 * addressKey('::ffff:203.0.113.9');      // 'address:203.0.113.9'
 * addressKey('2001:db8:1:2:aaaa::1');    // 'address:2001:db8:1:2::/64'
 */
export function addressKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return `address:${ipv6Prefix64(plain) ?? plain}`;
}

/** The first four groups of an IPv6 address, lowercased without leading zeros; undefined for anything else. */
function ipv6Prefix64(address: string): string | undefined {
  const text = address.replace(/%.*$/, '').toLowerCase();
  if (!isIPv6(text)) return undefined;
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail (::1.2.3.4) is two groups; it never reaches the first four unless shorthand hides them.
  const rightGroups = right.flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]));
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - rightGroups.length).fill('0'), ...rightGroups];
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`;
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
