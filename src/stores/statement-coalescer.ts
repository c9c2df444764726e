/**
 * Group commit in the application: concurrent statements of one kind (rotations, blacklist
 * lookups, user lookups) are sent as one statement when the database is busy, and one by one when
 * it is not.
 *
 * An item is sent at once while fewer than `maxInFlight` batches are out; otherwise it waits, and
 * when a batch comes back, everything that waited goes out together (up to `maxBatch` items). At
 * low load every item is a batch of one, so nothing waits for a timer; under load the batch size
 * follows the arrival rate times the statement's round trip. A batch is one round trip, and for a
 * write one commit (one WAL flush, one NOTIFY), for many requests.
 *
 * With a `key`, two items with the same key never share a batch (the later one goes in a following
 * batch), so a write statement never sees two writes of one row; concurrent batches settle such
 * races in the database, as separate statements would.
 */
export interface StatementCoalescerOptions<Item> {
  /** Batches out at once. Default 2 (one being run while the next is built). */
  maxInFlight?: number;
  /** Items per batch. Default 256. */
  maxBatch?: number;
  /** Items with equal keys go in different batches. Default: any items may share a batch. */
  key?: (item: Item) => string;
}

interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result | PromiseLike<Result>) => void;
  reject: (error: unknown) => void;
}

export class StatementCoalescer<Item, Result> {
  readonly #send: (items: Item[]) => Promise<Array<Result | PromiseLike<Result>>>;
  readonly #maxInFlight: number;
  readonly #maxBatch: number;
  readonly #key: ((item: Item) => string) | undefined;
  #waiting: Waiting<Item, Result>[] = [];
  #inFlight = 0;
  #scheduled = false;

  /**
   * @param send writes a batch; resolves one result (or a promise of one) per item, in order, or
   *   rejects for all.
   * @example
   * const rotations = new StatementCoalescer((items) => rotateMany(items), { key: (item) => item.jti });
   * const won = await rotations.run({ jti, successor });
   */
  constructor(send: (items: Item[]) => Promise<Array<Result | PromiseLike<Result>>>, options: StatementCoalescerOptions<Item>) {
    this.#send = send;
    this.#maxInFlight = options.maxInFlight ?? 2;
    this.#maxBatch = options.maxBatch ?? 256;
    this.#key = options.key;
  }

  /** Queues an item; resolves with its result, or rejects with its batch's error. */
  run(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Sends at the end of the current turn, so the items of one turn share a batch. */
  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#maxInFlight && this.#waiting.length > 0) {
      const batch: Waiting<Item, Result>[] = [];
      const later: Waiting<Item, Result>[] = [];
      const keys = new Set<string>();
      for (const waiting of this.#waiting) {
        const key = this.#key?.(waiting.item);
        if (batch.length < this.#maxBatch && (key === undefined || !keys.has(key))) {
          if (key !== undefined) keys.add(key);
          batch.push(waiting);
        } else {
          later.push(waiting);
        }
      }
      this.#waiting = later;
      this.#inFlight += 1;
      void this.#run(batch);
    }
  }

  async #run(batch: Waiting<Item, Result>[]): Promise<void> {
    try {
      const results = await this.#send(batch.map((waiting) => waiting.item));
      // The batch is out until every item is settled, those answered by a promise (a statement of
      // their own) included: maxInFlight bounds the statements, not only the calls to send.
      await Promise.all(
        batch.map(async (waiting, i) => {
          try {
            waiting.resolve(await results[i]!);
          } catch (error) {
            waiting.reject(error);
          }
        }),
      );
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    } finally {
      this.#inFlight -= 1;
      this.#schedule();
    }
  }
}

/** How a store batches one kind of statement (its `...Batching` option), or `false` for never. */
export interface BatchingOptions {
  /** Batches out at once. Default 2. */
  maxInFlight?: number;
  /** Items per batch. Default 256. */
  maxBatch?: number;
}

/** A kind of statement that can run for one item or for several at once. */
export interface BatchableStatement<Item, Result> {
  /** One item's own statement (also what runs when batching is off, or a batch holds one item). */
  one: (item: Item) => Promise<Result>;
  /** Several items in one statement: one result, or a promise of one, per item, in order. */
  many: (items: Item[]) => Promise<Array<Result | PromiseLike<Result>>>;
  /** Items with equal keys go in different batches (see {@link StatementCoalescerOptions}). */
  key?: (item: Item) => string;
}

const BATCHING_DEFAULTS: Required<BatchingOptions> = { maxInFlight: 2, maxBatch: 256 };

/**
 * Runs `statement` as a store's `...Batching` option asks: `one` per item when it is `false`,
 * else through a {@link StatementCoalescer}, with `one` for a batch of a single item.
 *
 * @throws TypeError naming the option when a limit is not a positive integer.
 * @example
 * this.#findById = batchedStatement('KnexUserStore', 'lookupBatching', options.lookupBatching, {
 *   one: (id) => this.#selectOneById(id),
 *   many: (ids) => this.#selectByIds(ids),
 * });
 */
export function batchedStatement<Item, Result>(
  owner: string,
  option: string,
  value: false | BatchingOptions | undefined,
  statement: BatchableStatement<Item, Result>,
): (item: Item) => Promise<Result> {
  if (value === false) return statement.one;
  const limit = (name: keyof BatchingOptions) => {
    const given = value?.[name] ?? BATCHING_DEFAULTS[name];
    if (!Number.isSafeInteger(given) || given < 1) {
      throw new TypeError(`${owner}: option "${option}.${name}" must be a positive integer, got ${String(given)}`);
    }
    return given;
  };
  const coalescer = new StatementCoalescer<Item, Result>(
    async (items) => (items.length === 1 ? [statement.one(items[0]!)] : statement.many(items)),
    { maxInFlight: limit('maxInFlight'), maxBatch: limit('maxBatch'), ...(statement.key ? { key: statement.key } : {}) },
  );
  return (item) => coalescer.run(item);
}
