import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimpleJwt, KnexUserStore, RefreshToken, AccessToken, SettingsError, TokenError } from '../src/index.js';
import { ITERATIONS, ManualClock, setUpDatabase } from './support/demo.js';
import { claimsOf, serve } from './support/http.js';
import { SIMPLEJWT_RSA_PRIVATE_KEY, SIMPLEJWT_RSA_PRIVATE_KEY_2, SIMPLEJWT_RSA_PUBLIC_KEY } from './support/keys.js';
import { RegisterRoutes } from '../examples/demo/generated/routes.js';
import Koa from 'koa';
import { Router } from '@koa/router';
import type { TestDatabase } from '../examples/support/database.js';
import type { DjangoUser } from '../src/stores/knex-user-store.js';

const KEY = 'a-signing-key-that-is-32-bytes-long';
let db: TestDatabase;
let users: KnexUserStore;
let alice: DjangoUser;

before(async () => {
  db = await setUpDatabase();
  users = new KnexUserStore(db.knex, { iterations: ITERATIONS });
  alice = await users.createUser({ username: 'alice', password: 'alice-password' });
});
after(() => db?.drop());

test('createSimpleJwt fails at startup on a short HMAC key, naming signingKey', () => {
  assert.throws(() => createSimpleJwt({ signingKey: 'short' }), (error: unknown) => error instanceof SettingsError && error.setting === 'signingKey');
});

test('routes() without a user store is a startup error', () => {
  const jwt = createSimpleJwt({ signingKey: KEY });
  assert.throws(() => jwt.routes(), (error: unknown) => error instanceof SettingsError && error.setting === 'userStore');
});

test('issueTokenPair is RefreshToken.for_user plus its access token, with tokenClaims in both', async () => {
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: users, tokenClaims: (user) => ({ name: user.username }) });
  const { refresh, access } = await jwt.issueTokenPair(alice);
  assert.equal(claimsOf(refresh).name, 'alice');
  assert.equal(claimsOf(access).name, 'alice');
  assert.equal(claimsOf(access).user_id, String(alice.id));
  const decoded = await jwt.decodeToken(refresh, RefreshToken);
  assert.ok(decoded instanceof RefreshToken);
  await assert.rejects(jwt.decodeToken(refresh, AccessToken), (error: unknown) => error instanceof TokenError && error.message === 'Token has wrong type');
});

test('obtainTokenPair with updateLastLogin records last_login from the clock', async () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: users, updateLastLogin: true, clock });
  await jwt.obtainTokenPair({ username: 'alice', password: 'alice-password' });
  const user = await users.findUser('username', 'alice');
  assert.equal(user?.lastLogin?.getTime(), Date.UTC(2026, 5, 1));
});

test('onLoginSuccess replaces the last_login update and runs only with updateLastLogin', async () => {
  const seen: string[] = [];
  const onLoginSuccess = (user: { username: string }) => {
    seen.push(user.username);
  };
  await createSimpleJwt({ signingKey: KEY, userStore: users, onLoginSuccess }).obtainTokenPair({ username: 'alice', password: 'alice-password' });
  assert.deepEqual(seen, []);
  await createSimpleJwt({ signingKey: KEY, userStore: users, onLoginSuccess, updateLastLogin: true }).obtainTokenPair({ username: 'alice', password: 'alice-password' });
  assert.deepEqual(seen, ['alice']);
});

test('a userAuthenticationRule that refuses gives the no-active-account error', async () => {
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: users, userAuthenticationRule: () => false });
  await assert.rejects(jwt.obtainTokenPair({ username: 'alice', password: 'alice-password' }), { code: 'no_active_account', status: 401 });
});

test('refresh with rotation returns a new refresh token: new jti, exp and iat, other claims kept', async () => {
  const clock = new ManualClock();
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: users, rotateRefreshTokens: true, clock, tokenClaims: () => ({ tenant: 'acme' }) });
  const { refresh } = await jwt.issueTokenPair(alice);
  clock.advance(3600);
  const result = await jwt.refreshAccessToken(refresh);
  assert.deepEqual(Object.keys(result), ['access', 'refresh']);
  const before = claimsOf(refresh);
  const after = claimsOf(result.refresh);
  const now = Math.floor(clock.ms / 1000);
  assert.notEqual(after.jti, before.jti);
  assert.equal(after.exp, now + 86400);
  assert.equal(after.iat, now);
  assert.equal(after.user_id, before.user_id);
  assert.equal(after.tenant, 'acme');
  assert.equal(claimsOf(result.access).exp, now + 300);
  assert.equal(claimsOf(result.access).tenant, 'acme');
});

test('a refresh token without a user claim skips the user checks', async () => {
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: users });
  const token = RefreshToken.create(jwt.context);
  const result = await jwt.refreshAccessToken(token.sign());
  assert.equal(claimsOf(result.access).token_type, 'access');
});

test('two instances with different keys in one process do not accept each other\'s tokens', async () => {
  const one = createSimpleJwt({ signingKey: KEY, userStore: users });
  const two = createSimpleJwt({ signingKey: KEY.toUpperCase(), userStore: users });
  const { access } = await one.issueTokenPair(alice);
  await one.verifyToken(access);
  await assert.rejects(two.verifyToken(access), { message: 'Token is invalid' });
});

test('authenticate checks scopes against the scope claim', async () => {
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: users, tokenClaims: () => ({ scope: 'read write' }) });
  const { access } = await jwt.issueTokenPair(alice);
  const ok = await jwt.authenticate(`Bearer ${access}`, 'jwt', ['read']);
  assert.equal(ok.user.username, 'alice');
  await assert.rejects(jwt.authenticate(`Bearer ${access}`, 'jwt', ['admin']), { status: 403, code: 'permission_denied' });
});

test('authenticate on an unconfigured security name fails loudly, naming it', async () => {
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: users });
  const { access } = await jwt.issueTokenPair(alice);
  await assert.rejects(jwt.authenticate(`Bearer ${access}`, 'jwt_admin'), /security name "jwt_admin" is not configured/);
});

test('a stateless security name builds a TokenUser from claims without reading the store', async () => {
  const noStore = {
    authenticate: () => Promise.reject(new Error('no')),
    findUser: () => Promise.reject(new Error('the store must not be read')),
    updateLastLogin: () => Promise.resolve(),
  };
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: noStore, statelessSecurityNames: ['jwt'] });
  const token = AccessToken.forUser(jwt.context, { id: 42, username: 'x', isActive: true });
  const { user } = await jwt.authenticate(`Bearer ${token.sign()}`, 'jwt');
  assert.equal(user.id, '42');
  assert.equal(String(user), 'TokenUser 42');
});

test('a custom token class with its own type, lifetime and check can be listed for a security name', async () => {
  class ServiceToken extends AccessToken {
    static override readonly tokenType: string = 'service';
    static override lifetime(): number {
      return 60;
    }
    override async verify(): Promise<void> {
      await super.verify();
      if (typeof this.payload.service !== 'string') throw new TokenError('Token names no service');
    }
  }
  const clock = new ManualClock();
  const jwt = createSimpleJwt({ signingKey: KEY, userStore: users, clock, authTokenClasses: { jwt: [AccessToken], svc: [ServiceToken] } });
  const token = ServiceToken.forUser(jwt.context, alice);
  assert.equal(token.payload.token_type, 'service');
  assert.equal(token.payload.exp, Math.floor(clock.ms / 1000) + 60);
  await assert.rejects(jwt.authenticate(`Bearer ${token.sign()}`, 'svc'), (error: { body?: { messages?: unknown } }) => {
    assert.deepEqual(error.body?.messages, [{ token_class: 'ServiceToken', token_type: 'service', message: 'Token names no service' }]);
    return true;
  });
  token.set('service', 'billing');
  const { user } = await jwt.authenticate(`Bearer ${token.sign()}`, 'svc');
  assert.equal(user.username, 'alice');
  await assert.rejects(jwt.authenticate(`Bearer ${token.sign()}`, 'jwt'), { status: 401 });
});

test('a verify-only instance (public key, no signing key) protects @Security routes and cannot issue tokens', async () => {
  const issuer = createSimpleJwt({ algorithm: 'RS256', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY, userStore: users });
  const resource = createSimpleJwt({ algorithm: 'RS256', verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY, statelessSecurityNames: ['jwt'] });
  const { access } = await issuer.issueTokenPair(alice);
  const foreign = await createSimpleJwt({ algorithm: 'RS256', signingKey: SIMPLEJWT_RSA_PRIVATE_KEY_2 }).issueTokenPair(alice);

  // Over HTTP, through a user's tsoa route (the demo's generated routes), with no token routes mounted.
  const app = new Koa();
  app.silent = true;
  app.use(resource.middleware());
  const router = new Router({ prefix: '/api' });
  RegisterRoutes(router);
  app.use(router.routes());
  const server = await serve(app);
  try {
    const me = (token: string) => server.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    const ok = await me(access);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, { id: String(alice.id), username: '' }, 'a TokenUser: the id from the token, no username claim');
    assert.equal((await me(foreign.access)).status, 401);
  } finally {
    await server.close();
  }

  assert.throws(() => resource.routes(), (error: unknown) => error instanceof SettingsError && error.setting === 'signingKey');
  await assert.rejects(resource.issueTokenPair(alice), (error: unknown) => error instanceof SettingsError && error.setting === 'signingKey');
});

test('without a signing key, an HMAC algorithm or a missing verifying key is still a startup error', () => {
  for (const options of [{}, { verifyingKey: SIMPLEJWT_RSA_PUBLIC_KEY }, { algorithm: 'RS256' as const }]) {
    assert.throws(() => createSimpleJwt(options), (error: unknown) => error instanceof SettingsError && error.setting === 'signingKey', JSON.stringify(options));
  }
});
