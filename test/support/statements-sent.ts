import type { Knex } from 'knex';

/**
 * How many pool connections `work` borrows from `knex`: one per statement the stores send
 * (`runStatement` borrows a connection for each).
 */
export async function statementsSent(knex: Knex, work: () => Promise<unknown>): Promise<number> {
  const client = knex.client as { acquireConnection: () => Promise<unknown> };
  const original = client.acquireConnection;
  let count = 0;
  client.acquireConnection = function (this: unknown) {
    count += 1;
    return original.call(this);
  };
  try {
    await work();
  } finally {
    client.acquireConnection = original;
  }
  return count;
}
