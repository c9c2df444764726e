import { createTestDatabase } from '../../examples/support/database.js';
import { createDemoApp } from '../../examples/demo/app.js';
import { migrate } from '../../src/index.js';
import { serve } from './http.js';
import { createTokenBackend } from '../../src/backend/create-token-backend.js';
import { resolveSettings } from '../../src/resolve-settings.js';
import type { TestDatabase } from '../../examples/support/database.js';
import type { TestServer } from './http.js';
import type { SimpleJwtOptions, Clock } from '../../src/index.js';
import type { KnexUserStore } from '../../src/stores/knex-user-store.js';

export const SIGNING_KEY = 'test-signing-key-of-at-least-32-bytes!!';
/** Low hasher cost: tests check behaviour, not the cost. */
export const ITERATIONS = 1000;

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public ms: number = Date.UTC(2026, 0, 1, 12, 0, 0)) {}
  now(): Date {
    return new Date(this.ms);
  }
  /** Now in integer epoch seconds, as token claims hold it. */
  seconds(): number {
    return Math.floor(this.ms / 1000);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

/** Signs any payload with the demo's key (to build tokens the endpoints would never issue). */
export function demoSigner(clock: Clock): (payload: Record<string, unknown>) => string {
  const backend = createTokenBackend(resolveSettings({ signingKey: SIGNING_KEY, clock }));
  return (payload) => backend.encode(payload);
}

/** A migrated throw-away database shared by one test file. */
export async function setUpDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  await migrate(db.knex);
  return db;
}

/** The demo app (our routes under /api plus GET /api/me) on `db`, served on a free port. */
export async function startDemo(db: TestDatabase, settings: Omit<SimpleJwtOptions, 'signingKey' | 'userStore'> = {}): Promise<{ server: TestServer; users: KnexUserStore }> {
  const { app, users } = createDemoApp({ knex: db.knex, signingKey: SIGNING_KEY, settings, iterations: ITERATIONS });
  app.silent = true;
  return { server: await serve(app), users };
}
