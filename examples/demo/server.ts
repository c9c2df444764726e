// `npm start`: the demo on an embedded PostgreSQL (or DATABASE_URL), with a seeded user and curl
// commands that work as printed. Reads PORT, SIGNING_KEY and DATABASE_URL.
import { createServer } from 'node:net';
import { openDatabase } from '../support/database.js';
import { BlacklistMirror, CachedUserStore, KnexBlacklistStore, KnexFamilyStore, KnexUserStore, migrate } from '../../src/index.js';
import { createDemoApp, JWKS_PATH } from './app.js';
import { demoSigningKey } from './demo-signing-key.js';

const port = Number(process.env.PORT ?? 8000);
// SIGNING_KEY selects HS256 with that secret; without it an EdDSA key, generated at the first
// start and kept in .tmp/demo-keys, signs (tokens survive a restart) and is published as a JWK Set.
const signingKey = process.env.SIGNING_KEY || undefined;
const demoKey = signingKey === undefined ? await demoSigningKey('.tmp/demo-keys') : undefined;
if (demoKey) console.log(`SIGNING_KEY is not set: signing with the EdDSA key in .tmp/demo-keys (kid ${demoKey.kid}${demoKey.created ? ', just generated' : ''}).`);

// The port first: a second demo on a busy port stops here, before it touches any database.
await assertPortFree(port);
// One embedded database per port, so that demos on different PORTs run side by side.
const db = await openDatabase({ dataDir: process.env.DATABASE_URL ? undefined : `.tmp/demo-db-${port}` });
await migrate(db.knex);
// The blacklist in memory, kept current by LISTEN/NOTIFY: POST /api/token/blacklist is mounted.
const blacklist = await BlacklistMirror.start(new KnexBlacklistStore(db.knex), { connection: db.connectionString });
// Users in memory too, forgotten on every change to their row (the auth_user trigger's NOTIFY):
// authenticated requests do no database I/O once a user has been seen.
const cachedUsers = await CachedUserStore.start(new KnexUserStore(db.knex), { connection: db.connectionString });
// Refresh-token families and per-user revoked_before, also followed in memory over LISTEN/NOTIFY.
const families = await KnexFamilyStore.start(db.knex, { connection: db.connectionString });
// The configuration we recommend: rotation, the old token blacklisted, reuse detection (on by
// default with these and a family store, with a 10 s grace window for retries); the refresh token
// also in an HttpOnly cookie for the login page; an EdDSA key kept across restarts unless SIGNING_KEY.
const settings = {
  blacklistStore: blacklist,
  familyStore: families,
  rotateRefreshTokens: true,
  blacklistAfterRotation: true,
  refreshCookie: true,
  ...(demoKey ? { algorithm: 'EdDSA' as const, signingKeys: [demoKey.pem] } : {}),
};
const { app, users } = createDemoApp({ knex: db.knex, signingKey, settings, userStore: () => cachedUsers });

const username = 'demo';
const password = 'demo-password';
if (!(await users.findUser('username', username))) await users.createUser({ username, password, email: 'demo@example.com' });

const server = app.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${port}/api`;
  console.log(`koa-simple-jwt demo on ${base} (database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'})

Seeded user: ${username} / ${password}. Login page (refresh token in an HttpOnly cookie): http://localhost:${port}/. API reference: ${base}/docs (OpenAPI document: ${base}/openapi.json).${demoKey ? `
JWK Set (the public key, for a resource server's jwkUrl): http://127.0.0.1:${port}${JWKS_PATH}` : ''}
Try:

  curl -s -X POST ${base}/token/ -H 'Content-Type: application/json' -d '{"username": "${username}", "password": "${password}"}'
  ACCESS=<the "access" value>  REFRESH=<the "refresh" value>
  curl -s ${base}/me -H "Authorization: Bearer $ACCESS"
  curl -s -X POST ${base}/token/refresh/ -H 'Content-Type: application/json' -d "{\\"refresh\\": \\"$REFRESH\\"}"
  (a rotation: the answer has a new "refresh"; keep it as REFRESH. The old one sent again within
   10 s gets the same answer; later it ends the session, as a stolen token would.)
  curl -s ${base}/token/sessions -H "Authorization: Bearer $ACCESS"
  curl -s -X POST ${base}/token/verify/ -H 'Content-Type: application/json' -d "{\\"token\\": \\"$ACCESS\\"}"
  curl -s -X POST ${base}/token/blacklist/ -H 'Content-Type: application/json' -d "{\\"refresh\\": \\"$REFRESH\\"}"

Sliding tokens (one token that is renewed instead of a pair):
  curl -s -X POST ${base}/token/sliding/ -H 'Content-Type: application/json' -d '{"username": "${username}", "password": "${password}"}'
  TOKEN=<the "token" value>
  curl -s ${base}/me/sliding -H "Authorization: Bearer $TOKEN"
  curl -s -X POST ${base}/token/sliding/refresh/ -H 'Content-Type: application/json' -d "{\\"token\\": \\"$TOKEN\\"}"
  curl -s ${base}/me/any -H "Authorization: Bearer <the new token>"

Ninja JWT's wire (django-ninja-jwt front ends), same users, keys and blacklist:
  curl -s -X POST http://127.0.0.1:${port}/ninja/token/pair -H 'Content-Type: application/json' -d '{"username": "${username}", "password": "${password}"}'

Or in one go (needs jq):
  ACCESS=$(curl -s -X POST ${base}/token/ -H 'Content-Type: application/json' -d '{"username": "${username}", "password": "${password}"}' | jq -r .access)
  curl -s ${base}/me -H "Authorization: Bearer $ACCESS"
`);
});

async function shutdown(): Promise<void> {
  server.close();
  await blacklist.close();
  await families.close();
  await cachedUsers.close();
  await db.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());

async function assertPortFree(wanted: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve) => {
    probe.once('error', (error: NodeJS.ErrnoException) => {
      console.error(`koa-simple-jwt demo: port ${wanted} is in use (${error.code}); set PORT to another one`);
      process.exit(1);
    });
    probe.listen(wanted, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
