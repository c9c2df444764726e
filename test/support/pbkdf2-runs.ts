import crypto from 'node:crypto';
import { mock } from 'node:test';
import { syncBuiltinESMExports } from 'node:module';

/**
 * The iteration count of every PBKDF2 run `work` makes. The runs are real (the spy calls through);
 * only node:crypto's export is wrapped, so this counts what the code hashes, not how long it takes.
 */
export async function pbkdf2Runs(work: () => Promise<unknown>): Promise<number[]> {
  const spy = mock.method(crypto, 'pbkdf2');
  // Named imports of node:crypto (`import { pbkdf2 }`) see the spy only after this.
  syncBuiltinESMExports();
  try {
    await work();
    return spy.mock.calls.map((call) => call.arguments[2] as number);
  } finally {
    spy.mock.restore();
    syncBuiltinESMExports();
  }
}
