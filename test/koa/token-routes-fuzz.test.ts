import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createDemoApp } from '../../examples/demo/app.js';
import { ITERATIONS, ManualClock, SIGNING_KEY, demoSigner, setUpDatabase } from '../support/demo.js';
import { serve } from '../support/http.js';
import { KnexBlacklistStore } from '../../src/stores/knex-blacklist-store.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestResponse, TestServer } from '../support/http.js';

// Property-based fuzz of every token route and a protected route, against the demo app with the
// blacklist, rotation and blacklisting after rotation on. Fixed seed: a failure is reproducible.
// Properties: never a 5xx; always a JSON body without a stack trace or a database message; a 200
// only for a request the configuration accepts (checked one way: what we refuse is not judged).
const SEED = 20261201;
// 1,000 cases per route (7,000 in all, about 27 s on an idle 2-core machine); FUZZ_RUNS overrides.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const MAX_EPOCH = 253_402_300_799;

const clock = new ManualClock();
const sign = demoSigner(clock);
const now = () => clock.seconds();
let db: TestDatabase;
let server: TestServer;
let aliceId: number;
const serverErrors: unknown[] = [];

before(async () => {
  db = await setUpDatabase();
  const { app, users } = createDemoApp({
    knex: db.knex,
    signingKey: SIGNING_KEY,
    iterations: ITERATIONS,
    settings: { clock, blacklistStore: new KnexBlacklistStore(db.knex), rotateRefreshTokens: true, blacklistAfterRotation: true },
  });
  app.silent = true;
  app.on('error', (error: { status?: number; expose?: boolean }) => {
    if (!(error.expose && (error.status ?? 500) < 500)) serverErrors.push(error);
  });
  server = await serve(app);
  aliceId = (await users.createUser({ username: 'alice', password: 'alice-password' })).id;
});
after(async () => {
  await server?.close();
  await db?.drop();
});

// ---- what a request is made of ----

/** Any JSON value, with the odd numbers and strings that break naive code. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(1e308, -1e308, 2.458e120, 0, -0, 1.5, 2 ** 53, 2 ** 31, -1, '', ' ', '\u0000', '\ud800', 'null', true, false, null, [], {}),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const claimValue = <T>(...usual: fc.Arbitrary<T>[]) => fc.oneof({ weight: 4, arbitrary: fc.oneof(...usual) }, { weight: 1, arbitrary: anyJson });

/** Claims close to a real token's, each of which may be missing or anything at all. */
function claims(type: string) {
  return fc.record(
    {
      token_type: claimValue(fc.constant(type), fc.constantFrom('access', 'refresh', 'sliding')),
      exp: claimValue(fc.integer({ min: -100, max: 100_000 }).map((d) => now() + d), fc.constantFrom(MAX_EPOCH, MAX_EPOCH + 1)),
      iat: claimValue(fc.constant(0).map(() => now())),
      jti: claimValue(fc.uuid().map((u) => u.replace(/-/g, '')), fc.string({ minLength: 250, maxLength: 260 }), fc.string({ unit: 'grapheme', maxLength: 10 })),
      user_id: claimValue<unknown>(
        fc.constant(0).map(() => aliceId),
        fc.constant(0).map(() => String(aliceId)),
        fc.constant(0).map(() => `0${aliceId}`),
        fc.constant(0).map(() => [String(aliceId)]),
        fc.constantFrom('999999', 999999, true, { $gt: '' }),
      ),
      refresh_exp: claimValue(fc.integer({ min: -100, max: 100_000 }).map((d) => now() + d)),
    },
    { requiredKeys: [] },
  );
}

interface Token {
  payload: Record<string, unknown>;
  signed: boolean;
  value: string;
}

/** A token: signed with the right key (the usual case), signed then tampered with, or junk. */
function token(type: string) {
  return fc.oneof(
    { weight: 6, arbitrary: claims(type).map((payload): Token => ({ payload, signed: true, value: sign(payload) })) },
    { weight: 1, arbitrary: claims(type).map((payload): Token => ({ payload, signed: false, value: tamper(sign(payload)) })) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), fc.base64String(), fc.constantFrom('a.b.c', '..', 'e30.e30.', 'eyJhbGciOiJub25lIn0.e30.')).map((value): Token => ({ payload: {}, signed: false, value })) },
  );
}

/** Changes the first character of the signature (never a no-op, unlike its last character). */
function tamper(jwt: string): string {
  const at = jwt.lastIndexOf('.') + 1;
  return jwt.slice(0, at) + (jwt[at] === 'A' ? 'B' : 'A') + jwt.slice(at + 1);
}

type Body = { kind: 'json'; value: unknown } | { kind: 'form'; value: string } | { kind: 'raw'; type: string; value: string };

/** A request body, and the fields it was made from when it carries them (for the oracle). */
interface Case<T> {
  request: Body;
  fields?: Record<string, T>;
}

/** A body around `fields`: usually JSON, sometimes a form, sometimes anything at all. */
function body<T>(fields: fc.Arbitrary<Record<string, T>>, toValue: (field: T) => unknown): fc.Arbitrary<Case<T>> {
  const values = (record: Record<string, T>) => Object.entries(record).map(([k, v]): [string, unknown] => [k, toValue(v)]);
  return fc.oneof(
    { weight: 6, arbitrary: fields.map((record): Case<T> => ({ request: { kind: 'json', value: Object.fromEntries(values(record)) }, fields: record })) },
    { weight: 1, arbitrary: fields.map((record): Case<T> => ({ request: { kind: 'form', value: new URLSearchParams(values(record).map(([k, v]): [string, string] => [k, String(v)])).toString() }, fields: record })) },
    { weight: 1, arbitrary: anyJson.map((value): Case<T> => ({ request: { kind: 'json', value } })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ type: fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=latin1', ''), value: fc.string({ unit: 'binary', maxLength: 60 }) })
        .map((raw): Case<T> => ({ request: { kind: 'raw', ...raw } })),
    },
  );
}

function send(path: string, request: Body): Promise<TestResponse> {
  const type = request.kind === 'json' ? 'application/json' : request.kind === 'form' ? 'application/x-www-form-urlencoded' : request.type;
  const text = request.kind === 'json' ? JSON.stringify(request.value) : request.value;
  return server.request(path, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: text });
}

// ---- what a response may never be ----

const LEAKS = /\n\s+at |node_modules|\.ts:\d+|knex|violates|out of range|invalid input syntax|value too long|relation "|syntax error at|null character|ECONN|TypeError|ReferenceError/;

function assertSafe(response: TestResponse, ours = true): void {
  assert.ok(response.status < 500, `status ${response.status}: ${response.text}; server errors: ${serverErrors.map(String).join(' | ')}`);
  if (ours) assert.equal(response.headers.get('content-type'), 'application/json', response.text);
  assert.ok(typeof response.body === 'object' && response.body !== null, `not a JSON object: ${response.text}`);
  assert.doesNotMatch(response.text.replace(/JSON parse error - .*/, ''), LEAKS);
  assert.equal(serverErrors.length, 0, serverErrors.map(String).join('\n'));
}

// ---- what the configuration accepts (Simple JWT main's rules) ----

type Payload = Record<string, unknown>;
const has = (payload: Payload, claim: string) => Object.hasOwn(payload, claim);
const liveExp = (payload: Payload, claim = 'exp') => typeof payload[claim] === 'number' && (payload[claim] as number) > now();
const storableJti = (payload: Payload) => typeof payload.jti === 'string' && payload.jti !== '' && !payload.jti.includes('\u0000') && !/\p{Cs}/u.test(payload.jti) && [...payload.jti].length <= 255;
/** The user id claim names alice, as Django's lookup reads it. */
const namesAlice = (value: unknown) => value === aliceId || (typeof value === 'string' && /^-?[0-9]{1,10}$/.test(value) && Number(value) === aliceId);
/** Python's falsiness: the refresh serializers skip every user check for such a claim. */
const falsy = (value: unknown) => value === undefined || value === null || value === '' || value === 0 || value === false || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

function acceptableBlacklistAware(t: { payload: Payload; signed: boolean }, type: string): boolean {
  const { payload } = t;
  return t.signed && payload.token_type === type && liveExp(payload) && (payload.exp as number) <= MAX_EPOCH && storableJti(payload);
}

const credentials = fc.record(
  { username: fc.oneof(fc.constantFrom('alice', ' alice ', 'Alice', 'bob'), anyJson), password: fc.oneof(fc.constantFrom('alice-password', 'alice-password\n', 'wrong'), anyJson) },
  { requiredKeys: [] },
);
const loggedIn = (request: Body) =>
  request.kind !== 'raw' && (() => {
    const values = request.kind === 'json' ? (request.value as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(request.value));
    return typeof values?.username === 'string' && values.username.trim() === 'alice' && typeof values.password === 'string' && values.password.trim() === 'alice-password';
  })();

const property = <T>(arbitrary: fc.Arbitrary<T>, check: (value: T) => Promise<void>) =>
  fc.assert(fc.asyncProperty(arbitrary, check), { seed: SEED, numRuns: RUNS, endOnFailure: true });

describe('fuzz: every token route and a protected route', () => {
  for (const path of ['/api/token', '/api/token/sliding']) {
    test(`POST ${path}: a 200 only for alice's credentials`, async () => {
      await property(body(credentials, (v) => v), async ({ request }) => {
        const response = await send(path, request);
        assertSafe(response);
        if (response.status === 200) assert.ok(loggedIn(request), JSON.stringify(request));
      });
    });
  }

  test('POST /api/token/refresh: a 200 only for a live, storable refresh token of alice or of no user', async () => {
    await property(body(fc.record({ refresh: token('refresh') }), (t) => t.value), async ({ request, fields }) => {
      const response = await send('/api/token/refresh', request);
      assertSafe(response);
      if (response.status !== 200) return;
      const t = fields?.refresh;
      assert.ok(t && acceptableBlacklistAware(t, 'refresh'), JSON.stringify(request));
      assert.ok(falsy(t.payload.user_id) || namesAlice(t.payload.user_id), JSON.stringify(t.payload));
    });
  });

  test('POST /api/token/sliding/refresh: a 200 only for a live sliding token in its refresh window', async () => {
    await property(body(fc.record({ token: token('sliding') }), (t) => t.value), async ({ request, fields }) => {
      const response = await send('/api/token/sliding/refresh', request);
      assertSafe(response);
      if (response.status !== 200) return;
      const t = fields?.token;
      assert.ok(t, JSON.stringify(request));
      assert.ok(acceptableBlacklistAware(t, 'sliding') && liveExp(t.payload, 'refresh_exp'), JSON.stringify(t.payload));
      assert.ok(falsy(t.payload.user_id) || namesAlice(t.payload.user_id), JSON.stringify(t.payload));
    });
  });

  test('POST /api/token/verify: a 200 only for a signed, live token with an id', async () => {
    await property(body(fc.record({ token: token('access') }), (t) => t.value), async ({ request, fields }) => {
      const response = await send('/api/token/verify', request);
      assertSafe(response);
      if (response.status !== 200) return;
      const t = fields?.token;
      assert.ok(t, JSON.stringify(request));
      assert.ok(t.signed && liveExp(t.payload) && has(t.payload, 'jti'), JSON.stringify(t.payload));
      if (typeof t.payload.jti === 'string' && t.payload.jti !== '') assert.ok(storableJti(t.payload), JSON.stringify(t.payload));
    });
  });

  test('POST /api/token/blacklist: a 200 only for a live, storable refresh token', async () => {
    await property(body(fc.record({ refresh: token('refresh') }), (t) => t.value), async ({ request, fields }) => {
      const response = await send('/api/token/blacklist', request);
      assertSafe(response);
      if (response.status !== 200) return;
      const t = fields?.refresh;
      assert.ok(t, JSON.stringify(request));
      assert.ok(acceptableBlacklistAware(t, 'refresh'), JSON.stringify(t.payload));
    });
  });

  test('GET /api/me: a 200 only for a live access token naming alice', async () => {
    const header = fc.oneof(
      { weight: 6, arbitrary: token('access').map((t) => ({ t, value: `Bearer ${t.value}` })) },
      { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Bearer a b', 'Basic x')).map((value) => ({ t: undefined, value })) },
    );
    await property(header, async ({ t, value }) => {
      const response = await server.request('/api/me', { headers: { authorization: value } }).catch((error: unknown) => {
        // fetch refuses header values node would never send (CR, LF, NUL): nothing reached the app.
        if (error instanceof TypeError) return undefined;
        throw error;
      });
      if (response === undefined) return;
      // The 200 is the demo's own route; its errors are ours.
      assertSafe(response, response.status !== 200);
      if (response.status !== 200) return;
      assert.ok(t, value);
      const payload: Payload = t.payload;
      assert.ok(t.signed && payload.token_type === 'access' && liveExp(payload) && has(payload, 'jti') && namesAlice(payload.user_id), JSON.stringify(payload));
    });
  });
});
