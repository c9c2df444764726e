import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessToken } from '../../src/tokens/access-token.js';
import { RefreshToken } from '../../src/tokens/refresh-token.js';
import { UntypedToken } from '../../src/tokens/untyped-token.js';
import { Token } from '../../src/tokens/token.js';
import { ExpiredTokenError } from '../../src/errors.js';
import { ManualClock } from '../support/demo.js';
import type { TokenContext } from '../../src/tokens/token.js';
import { tokenContext, tokenRefusal } from '../support/token-context.js';

test('create makes type, exp, iat and jti in Simple JWT order', () => {
  const context = tokenContext();
  const token = AccessToken.create(context);
  const now = Math.floor(context.clock.ms / 1000);
  assert.deepEqual(Object.keys(token.payload), ['token_type', 'exp', 'iat', 'jti']);
  assert.equal(token.payload.token_type, 'access');
  assert.equal(token.payload.exp, now + 300);
  assert.equal(token.payload.iat, now);
  assert.match(String(token.payload.jti), /^[0-9a-f]{32}$/);
});

test('create truncates fractional seconds', () => {
  const context = tokenContext({}, new ManualClock(Date.UTC(2026, 0, 1) + 999));
  const token = AccessToken.create(context);
  assert.equal(token.payload.iat, Date.UTC(2026, 0, 1) / 1000);
});

test('a class without type or lifetime cannot create tokens', () => {
  class Nameless extends Token {}
  assert.throws(() => Nameless.create(tokenContext()), /Cannot create token with no type or lifetime/);
});

test('decode round-trips a signed token and keeps the claims', async () => {
  const context = tokenContext();
  const token = AccessToken.create(context);
  token.set('scope', 'read');
  const decoded = await AccessToken.decode(context, token.sign());
  assert.deepEqual(decoded.payload, token.payload);
  assert.equal(decoded.get('scope'), 'read');
  assert.equal(decoded.get('missing', 'fallback'), 'fallback');
});

test('expiry: exp equal to now is expired; one second before is valid; leeway extends it', async () => {
  const context = tokenContext();
  const token = AccessToken.create(context);
  const signed = token.sign();
  context.clock.advance(299);
  await AccessToken.decode(context, signed);
  context.clock.advance(1);
  const error = await tokenRefusal(AccessToken.decode(context, signed));
  assert.ok(error instanceof ExpiredTokenError);
  assert.equal(error.message, 'Token is expired');

  const lenient = tokenContext({ leeway: 100 }, new ManualClock(context.clock.ms - 300_000));
  const old = AccessToken.create(lenient).sign();
  lenient.clock.advance(300 + 50);
  await AccessToken.decode(lenient, old);
  lenient.clock.advance(100);
  await tokenRefusal(AccessToken.decode(lenient, old));
});

test('checkExp: a missing claim and a passed claim have their own messages; leeway applies', () => {
  const context = tokenContext();
  const token = AccessToken.create(context);
  assert.throws(() => token.checkExp('refresh_exp'), /Token has no 'refresh_exp' claim/);
  token.set('refresh_exp', Math.floor(context.clock.ms / 1000));
  assert.throws(() => token.checkExp('refresh_exp'), /Token 'refresh_exp' claim has expired/);
  const lenient = tokenContext({ leeway: 1 }, context.clock);
  const other = AccessToken.create(lenient);
  other.set('refresh_exp', Math.floor(context.clock.ms / 1000));
  other.checkExp('refresh_exp');
});

test('verify runs Simple JWT checks in order: exp, id, type', async () => {
  const context = tokenContext();
  const now = Math.floor(context.clock.ms / 1000);
  const sign = (payload: Record<string, unknown>) => context.backend.encode(payload);
  assert.equal((await tokenRefusal(AccessToken.decode(context, sign({ token_type: 'access', jti: 'x' })))).message, "Token has no 'exp' claim");
  assert.equal((await tokenRefusal(AccessToken.decode(context, sign({ token_type: 'access', exp: now + 5 })))).message, 'Token has no id');
  assert.equal((await tokenRefusal(AccessToken.decode(context, sign({ exp: now + 5, jti: 'x' })))).message, 'Token has no type');
  assert.equal((await tokenRefusal(AccessToken.decode(context, sign({ token_type: 'refresh', exp: now + 5, jti: 'x' })))).message, 'Token has wrong type');
  assert.equal((await tokenRefusal(AccessToken.decode(context, sign({ token_type: 'refresh', exp: now, jti: 'x' })))).message, 'Token is expired');
  assert.equal((await tokenRefusal(AccessToken.decode(context, 'garbage'))).message, 'Token is invalid');
});

test('null type and id claims turn those checks and claims off', async () => {
  const context = tokenContext({ tokenTypeClaim: null, jtiClaim: null });
  const token = AccessToken.create(context);
  assert.deepEqual(Object.keys(token.payload), ['exp', 'iat']);
  const decoded = await RefreshToken.decode(context, token.sign());
  assert.equal(decoded.get('exp'), token.get('exp'));
});

test('decode with verify false skips every check', async () => {
  const context = tokenContext();
  const signed = context.backend.encode({ token_type: 'other', exp: 1 });
  const token = await AccessToken.decode(context, signed, { verify: false });
  assert.equal(token.payload.exp, 1);
});

test('forUser writes the user id as a string and, with checkRevokeToken, the MD5 of the password hash', () => {
  const context = tokenContext({ checkRevokeToken: true, revokeTokenClaim: 'pwd' });
  const token = RefreshToken.forUser(context, { id: 42, username: 'u', isActive: true, password: 'pbkdf2_sha256$1$s$h' });
  assert.equal(token.payload.user_id, '42');
  // hashlib.md5(b'pbkdf2_sha256$1$s$h').hexdigest().upper(), as Simple JWT computes it
  assert.equal(token.payload.pwd, '27D7BD28FC505A2C679C0B8F695CBCA5');
  const byName = RefreshToken.forUser(tokenContext({ userIdField: 'username' }), { id: 42, username: 'u', isActive: true });
  assert.equal(byName.payload.user_id, 'u');
});

test('accessToken copies every claim but type, exp, jti and iat, and counts exp from the refresh token\'s time', async () => {
  const context = tokenContext();
  const refresh = RefreshToken.forUser(context, { id: 7, username: 'u', isActive: true });
  refresh.set('tenant', 'acme');
  context.clock.advance(86400 * 3);
  const access = refresh.accessToken();
  assert.equal(access.payload.token_type, 'access');
  assert.equal(access.payload.user_id, '7');
  assert.equal(access.payload.tenant, 'acme');
  assert.notEqual(access.payload.jti, refresh.payload.jti);
  assert.equal(access.payload.exp, Math.floor(refresh.currentTime.getTime() / 1000) + 300);
  assert.equal(access.payload.iat, Math.floor(context.clock.ms / 1000), 'iat is the access token\'s own (Simple JWT >= 5.5.1)');
});

test('UntypedToken accepts any type but still needs exp and an id; a fresh one is already expired', async () => {
  const context = tokenContext();
  for (const type of ['access', 'refresh', 'sliding', 'fake_type']) {
    const signed = context.backend.encode({ token_type: type, exp: Math.floor(context.clock.ms / 1000) + 10, jti: 'j' });
    await UntypedToken.decode(context, signed);
  }
  const fresh = UntypedToken.create(context);
  assert.equal(fresh.payload.token_type, 'untyped');
  await tokenRefusal(UntypedToken.decode(context, fresh.sign()));
});

test('a token names its class: tokenClass and tokenClassName (Simple JWT\'s messages[].token_class)', () => {
  const token = RefreshToken.create(tokenContext());
  assert.equal(token.tokenClass, RefreshToken);
  assert.equal(token.tokenClassName, 'RefreshToken');
  assert.equal(token.tokenClass.tokenType, 'refresh');
});

test('get, set, has and delete read and change the payload', () => {
  const token = AccessToken.create(tokenContext());
  assert.equal(token.has('scope'), false);
  assert.equal(token.get('scope'), undefined);
  token.set('scope', 'read');
  assert.equal(token.has('scope'), true);
  assert.equal(token.payload.scope, 'read');
  token.set('zero', 0);
  assert.equal(token.get('zero', 5), 0, 'a present falsy claim is returned, not the fallback');
  token.delete('scope');
  assert.equal(token.has('scope'), false);
  assert.equal('scope' in token.payload, false);
});

test('setJti writes a fresh 32-hex id each call, and nothing when jtiClaim is null', () => {
  const token = AccessToken.create(tokenContext());
  const first = token.payload.jti;
  token.setJti();
  assert.match(String(token.payload.jti), /^[0-9a-f]{32}$/);
  assert.notEqual(token.payload.jti, first);
  const idless = AccessToken.create(tokenContext({ jtiClaim: null }));
  idless.setJti();
  assert.deepEqual(Object.keys(idless.payload), ['token_type', 'exp', 'iat']);
});

test('setExp and setIat take a claim, a time and a lifetime', () => {
  const context = tokenContext();
  const token = AccessToken.create(context);
  const at = new Date(Date.UTC(2030, 0, 1));
  token.setExp('renew_until', at, 60);
  assert.equal(token.payload.renew_until, at.getTime() / 1000 + 60);
  token.setExp('later', at);
  assert.equal(token.payload.later, at.getTime() / 1000 + 300, 'the class lifetime by default');
  token.setIat('seen', at);
  assert.equal(token.payload.seen, at.getTime() / 1000);
  token.setIat('now');
  assert.equal(token.payload.now, context.clock.seconds());
});

test('checkExp: a non-numeric or non-finite claim is "Token is invalid"; it accepts an explicit time', () => {
  const context = tokenContext();
  const token = AccessToken.create(context);
  for (const value of ['9999999999', null, Infinity, NaN, [1]]) {
    token.set('exp', value);
    assert.throws(() => token.checkExp(), { message: 'Token is invalid' }, String(value));
  }
  token.set('exp', context.clock.seconds() + 10);
  token.checkExp();
  token.checkExp('exp', new Date(context.clock.ms + 9_000));
  assert.throws(() => token.checkExp('exp', new Date(context.clock.ms + 10_000)), { message: "Token 'exp' claim has expired" });
});

test('a fractional exp a little after now is still valid; one at now - leeway is expired', () => {
  const context = tokenContext({ leeway: 2 });
  const token = AccessToken.create(context);
  token.set('exp', context.clock.ms / 1000 - 1.5);
  token.checkExp();
  token.set('exp', context.clock.ms / 1000 - 2);
  assert.throws(() => token.checkExp(), { message: "Token 'exp' claim has expired" });
});

test('createToken refuses a class with a negative or non-numeric lifetime; 0 is allowed', () => {
  class Negative extends Token {
    static override readonly tokenType = 'neg';
    static override lifetime(): number {
      return -1;
    }
  }
  class NotANumber extends Token {
    static override readonly tokenType = 'nan';
    static override lifetime(): number {
      return NaN;
    }
  }
  class Instant extends Token {
    static override readonly tokenType = 'instant';
  }
  const context = tokenContext();
  assert.throws(() => Negative.create(context), { message: 'Cannot create token with no type or lifetime' });
  assert.throws(() => NotANumber.create(context), { message: 'Cannot create token with no type or lifetime' });
  const instant = Instant.create(context);
  assert.equal(instant.payload.exp, context.clock.seconds());
  assert.equal(instant.payload.token_type, 'instant');
});

test('a class without a type cannot decode tokens either', async () => {
  class Nameless extends Token {}
  const context = tokenContext();
  await assert.rejects(Nameless.decode(context, AccessToken.create(context).sign()), { message: 'Cannot create token with no type or lifetime' });
});

test('forUser names the missing id field; an id of 0 is an id', () => {
  const context = tokenContext();
  for (const id of [undefined, null]) {
    assert.throws(() => AccessToken.forUser(context, { id: id as unknown as number, username: 'u', isActive: true }), {
      name: 'TypeError',
      message: 'koa-simple-jwt: user has no "id" (the userIdField setting)',
    });
  }
  assert.equal(AccessToken.forUser(context, { id: 0, username: 'u', isActive: true }).payload.user_id, '0');
});

test('forUser adds the fingerprint only with checkRevokeToken, and uses a given fingerprint function', () => {
  const user = { id: 1, username: 'u', isActive: true, password: 'x' };
  const plain = AccessToken.forUser(tokenContext(), user);
  assert.equal('hash_password' in plain.payload, false);
  const context = tokenContext({ checkRevokeToken: true });
  assert.equal(AccessToken.forUser(context, user, (u) => `fp:${u.username}`).payload.hash_password, 'fp:u');
  assert.match(String(AccessToken.forUser(context, user).payload.hash_password), /^[0-9A-F]{32}$/);
});

test('decode: an expired verdict of the backend is ExpiredTokenError, any other backend verdict "Token is invalid"', async () => {
  const context = tokenContext();
  const expired = AccessToken.create(context);
  expired.set('exp', context.clock.seconds() - 1);
  const error = await tokenRefusal(AccessToken.decode(context, expired.sign()));
  assert.ok(error instanceof ExpiredTokenError);
  const invalid = await tokenRefusal(AccessToken.decode(context, 'a.b.c'));
  assert.equal(invalid.message, 'Token is invalid');
  assert.ok(!(invalid instanceof ExpiredTokenError));
});

test('decode passes an error that is not the backend\'s verdict on as it is', async () => {
  const outage = new Error('key server down');
  const base = tokenContext();
  const context: TokenContext = { ...base, backend: { ...base.backend, decode: () => Promise.reject(outage) } };
  await assert.rejects(AccessToken.decode(context, 'a.b.c'), (error) => error === outage);
});

test('decode asks the verified-token cache with the clock\'s time and the leeway in milliseconds', async () => {
  const base = tokenContext({ leeway: 7 });
  const asked: [string, number, number][] = [];
  const cache = {
    get: (token: string, nowMs: number, leewayMs: number) => {
      asked.push([token, nowMs, leewayMs]);
      return undefined;
    },
    set: () => {},
  };
  const context = { ...base, verifiedTokens: cache as unknown as TokenContext['verifiedTokens'] };
  const signed = AccessToken.create(context).sign();
  await AccessToken.decode(context, signed);
  assert.deepEqual(asked, [[signed, base.clock.ms, 7000]]);
});

test('outstandingRecord: jti, user id as a string (null when unusable), the signed string, creation time and flush time', () => {
  const context = tokenContext({ leeway: 5 });
  const token = RefreshToken.forUser(context, { id: 7, username: 'u', isActive: true });
  const record = token.outstandingRecord('signed.jwt');
  assert.deepEqual(record, {
    jti: token.payload.jti,
    userId: '7',
    token: 'signed.jwt',
    createdAt: token.currentTime,
    expiresAt: new Date((Number(token.payload.exp) + 5) * 1000),
  });
  for (const [value, expected] of [[12, '12'], ['', null], [['7'], null], [undefined, null]] as const) {
    const other = RefreshToken.create(context);
    if (value !== undefined) other.set('user_id', value);
    assert.equal(other.outstandingRecord('s').userId, expected, JSON.stringify(value));
  }
  assert.equal(RefreshToken.create(tokenContext({ jtiClaim: null })).outstandingRecord('s').jti, '');
});

test('sign signs the payload as it is now, each call again', async () => {
  const context = tokenContext();
  const token = AccessToken.create(context);
  const first = token.sign();
  token.set('scope', 'read');
  const second = token.sign();
  assert.notEqual(first, second);
  assert.equal((await AccessToken.decode(context, second)).payload.scope, 'read');
  assert.equal((await AccessToken.decode(context, first)).has('scope'), false);
});
