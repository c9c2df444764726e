import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, admitLogin, settleLogin, usernameKey } from '../../src/throttle/login-throttle.js';
import { DEFAULT_ADDRESS_RULE, DEFAULT_USERNAME_RULE } from '../../src/throttle/throttle-rule.js';
import { ThrottledError } from '../../src/errors.js';
import type { LoginThrottleStore } from '../../src/throttle/login-throttle-store.js';

test('usernameKey folds case, so Alice and alice share a budget', () => {
  assert.equal(usernameKey('Alice'), usernameKey('alice'));
  assert.equal(usernameKey('alice'), 'username:alice');
});

test('addressKey keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by its /64', () => {
  assert.equal(addressKey('203.0.113.9'), 'address:203.0.113.9');
  assert.equal(addressKey('::ffff:203.0.113.9'), 'address:203.0.113.9');
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), 'address:2001:db8:1:2::/64');
  assert.equal(addressKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), 'address:2001:db8:1:2::/64');
  assert.equal(addressKey('2001:db8::1'), 'address:2001:db8:0:0::/64');
  assert.equal(addressKey('::1'), 'address:0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), 'address:fe80:0:0:0::/64');
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
});

test('addressKey unwraps only a leading ::ffff: before a whole IPv4 address', () => {
  assert.equal(addressKey('::ffff:198.51.100.23'), 'address:198.51.100.23');
  assert.equal(addressKey('2001:db8::ffff:192.0.2.1'), 'address:2001:db8:0:0::/64', 'an IPv4 tail of another prefix stays IPv6');
  assert.equal(addressKey('::ffff:1.2.3.4.5'), 'address:::ffff:1.2.3.4.5', 'not an address: kept as given');
});

test('addressKey counts the groups after :: (an IPv4 tail as two) to place the /64', () => {
  assert.equal(addressKey('2001::1:2:3:4:5:6'), 'address:2001:0:1:2::/64');
  assert.equal(addressKey('1::2:3:4:5:192.0.2.1'), 'address:1:0:2:3::/64');
});

/** A store that records its calls and answers `wait` to charge(). */
function recordingStore(wait = 0) {
  const calls: unknown[][] = [];
  const store: LoginThrottleStore = {
    charge: async (charges, now) => (calls.push(['charge', charges.map((charge) => charge.key), now.getTime()]), wait),
    settle: async (forget, refund) => void calls.push(['settle', forget, refund.map((charge) => charge.key)]),
    list: async () => [],
    clear: async () => 0,
  };
  return { store, calls };
}
const clock = { now: () => new Date(Date.UTC(2026, 0, 1)) };

describe('admitLogin', () => {
  test('charges the username and the address in one store call', async () => {
    const { store, calls } = recordingStore();
    const ticket = await admitLogin({ store, username: DEFAULT_USERNAME_RULE, address: DEFAULT_ADDRESS_RULE }, clock, 'Alice', '203.0.113.9');
    assert.deepEqual(calls, [['charge', ['username:alice', 'address:203.0.113.9'], Date.UTC(2026, 0, 1)]]);
    assert.deepEqual(ticket.charges.map((charge) => charge.rule), [DEFAULT_USERNAME_RULE, DEFAULT_ADDRESS_RULE]);
  });

  test('charges only the budgets that are on, and no address when the transport knows none', async () => {
    const { store, calls } = recordingStore();
    await admitLogin({ store, username: false, address: DEFAULT_ADDRESS_RULE }, clock, 'alice', '203.0.113.9');
    await admitLogin({ store, username: DEFAULT_USERNAME_RULE, address: DEFAULT_ADDRESS_RULE }, clock, 'alice', undefined);
    await admitLogin({ store, username: DEFAULT_USERNAME_RULE, address: false }, clock, 'alice', '203.0.113.9');
    assert.deepEqual(calls.map((call) => call[1]), [['address:203.0.113.9'], ['username:alice'], ['username:alice']]);
  });

  test('asks the store nothing when nothing is throttled', async () => {
    const { store, calls } = recordingStore(60_000);
    const ticket = await admitLogin({ store, username: false, address: false }, clock, 'alice', '203.0.113.9');
    assert.deepEqual([calls, ticket.charges], [[], []]);
  });

  test('refuses a waiting key with ThrottledError in whole seconds (429, Retry-After)', async () => {
    const { store } = recordingStore(59_001);
    await assert.rejects(admitLogin({ store, username: DEFAULT_USERNAME_RULE, address: false }, clock, 'alice', undefined), (error: unknown) => {
      assert.ok(error instanceof ThrottledError);
      assert.deepEqual([error.status, error.wait, error.headers], [429, 60, { 'Retry-After': '60' }]);
      return true;
    });
  });
});

describe('settleLogin', () => {
  test('forgets the username and refunds the address', async () => {
    const { store, calls } = recordingStore();
    const ticket = await admitLogin({ store, username: DEFAULT_USERNAME_RULE, address: DEFAULT_ADDRESS_RULE }, clock, 'alice', '203.0.113.9');
    await settleLogin({ store, username: DEFAULT_USERNAME_RULE, address: DEFAULT_ADDRESS_RULE }, ticket);
    assert.deepEqual(calls[1], ['settle', ['username:alice'], ['address:203.0.113.9']]);
  });

  test('asks the store nothing for a ticket without charges', async () => {
    const { store, calls } = recordingStore();
    await settleLogin({ store, username: false, address: false }, { charges: [] });
    assert.deepEqual(calls, []);
  });
});
