/**
 * A set of jtis built for millions of entries: a jti of 32 lowercase hex characters (Simple JWT's
 * `uuid4().hex`, and ours) is held as its 16 bytes in an open-addressing table over one
 * `Uint32Array` (linear probing, deletion by backward shift, so no tombstones); any other jti is
 * held as a string in a plain `Set`. A JavaScript `Set` of such strings costs about 74 bytes per
 * entry; this costs 16 bytes divided by the load factor, which stays between 0.34 and 0.85
 * (normally 0.68 to 0.85: between 19 and 24 bytes per jti).
 *
 * The table grows and shrinks incrementally: rehashing 10 M jtis at once would block the event
 * loop for about a second. A resize allocates the new table and moves the old one's slots into it
 * a few at a time: {@link RESIZE_STEP} slots with every `add` and `delete` (enough to finish long
 * before the next resize is due), and as many as the owner asks with {@link JtiSet.migrate} (the
 * mirror drains it in the background). Meanwhile a lookup asks both tables.
 *
 * Not a general-purpose set: no iteration, and the table never holds the all-zero key as a slot
 * (it marks an empty slot), so that one jti is kept in a flag.
 *
 * @example
 * const set = new JtiSet(1_000_000);      // sized for a million jtis
 * set.add('5f0c3a3c8b5e4d1fa1b2c3d4e5f60718'); // true (binary)
 * set.add('not-hex');                      // true (kept as a string)
 * set.has('5f0c3a3c8b5e4d1fa1b2c3d4e5f60718'); // true
 */
export class JtiSet {
  #table: Table;
  /** The table being moved into `#table` by a resize, or undefined. */
  #old: Table | undefined;
  /** How many of `#old`'s slots have been moved: [0, #moved) are in `#table` too. */
  #moved = 0;
  #binary = 0;
  #zero = false;
  readonly #strings = new Set<string>();

  /**
   * `expected`: how many jtis it will hold, so that loading them never grows the table. It is sized
   * for a load of {@link START_LOAD}: 21 bytes per jti, with room for 13 % more before it first
   * grows.
   */
  constructor(expected = 0) {
    this.#table = new Table(Math.max(MIN_CAPACITY, Math.ceil(expected / START_LOAD)));
  }

  /** How many jtis it holds. */
  get size(): number {
    return this.#binary + (this.#zero ? 1 : 0) + this.#strings.size;
  }

  /** Bytes held by the binary tables, both while a resize moves slots (the strings' Set is not counted). */
  get tableBytes(): number {
    return this.#table.slots.byteLength + (this.#old?.slots.byteLength ?? 0);
  }

  /** True while a resize is moving slots from the old table into the new one. */
  get resizing(): boolean {
    return this.#old !== undefined;
  }

  has(jti: string): boolean {
    if (!parse(jti)) return this.#strings.has(jti);
    if ((w0 | w1 | w2 | w3) === 0) return this.#zero;
    return this.#contains(w0, w1, w2, w3);
  }

  /** Adds `jti`; true when it was not there. */
  add(jti: string): boolean {
    if (!parse(jti)) {
      if (this.#strings.has(jti)) return false;
      this.#strings.add(jti);
      return true;
    }
    const a = w0;
    const b = w1;
    const c = w2;
    const d = w3;
    if ((a | b | c | d) === 0) return this.#flagZero(true);
    if (this.#contains(a, b, c, d)) return false;
    if (this.#binary + 1 > this.#table.capacity * MAX_LOAD) {
      this.#finishResize();
      this.#startResize(capacityFor(this.#binary + 1));
    }
    this.#table.insertAbsent(a, b, c, d);
    this.#binary += 1;
    this.migrate(RESIZE_STEP);
    return true;
  }

  /**
   * Adds every jti of `bytes` (16 bytes each, the hex decoded, most significant first) and answers
   * how many were not there: the bulk load's path, no string per jti. On a table of hundreds of
   * MB nearly every insert misses the CPU's caches; the jtis go in groups of {@link GROUP}, whose
   * home slots are all read first, so that their misses overlap instead of coming one by one
   * (about twice as fast at 10 M). A resize it needs is done at once (a load fills a set that
   * answers nothing yet).
   */
  addAll(bytes: Uint8Array): number {
    const count = bytes.length >>> 4;
    if (count * 16 !== bytes.length) throw new RangeError('koa-simple-jwt: JtiSet.addAll takes whole jtis of 16 bytes');
    this.#finishResize();
    if (this.#binary + count > this.#table.capacity * MAX_LOAD) {
      this.#startResize(capacityFor(this.#binary + count));
      this.#finishResize();
    }
    const table = this.#table;
    const { slots, capacity } = table;
    let zeroAdded = 0;
    let binaryAdded = 0;
    let touched = 0;
    for (let first = 0; first < count; first += GROUP) {
      const size = Math.min(GROUP, count - first);
      for (let k = 0; k < size; k += 1) {
        const offset = (first + k) * 16;
        const a = word(bytes, offset);
        const b = word(bytes, offset + 4);
        const c = word(bytes, offset + 8);
        const d = word(bytes, offset + 12);
        groupWords[k * 4] = a;
        groupWords[k * 4 + 1] = b;
        groupWords[k * 4 + 2] = c;
        groupWords[k * 4 + 3] = d;
        const home = hash(a, b, c, d) % capacity;
        groupHomes[k] = home;
        touched ^= slots[home * 4]!;
      }
      for (let k = 0; k < size; k += 1) {
        const a = groupWords[k * 4]!;
        const b = groupWords[k * 4 + 1]!;
        const c = groupWords[k * 4 + 2]!;
        const d = groupWords[k * 4 + 3]!;
        if ((a | b | c | d) === 0) {
          if (this.#flagZero(true)) zeroAdded = 1;
        } else if (table.insertAbsentFrom(groupHomes[k]!, a, b, c, d)) {
          binaryAdded += 1;
        }
      }
    }
    sink ^= touched;
    this.#binary += binaryAdded;
    return zeroAdded + binaryAdded;
  }

  /** Removes `jti`; true when it was there. */
  delete(jti: string): boolean {
    if (!parse(jti)) return this.#strings.delete(jti);
    const a = w0;
    const b = w1;
    const c = w2;
    const d = w3;
    if ((a | b | c | d) === 0) return this.#flagZero(false);
    let found = false;
    const slot = this.#table.find(a, b, c, d);
    if (slot >= 0) {
      this.#table.remove(slot, undefined);
      found = true;
    }
    const old = this.#old;
    if (old !== undefined) {
      const oldSlot = old.find(a, b, c, d);
      if (oldSlot >= 0) {
        // The backward shift may move a key not yet moved (at or past #moved) into the part
        // already moved (before it): the walk would never reach it there, so it is moved now.
        const moved = this.#moved;
        old.remove(oldSlot, (from, to, ka, kb, kc, kd) => {
          if (from >= moved && to < moved) this.#table.insertAbsent(ka, kb, kc, kd);
        });
        found = true;
      }
    }
    if (!found) return false;
    this.#binary -= 1;
    if (old === undefined && this.#table.capacity > MIN_CAPACITY && this.#binary < this.#table.capacity * SHRINK_LOAD) {
      this.#startResize(capacityFor(this.#binary));
    }
    this.migrate(RESIZE_STEP);
    return true;
  }

  /**
   * Moves up to `slots` slots of a resize's old table into the new one; answers whether a resize
   * is still under way. Each slot costs about as much as an insert (0.1 to 0.5 µs at 10 M).
   */
  migrate(slots: number): boolean {
    const old = this.#old;
    if (old === undefined) return false;
    const end = Math.min(old.capacity, this.#moved + slots);
    const from = old.slots;
    const table = this.#table;
    for (let slot = this.#moved; slot < end; slot += 1) {
      const i = slot * 4;
      const a = from[i]!;
      const b = from[i + 1]!;
      const c = from[i + 2]!;
      const d = from[i + 3]!;
      if ((a | b | c | d) !== 0) table.insertAbsent(a, b, c, d);
    }
    this.#moved = end;
    if (end < old.capacity) return true;
    this.#old = undefined;
    this.#moved = 0;
    return false;
  }

  /** Removes every jti. */
  clear(): void {
    this.#table = new Table(MIN_CAPACITY);
    this.#old = undefined;
    this.#moved = 0;
    this.#binary = 0;
    this.#zero = false;
    this.#strings.clear();
  }

  /** Sets whether the all-zero jti (never a slot) is held; true when that changed. */
  #flagZero(held: boolean): boolean {
    const changed = this.#zero !== held;
    this.#zero = held;
    return changed;
  }

  #contains(a: number, b: number, c: number, d: number): boolean {
    return this.#table.find(a, b, c, d) >= 0 || (this.#old !== undefined && this.#old.find(a, b, c, d) >= 0);
  }

  #startResize(capacity: number): void {
    this.#old = this.#table;
    this.#moved = 0;
    this.#table = new Table(capacity);
  }

  #finishResize(): void {
    this.migrate(Infinity);
  }
}

/** One open-addressing table: four 32-bit words per slot; a slot of four zero words is empty. */
class Table {
  readonly slots: Uint32Array;

  constructor(readonly capacity: number) {
    this.slots = new Uint32Array(capacity * 4);
  }

  /** The slot holding the key, or -1. */
  find(a: number, b: number, c: number, d: number): number {
    const { slots, capacity } = this;
    let slot = hash(a, b, c, d) % capacity;
    for (;;) {
      const i = slot * 4;
      const s0 = slots[i]!;
      if (s0 === a) {
        if (slots[i + 1] === b && slots[i + 2] === c && slots[i + 3] === d) return slot;
      } else if (s0 === 0 && (slots[i + 1]! | slots[i + 2]! | slots[i + 3]!) === 0) {
        return -1;
      }
      slot += 1;
      if (slot === capacity) slot = 0;
    }
  }

  /** Inserts a non-zero key unless it is there; true when it was absent. The table has room. */
  insertAbsent(a: number, b: number, c: number, d: number): boolean {
    return this.insertAbsentFrom(hash(a, b, c, d) % this.capacity, a, b, c, d);
  }

  /** {@link insertAbsent} from the key's home slot, already computed. */
  insertAbsentFrom(home: number, a: number, b: number, c: number, d: number): boolean {
    const { slots, capacity } = this;
    let slot = home;
    for (;;) {
      const i = slot * 4;
      const s0 = slots[i]!;
      const s1 = slots[i + 1]!;
      const s2 = slots[i + 2]!;
      const s3 = slots[i + 3]!;
      if (s0 === a && s1 === b && s2 === c && s3 === d) return false;
      if ((s0 | s1 | s2 | s3) === 0) {
        slots[i] = a;
        slots[i + 1] = b;
        slots[i + 2] = c;
        slots[i + 3] = d;
        return true;
      }
      slot += 1;
      if (slot === capacity) slot = 0;
    }
  }

  /**
   * Empties `hole` and shifts back the keys after it that could not be found otherwise (a key
   * may move into the hole when its home slot is not cyclically within (hole, its slot]);
   * `moved` hears of each key moved, from which slot to which.
   */
  remove(hole: number, moved: ((from: number, to: number, a: number, b: number, c: number, d: number) => void) | undefined): void {
    const { slots, capacity } = this;
    let slot = hole;
    for (;;) {
      slot += 1;
      if (slot === capacity) slot = 0;
      const i = slot * 4;
      const a = slots[i]!;
      const b = slots[i + 1]!;
      const c = slots[i + 2]!;
      const d = slots[i + 3]!;
      if ((a | b | c | d) === 0) break;
      const home = hash(a, b, c, d) % capacity;
      const fromHome = (slot - home + capacity) % capacity;
      const fromHole = (slot - hole + capacity) % capacity;
      if (fromHome >= fromHole) {
        slots.copyWithin(hole * 4, i, i + 4);
        moved?.(slot, hole, a, b, c, d);
        hole = slot;
      }
    }
    slots.fill(0, hole * 4, hole * 4 + 4);
  }
}

/** Past this load the table grows; it grows (or shrinks) to {@link TARGET_LOAD}. */
const MAX_LOAD = 0.85;
const TARGET_LOAD = 0.68;
/** The load of a table sized for a known count (the mirror's load at start). */
const START_LOAD = 0.75;
/** Under this load (after deletions, e.g. the flush) the table shrinks. */
const SHRINK_LOAD = 0.3;
const MIN_CAPACITY = 16;
/**
 * Old slots moved with every `add` and `delete` during a resize. A grown table takes 0.2 times
 * the old capacity in adds before it grows again, and a shrunk one many deletions before it
 * shrinks again: 16 slots per change finish the move long before either.
 */
const RESIZE_STEP = 16;

function capacityFor(entries: number): number {
  return Math.max(MIN_CAPACITY, Math.ceil(entries / TARGET_LOAD));
}

/** {@link JtiSet.addAll}'s group: its jtis' words and home slots, and what their reads gave. */
const GROUP = 8;
const groupWords = new Uint32Array(GROUP * 4);
const groupHomes = new Float64Array(GROUP);
/** Where the group reads go, so that the compiler keeps them. */
let sink = 0;

/** The words `parse` produced (module variables: no allocation per lookup). */
let w0 = 0;
let w1 = 0;
let w2 = 0;
let w3 = 0;

/** Hex digit values by character code; -1 for anything else (uppercase included). */
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i += 1) DIGITS[48 + i] = i;
for (let i = 0; i < 6; i += 1) DIGITS[97 + i] = 10 + i;

/** Eight hex characters from `start` as a 32-bit word, or -1 when one is not lowercase hex. */
function parseWord(jti: string, start: number): number {
  let value = 0;
  for (let i = start; i < start + 8; i += 1) {
    const code = jti.charCodeAt(i);
    const digit = code < 128 ? DIGITS[code]! : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Reads a 32-lowercase-hex jti into w0..w3; false for any other jti. */
function parse(jti: string): boolean {
  if (jti.length !== 32) return false;
  w0 = parseWord(jti, 0);
  if (w0 < 0) return false;
  w1 = parseWord(jti, 8);
  if (w1 < 0) return false;
  w2 = parseWord(jti, 16);
  if (w2 < 0) return false;
  w3 = parseWord(jti, 24);
  return w3 >= 0;
}

function word(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

/** Mixes all four words (jtis need not be random: some issuers count), murmur3's finaliser. */
function hash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a, 0xcc9e2d51) ^ b;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ c;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ d;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
