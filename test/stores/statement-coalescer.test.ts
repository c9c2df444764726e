import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatementCoalescer, batchedStatement } from '../../src/stores/statement-coalescer.js';

/** A `send` whose batches the test releases by hand, recording what each batch held. */
function manualSender() {
  const batches: string[][] = [];
  const pending: Array<{ items: string[]; release: () => void; fail: (error: unknown) => void }> = [];
  const send = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push(items);
      pending.push({ items, release: () => resolve(items.map((item) => `done:${item}`)), fail: reject });
    });
  return { batches, pending, send };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('StatementCoalescer', () => {
  it('sends a write at once, alone, when nothing is in flight', async () => {
    const { batches, pending, send } = manualSender();
    const coalescer = new StatementCoalescer(send, { key: (item: string) => item });
    const result = coalescer.run('a');
    await turn();
    assert.deepEqual(batches, [['a']]);
    pending[0]!.release();
    assert.equal(await result, 'done:a');
  });

  it('puts the writes of one turn in one batch, and resolves each with its own result', async () => {
    const { batches, pending, send } = manualSender();
    const coalescer = new StatementCoalescer(send, { key: (item: string) => item });
    const results = ['a', 'b', 'c'].map((item) => coalescer.run(item));
    await turn();
    assert.deepEqual(batches, [['a', 'b', 'c']]);
    pending[0]!.release();
    assert.deepEqual(await Promise.all(results), ['done:a', 'done:b', 'done:c']);
  });

  it('holds writes while maxInFlight batches are out, then sends them together when one returns', async () => {
    const { batches, pending, send } = manualSender();
    const coalescer = new StatementCoalescer(send, { key: (item: string) => item, maxInFlight: 1 });
    const first = coalescer.run('a');
    await turn();
    const later = ['b', 'c', 'd'].map((item) => coalescer.run(item));
    await turn();
    assert.deepEqual(batches, [['a']], 'nothing more is sent while the first batch is out');
    pending[0]!.release();
    await first;
    await turn();
    assert.deepEqual(batches, [['a'], ['b', 'c', 'd']]);
    pending[1]!.release();
    assert.deepEqual(await Promise.all(later), ['done:b', 'done:c', 'done:d']);
  });

  it('never puts two writes with the same key in one batch', async () => {
    const { batches, pending, send } = manualSender();
    const coalescer = new StatementCoalescer(send, { key: (item: string) => item.split('#')[0]!, maxInFlight: 1 });
    const results = ['x#1', 'y', 'x#2', 'x#3'].map((item) => coalescer.run(item));
    await turn();
    assert.deepEqual(batches, [['x#1', 'y']]);
    pending[0]!.release();
    await turn();
    assert.deepEqual(batches[1], ['x#2']);
    pending[1]!.release();
    await turn();
    assert.deepEqual(batches[2], ['x#3']);
    pending[2]!.release();
    assert.deepEqual(await Promise.all(results), ['done:x#1', 'done:y', 'done:x#2', 'done:x#3']);
  });

  it('puts equal items in one batch when no key is given (lookups)', async () => {
    const { batches, pending, send } = manualSender();
    const coalescer = new StatementCoalescer(send, {});
    const results = ['a', 'a', 'b'].map((item) => coalescer.run(item));
    await turn();
    assert.deepEqual(batches, [['a', 'a', 'b']]);
    pending[0]!.release();
    assert.deepEqual(await Promise.all(results), ['done:a', 'done:a', 'done:b']);
  });

  it('sends at most maxBatch writes per batch, and up to maxInFlight batches at once', async () => {
    const { batches, pending, send } = manualSender();
    const coalescer = new StatementCoalescer(send, { key: (item: string) => item, maxBatch: 2, maxInFlight: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((item) => coalescer.run(item));
    await turn();
    assert.deepEqual(batches, [['a', 'b'], ['c', 'd']]);
    pending[0]!.release();
    await turn();
    assert.deepEqual(batches[2], ['e']);
    pending[1]!.release();
    pending[2]!.release();
    assert.deepEqual(await Promise.all(results), ['done:a', 'done:b', 'done:c', 'done:d', 'done:e']);
  });

  it("rejects only the writes of a failed batch, with that batch's error, and goes on with the next", async () => {
    const { pending, send } = manualSender();
    const coalescer = new StatementCoalescer(send, { key: (item: string) => item, maxInFlight: 1 });
    const failed = [coalescer.run('a'), coalescer.run('b')];
    await turn();
    const next = coalescer.run('c');
    const outage = new Error('connection lost');
    pending[0]!.fail(outage);
    for (const result of failed) await assert.rejects(result, (error) => error === outage);
    await turn();
    pending[1]!.release();
    assert.equal(await next, 'done:c');
  });

  it('keeps a batch in flight until the promises it answered with settle', async () => {
    const statements: Array<() => void> = [];
    const sent: string[][] = [];
    const coalescer = new StatementCoalescer(
      async (items: string[]) => {
        sent.push(items);
        // Each item answered by a statement of its own, still running when send returns.
        return items.map((item) => new Promise<string>((resolve) => statements.push(() => resolve(`alone:${item}`))));
      },
      { maxInFlight: 1 },
    );
    const first = coalescer.run('a');
    await turn();
    const second = coalescer.run('b');
    await turn();
    assert.deepEqual(sent, [['a']], 'b waits while the statement answering a runs');
    statements[0]!();
    assert.equal(await first, 'alone:a');
    await turn();
    assert.deepEqual(sent, [['a'], ['b']]);
    statements[1]!();
    assert.equal(await second, 'alone:b');
  });

  it('rejects only the item whose promise rejects', async () => {
    const coalescer = new StatementCoalescer(async (items: string[]) => items.map((item) => (item === 'bad' ? Promise.reject(new Error('refused')) : item)), {});
    const [good, bad] = [coalescer.run('good'), coalescer.run('bad')];
    assert.equal(await good, 'good');
    await assert.rejects(bad, /refused/);
  });

  it('lets send answer each write with a promise of its own (a write redone alone)', async () => {
    const coalescer = new StatementCoalescer(async (items: string[]) => items.map((item) => (item === 'slow' ? Promise.resolve('redone') : 'fast')), {
      key: (item: string) => item,
    });
    assert.deepEqual(await Promise.all([coalescer.run('slow'), coalescer.run('quick')]), ['redone', 'fast']);
  });
});

describe('batchedStatement', () => {
  /** A statement that records which of its two forms ran, and with what. */
  function recording() {
    const calls: string[] = [];
    return {
      calls,
      statement: {
        one: async (item: string) => (calls.push(`one:${item}`), `1:${item}`),
        many: async (items: string[]) => (calls.push(`many:${items.join(',')}`), items.map((item) => `n:${item}`)),
      },
    };
  }

  it('runs one statement per item when batching is off', async () => {
    const { calls, statement } = recording();
    const run = batchedStatement('Store', 'lookupBatching', false, statement);
    assert.deepEqual(await Promise.all([run('a'), run('b')]), ['1:a', '1:b']);
    assert.deepEqual(calls, ['one:a', 'one:b']);
  });

  it("runs a lone item's own statement, and several items' shared one", async () => {
    const { calls, statement } = recording();
    const run = batchedStatement('Store', 'lookupBatching', {}, statement);
    assert.equal(await run('a'), '1:a');
    assert.deepEqual(await Promise.all([run('b'), run('c')]), ['n:b', 'n:c']);
    assert.deepEqual(calls, ['one:a', 'many:b,c']);
  });

  it('names the owner and the option when a limit is not a positive integer', () => {
    assert.throws(() => batchedStatement('Store', 'lookupBatching', { maxBatch: 0 }, recording().statement), {
      name: 'TypeError',
      message: 'Store: option "lookupBatching.maxBatch" must be a positive integer, got 0',
    });
  });
});
