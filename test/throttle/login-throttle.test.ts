import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressKey, usernameKey } from '../../src/throttle/login-throttle.js';

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
