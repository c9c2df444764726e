import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecencyMap } from '../src/recency-map.js';

test('RecencyMap evicts the least recently used entry and says which', () => {
  const recent = new RecencyMap<string, number>(2);
  assert.equal(recent.set('a', 1), undefined);
  assert.equal(recent.set('b', 2), undefined);
  assert.equal(recent.get('a'), 1);
  assert.deepEqual(recent.set('c', 3), ['b', 2]);
  assert.equal(recent.size, 2);
  assert.equal(recent.get('b'), undefined);
  assert.equal(recent.set('a', 10), undefined, 'replacing a key evicts nothing');
  assert.equal(recent.get('a'), 10);
});

test('RecencyMap keeps an entry used at least every half capacity, whatever else comes and goes', () => {
  const recent = new RecencyMap<string, number>(100);
  recent.set('hot', 1);
  recent.set('cold', 2);
  for (let i = 0; i < 1000; i += 1) {
    recent.set(`other-${i}`, i);
    assert.equal(recent.get('hot'), 1, `evicted after ${i} insertions`);
  }
  assert.equal(recent.size, 100);
  assert.equal(recent.get('cold'), undefined);
});

test('RecencyMap refuses a capacity that is not a positive integer', () => {
  for (const capacity of [0, -1, 1.5, Number.NaN]) assert.throws(() => new RecencyMap(capacity), /capacity/);
});
