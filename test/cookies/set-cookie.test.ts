import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveRefreshCookie } from '../../src/cookies/refresh-cookie-settings.js';
import { clearRefreshCookie, setRefreshCookie } from '../../src/cookies/set-cookie.js';
import { checkCsrf } from '../../src/cookies/check-csrf.js';
import { CsrfError } from '../../src/errors.js';

const defaults = resolveRefreshCookie(true) as Exclude<ReturnType<typeof resolveRefreshCookie>, false>;

test('setRefreshCookie writes the token with Max-Age in whole seconds and the prefix\'s attributes', () => {
  assert.equal(setRefreshCookie(defaults, 'a.b.c', 299.7), '__Host-refresh=a.b.c; Max-Age=299; Path=/; Secure; HttpOnly; SameSite=Strict');
  assert.equal(setRefreshCookie(defaults, 'a.b.c', -5), '__Host-refresh=a.b.c; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict');
});

test('clearRefreshCookie expires the cookie with the same name and path', () => {
  const narrow = resolveRefreshCookie({ name: 'rt', path: '/api/token', sameSite: 'Lax' });
  assert.ok(narrow);
  assert.equal(clearRefreshCookie(narrow), 'rt=; Max-Age=0; Path=/api/token; Secure; HttpOnly; SameSite=Lax');
});

test('resolveRefreshCookie is off when absent or false', () => {
  assert.equal(resolveRefreshCookie(undefined), false);
  assert.equal(resolveRefreshCookie(false), false);
  assert.deepEqual(defaults, { name: '__Host-refresh', path: '/', sameSite: 'Strict', secure: true, refreshInBody: true, csrfHeader: 'X-CSRF-Protection', trustedOrigins: [] });
});

test('checkCsrf wants the header, then an own or trusted Origin when one is sent', () => {
  const cookie = resolveRefreshCookie({ trustedOrigins: ['https://app.example.com/'] });
  assert.ok(cookie);
  const own = 'https://api.example.com';
  assert.throws(() => checkCsrf(cookie, { csrfHeader: undefined, origin: own, ownOrigin: own }), (error: unknown) => error instanceof CsrfError && error.status === 403 && error.code === 'csrf_failed');
  assert.throws(() => checkCsrf(cookie, { csrfHeader: '', origin: own, ownOrigin: own }), /X-CSRF-Protection header missing\./);
  assert.doesNotThrow(() => checkCsrf(cookie, { csrfHeader: '1', origin: undefined, ownOrigin: own }));
  assert.doesNotThrow(() => checkCsrf(cookie, { csrfHeader: '1', origin: '', ownOrigin: own }), 'an empty Origin is no Origin');
  assert.doesNotThrow(() => checkCsrf(cookie, { csrfHeader: '1', origin: own, ownOrigin: own }));
  assert.doesNotThrow(() => checkCsrf(cookie, { csrfHeader: '1', origin: 'https://app.example.com', ownOrigin: own }));
  assert.throws(() => checkCsrf(cookie, { csrfHeader: '1', origin: 'http://app.example.com', ownOrigin: own }), /Origin checking failed - http:\/\/app\.example\.com does not match any trusted origins\./);
});
