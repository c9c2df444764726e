import type { MirrorState } from './listener-types.js';

/** Told when a listening store's state changes: `reconnecting` (with the cause) or `in-sync` again. */
export type StateChangeReporter = (state: MirrorState, error?: unknown) => void;

/**
 * The default reporter of BlacklistMirror and CachedUserStore: one line per change of state (not
 * per request, not per retry), so a deployment that silently fell back to a query per request
 * shows it in its log.
 *
 * @example
 * const report = logStateChanges('BlacklistMirror', (line) => logger.warn(line));
 */
export function logStateChanges(what: string, log: (line: string) => void = (line) => console.warn(line)): StateChangeReporter {
  return (state, error) => {
    if (state === 'reconnecting') {
      const cause = error instanceof Error ? error.message : error === undefined ? 'unknown cause' : String(error);
      log(`koa-simple-jwt: ${what}: listening connection lost (${cause}); checks go to the database until it is back in sync`);
    } else if (state === 'in-sync') {
      log(`koa-simple-jwt: ${what}: back in sync; checks are answered from memory again`);
    }
  };
}

/** A readiness failure of a listening store, naming what to do. */
export function notInSyncError(what: string, state: MirrorState, lastError: unknown): Error {
  const cause = lastError instanceof Error ? lastError.message : lastError === undefined ? 'no answer yet' : String(lastError);
  return new Error(
    `koa-simple-jwt: ${what} is ${state}, not in sync (${cause}). Check that the listening connection reaches PostgreSQL directly: LISTEN does not work through PgBouncer in transaction mode or similar poolers; give it a direct or session-mode URL.`,
    { cause: lastError },
  );
}
