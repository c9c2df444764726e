import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { JtiSet } from '../../src/stores/jti-set.js';

const hex = () => randomBytes(16).toString('hex');

/** A deterministic generator, so a failing sequence of operations can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('JtiSet', () => {
  test('holds 32-hex jtis and other jtis alike, telling them apart exactly', () => {
    const set = new JtiSet();
    const jti = hex();
    assert.equal(set.has(jti), false);
    assert.equal(set.add(jti), true);
    assert.equal(set.add(jti), false, 'a second add changes nothing');
    assert.equal(set.has(jti), true);
    assert.equal(set.has(jti.toUpperCase()), false, 'uppercase hex is another jti');
    assert.equal(set.add(jti.toUpperCase()), true);
    for (const other of ['', 'abc', `${jti}0`, jti.slice(0, 31) + 'g', 'x'.repeat(255), '0'.repeat(31)]) {
      assert.equal(set.has(other), false, other);
      assert.equal(set.add(other), true, other);
      assert.equal(set.has(other), true, other);
    }
    assert.equal(set.size, 8);
    assert.equal(set.delete(jti.toUpperCase()), true);
    assert.equal(set.has(jti), true, 'the lowercase one stays');
    assert.equal(set.delete('abc'), true);
    assert.equal(set.delete('abc'), false);
    assert.equal(set.size, 6);
  });

  test('holds the all-zero jti, which cannot be a slot of the table', () => {
    const set = new JtiSet();
    const zero = '0'.repeat(32);
    assert.equal(set.has(zero), false);
    assert.equal(set.add(zero), true);
    assert.equal(set.add(zero), false);
    assert.equal(set.has(zero), true);
    assert.equal(set.size, 1);
    assert.equal(set.delete(zero), true);
    assert.equal(set.has(zero), false);
    assert.equal(set.delete(zero), false);
    assert.equal(set.addAll(new Uint8Array(16)), 1);
    assert.equal(set.has(zero), true);
  });

  test('addAll adds the jtis whose hex those bytes are, and counts the new ones', () => {
    const set = new JtiSet();
    const jtis = [hex(), hex(), hex()];
    assert.equal(set.addAll(Buffer.from(jtis.join(''), 'hex')), 3);
    for (const jti of jtis) assert.equal(set.has(jti), true);
    assert.equal(set.addAll(Buffer.from(jtis[1]!, 'hex')), 0, 'already there');
    assert.equal(set.addAll(new Uint8Array(0)), 0);
    assert.equal(set.size, 3);
    assert.throws(() => set.addAll(new Uint8Array(20)), RangeError, 'a partial jti');
    assert.equal(set.size, 3);
  });

  test('addAll takes a batch with repeats, the zero jti and more jtis than the table was sized for', () => {
    const set = new JtiSet(10);
    const jtis = Array.from({ length: 1_001 }, hex);
    // Repeats inside one group of reads, across groups, and the zero jti (never a slot).
    const batch = [...jtis, jtis[0]!, jtis[1]!, jtis[500]!, '0'.repeat(32), '0'.repeat(32)];
    assert.equal(set.addAll(Buffer.from(batch.join(''), 'hex')), 1_002);
    assert.equal(set.size, 1_002);
    assert.ok(jtis.every((jti) => set.has(jti)));
    assert.equal(set.has('0'.repeat(32)), true);
    for (let i = 0; i < 1_000; i += 1) assert.equal(set.has(hex()), false);
    // Grown once, for the whole batch (its repeats counted): within the 24 bytes per jti promised.
    const perJti = set.tableBytes / set.size;
    assert.ok(perJti <= 24 && perJti >= 16 / 0.85, `bytes per jti ${perJti}`);
  });

  test('addAll places colliding jtis of one group past each other (a table far too small to avoid collisions)', () => {
    const set = new JtiSet();
    const jtis = Array.from({ length: 13 }, hex);
    assert.equal(set.addAll(Buffer.from(jtis.join(''), 'hex')), 13);
    assert.ok(jtis.every((jti) => set.has(jti)));
    for (const jti of jtis.slice(0, 6)) assert.equal(set.delete(jti), true);
    assert.ok(jtis.slice(6).every((jti) => set.has(jti)), 'the others are still found after the deletions');
    assert.equal(set.size, 7);
  });

  test('grows from empty to 200,000 jtis, finding every one and none other', () => {
    const set = new JtiSet();
    const jtis = Array.from({ length: 200_000 }, hex);
    for (const jti of jtis) assert.equal(set.add(jti), true);
    assert.equal(set.size, jtis.length);
    assert.ok(jtis.every((jti) => set.has(jti)));
    for (let i = 0; i < 10_000; i += 1) assert.equal(set.has(hex()), false);
    while (set.migrate(1_000));
    const perJti = set.tableBytes / set.size;
    assert.ok(perJti <= 16 / 0.68 + 0.01 && perJti >= 16 / 0.85, `bytes per jti ${perJti}`);
  });

  test('grows a step at a time: the add that fills the table starts a resize, and each change or migrate() moves some slots', () => {
    const set = new JtiSet(10_000);
    const jtis = Array.from({ length: 11_333 }, hex);
    for (const jti of jtis) set.add(jti);
    const before = set.tableBytes;
    assert.equal(set.resizing, false, 'room for 13 % more than it was sized for');
    const extra = hex();
    set.add(extra);
    assert.equal(set.resizing, true, 'one add does not rehash 11,000 jtis');
    assert.ok(set.tableBytes > before * 2, 'the old table is kept while its slots move');
    assert.ok([...jtis, extra].every((jti) => set.has(jti)), 'found in either table meanwhile');
    assert.equal(set.migrate(100), true, 'a small step leaves some to move');
    while (set.migrate(100));
    assert.equal(set.resizing, false);
    assert.equal(set.size, jtis.length + 1);
    assert.ok([...jtis, extra].every((jti) => set.has(jti)));
    assert.ok(set.tableBytes / set.size <= 16 / 0.68 + 0.01, `bytes per jti ${set.tableBytes / set.size}`);
  });

  test('agrees with a Set while resizes are under way (adds, deletes, steps of every size, crowded clusters)', () => {
    const random = seeded(19);
    const keys = Array.from({ length: 3_000 }, (_, i) => (i === 0 ? '0'.repeat(32) : hex()));
    for (let round = 0; round < 6; round += 1) {
      const set = new JtiSet();
      const model = new Set<string>();
      let resized = 0;
      // Grow towards all the keys, then delete most of them (shrinking), then grow again.
      for (const addShare of [0.8, 0.2, 0.7]) {
        for (let step = 0; step < 6_000; step += 1) {
          const key = keys[Math.floor(random() * keys.length)]!;
          if (random() < addShare) assert.equal(set.add(key), !model.has(key) && !!model.add(key));
          else assert.equal(set.delete(key), model.delete(key));
          if (set.resizing) resized += 1;
          if (random() < 0.01) set.migrate(Math.floor(random() * 64));
          if (step % 500 === 0) {
            for (const k of keys) assert.equal(set.has(k), model.has(k), `round ${round} step ${step}`);
            assert.equal(set.size, model.size);
          }
        }
      }
      assert.ok(resized > 100, `resizes were under way during ${resized} changes`);
      for (const k of keys) assert.equal(set.has(k), model.has(k));
    }
  });

  test('sized for its expected count, loading it does not grow the table', () => {
    const set = new JtiSet(50_000);
    const bytes = set.tableBytes;
    for (let i = 0; i < 50_000; i += 1) set.add(hex());
    assert.equal(set.tableBytes, bytes);
    assert.ok(bytes / set.size <= 16 / 0.75 + 0.01, `at most 21.3 bytes per jti once loaded: ${bytes / set.size}`);
    for (let i = 0; i < 6_000; i += 1) set.add(hex());
    assert.equal(set.tableBytes, bytes, 'room for 12 % more before it grows');
    assert.equal(set.resizing, false);
  });

  test('agrees with a Set through random adds and deletes in a crowded small table (collisions, wrap-around, backward shift, shrinking)', () => {
    const random = seeded(18);
    // Few distinct keys in a table of a few dozen slots: long clusters that wrap around its end.
    const keys = Array.from({ length: 60 }, (_, i) => (i === 0 ? '0'.repeat(32) : hex()));
    keys.push('short', 'ABCDEF'.repeat(5) + 'ab');
    for (let round = 0; round < 20; round += 1) {
      const set = new JtiSet();
      const model = new Set<string>();
      for (let step = 0; step < 3000; step += 1) {
        const key = keys[Math.floor(random() * keys.length)]!;
        if (random() < 0.55) assert.equal(set.add(key), !model.has(key) && !!model.add(key));
        else assert.equal(set.delete(key), model.delete(key));
        if (step % 50 === 0) {
          for (const k of keys) assert.equal(set.has(k), model.has(k), `round ${round} step ${step}`);
          assert.equal(set.size, model.size);
        }
      }
    }
  });

  test('shrinks after most of its jtis are deleted (the flush) and still finds the rest', () => {
    const set = new JtiSet();
    const jtis = Array.from({ length: 100_000 }, hex);
    for (const jti of jtis) set.add(jti);
    const full = set.tableBytes;
    for (const jti of jtis.slice(0, 95_000)) assert.equal(set.delete(jti), true);
    while (set.migrate(1_000));
    assert.ok(set.tableBytes < full / 4, `${set.tableBytes} of ${full}`);
    assert.equal(set.size, 5000);
    assert.ok(jtis.slice(95_000).every((jti) => set.has(jti)));
    assert.ok(jtis.slice(0, 95_000).every((jti) => !set.has(jti)));
  });

  test('clear forgets everything', () => {
    const set = new JtiSet();
    const jti = hex();
    set.add(jti);
    set.add('other');
    set.add('0'.repeat(32));
    set.clear();
    assert.equal(set.size, 0);
    assert.equal(set.has(jti), false);
    assert.equal(set.has('other'), false);
    assert.equal(set.has('0'.repeat(32)), false);
  });
});
