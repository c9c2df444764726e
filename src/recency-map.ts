/**
 * A bounded map that forgets its least recently used entries, tuned for lookups that hit far more
 * often than they miss (the per-request caches): a hit moves an entry to the young end only once
 * it has aged by half the capacity, counted in insertions, because a Map's delete-and-set costs
 * more than the lookup itself. An entry used at least that often is never evicted; one not used
 * for a full capacity's worth of insertions goes first.
 *
 * @example
 * const recent = new RecencyMap<string, number>(2);
 * recent.set('a', 1); recent.set('b', 2); recent.set('c', 3); // evicts 'a'
 */
export class RecencyMap<K, V> {
  readonly capacity: number;
  // A Map iterates in insertion order, so the first key is the least recently (re)inserted.
  readonly #entries = new Map<K, { value: V; seq: number }>();
  #seq = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new TypeError('RecencyMap: capacity must be a positive integer');
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#seq - entry.seq >= this.capacity / 2) {
      this.#entries.delete(key);
      entry.seq = ++this.#seq;
      this.#entries.set(key, entry);
    }
    return entry.value;
  }

  /** Holds `value` under `key` as the most recent entry; returns the entry it evicted, if any. */
  set(key: K, value: V): [key: K, value: V] | undefined {
    this.#entries.delete(key);
    let evicted: [K, V] | undefined;
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.entries().next();
      if (!oldest.done) {
        this.#entries.delete(oldest.value[0]);
        evicted = [oldest.value[0], oldest.value[1].value];
      }
    }
    this.#entries.set(key, { value, seq: ++this.#seq });
    return evicted;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
