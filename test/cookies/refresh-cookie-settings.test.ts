import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRefreshCookie } from '../../src/cookies/refresh-cookie-settings.js';
import { SettingsError } from '../../src/errors.js';

const refuses = (value: unknown, reason: string) =>
  assert.throws(() => resolveRefreshCookie(value), (error: unknown) => {
    assert.ok(error instanceof SettingsError);
    assert.equal(error.setting, 'refreshCookie');
    assert.equal(error.reason, reason);
    return true;
  }, JSON.stringify(value));

describe('resolveRefreshCookie', () => {
  test('takes every option given, and returns a frozen setting with a frozen list of origins', () => {
    const settings = resolveRefreshCookie({
      name: "rt!#$%&'*+-.^_`|~9", path: '/api/token', sameSite: 'Lax', secure: false, refreshInBody: false,
      csrfHeader: 'X-Requested-With', trustedOrigins: ['https://app.example.com/', 'http://localhost:8443'],
    });
    assert.ok(settings);
    assert.deepEqual(settings, {
      name: "rt!#$%&'*+-.^_`|~9", path: '/api/token', sameSite: 'Lax', secure: false, refreshInBody: false,
      csrfHeader: 'X-Requested-With', trustedOrigins: ['https://app.example.com', 'http://localhost:8443'],
    });
    assert.ok(Object.isFrozen(settings));
    assert.ok(Object.isFrozen(settings.trustedOrigins));
  });

  test('refuses what is not true, false or an options object', () => {
    for (const value of [null, [], 'on', 1, 0]) refuses(value, 'expected true, false or an options object');
  });

  test('refuses a name that is not an HTTP token', () => {
    for (const name of [42, '', 'a b', ';rt', 'rt;', 'rt=x', 'rt\n']) {
      refuses({ name }, `name must be a cookie name (an HTTP token), got ${JSON.stringify(name)}`);
    }
  });

  test('refuses a path that does not start with "/" or holds ";", spaces or control characters', () => {
    for (const path of [5, '', 'api/token', ' /api', '/api;x', '/api token', '/api\ttoken', '/api\x01', '/api\x1f']) {
      refuses({ name: 'rt', path }, `path must start with "/" and hold no ";" or spaces, got ${JSON.stringify(path)}`);
    }
    assert.equal(resolveRefreshCookie({ name: 'rt', path: '/api/token-~!' }) && true, true);
  });

  test('refuses a SameSite other than Strict or Lax (None, and the lower-case spellings)', () => {
    for (const sameSite of ['None', 'strict', 'lax', true]) refuses({ sameSite }, `sameSite must be "Strict" or "Lax", got ${JSON.stringify(sameSite)}`);
  });

  test('wants secure and refreshInBody true or false', () => {
    for (const bad of ['yes', 1, 0]) {
      refuses({ secure: bad }, 'secure must be true or false');
      refuses({ refreshInBody: bad }, 'refreshInBody must be true or false');
    }
  });

  test('a __Host- or __Secure- name (in any case) must be Secure; another name may drop it', () => {
    refuses({ secure: false }, 'a __Host- cookie must be Secure (browsers refuse it otherwise)');
    refuses({ name: '__Secure-rt', secure: false }, 'a __Secure- cookie must be Secure (browsers refuse it otherwise)');
    refuses({ name: '__host-rt', secure: false }, 'a __host- cookie must be Secure (browsers refuse it otherwise)');
    refuses({ name: '__SECURE-rt', secure: false }, 'a __SECURE- cookie must be Secure (browsers refuse it otherwise)');
    for (const name of ['rt', 'x__Host-rt', 'x__Secure-rt', '__Hosted-rt']) {
      const settings = resolveRefreshCookie({ name, secure: false });
      assert.equal(settings && settings.secure, false, name);
    }
  });

  test('a __Host- name (in any case) must have Path=/; a __Secure- name may be narrower', () => {
    const reason = 'a __Host- cookie must have Path=/ (browsers refuse it otherwise); choose another name for a narrower path';
    refuses({ path: '/api/token' }, reason);
    refuses({ name: '__host-rt', path: '/api/token' }, reason);
    for (const name of ['__Secure-rt', 'x__Host-rt']) {
      const settings = resolveRefreshCookie({ name, path: '/api/token' });
      assert.equal(settings && settings.path, '/api/token', name);
    }
  });

  test('refuses a csrfHeader that is not a header name', () => {
    for (const csrfHeader of [5, '', 'X CSRF', ':x', 'x:']) {
      refuses({ csrfHeader }, `csrfHeader must be a header name, got ${JSON.stringify(csrfHeader)}`);
    }
  });

  test('refuses trustedOrigins that are not a list of origins', () => {
    refuses({ trustedOrigins: 'https://app.example.com' }, 'trustedOrigins must be a list of origins');
    for (const origin of [5, null]) {
      refuses({ trustedOrigins: [origin] }, `trustedOrigins: expected origins such as "https://app.example.com", got ${JSON.stringify(origin)}`);
    }
    refuses({ trustedOrigins: ['app.example.com'] }, 'trustedOrigins: "app.example.com" is not an origin such as "https://app.example.com"');
    for (const [origin, shown] of [
      ['https://app.example.com/login', 'https://app.example.com'],
      ['https://app.example.com//', 'https://app.example.com'],
      ['https://app.example.com:443', 'https://app.example.com'],
      ['https://App.example.com', 'https://app.example.com'],
      ['file:///etc/passwd', 'null'],
    ] as const) {
      refuses({ trustedOrigins: ['https://ok.example.com', origin] }, `trustedOrigins: ${JSON.stringify(origin)} is not an origin (scheme, host and port only), e.g. ${JSON.stringify(shown)}`);
    }
  });
});
