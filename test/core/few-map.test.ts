import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FewMap } from '../../src/core/few-map.js';

test('behaves as a Map over 20,000 random operations: contents, size and order', () => {
  const few = new FewMap<number>();
  const model = new Map<string, number>();
  let seed = 11;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor(seed / 65536) % n);
  for (let i = 0; i < 20_000; i++) {
    // Mostly one or two keys alive, sometimes a handful: the shapes the relay sees.
    const key = `k${rand(rand(10) === 0 ? 8 : 2)}`;
    switch (rand(4)) {
      case 0:
      case 1:
        few.set(key, i);
        model.set(key, i);
        break;
      case 2:
        assert.equal(few.delete(key), model.delete(key));
        break;
      case 3:
        assert.equal(few.get(key), model.get(key));
        assert.equal(few.has(key), model.has(key));
    }
    assert.equal(few.size, model.size);
    assert.deepEqual([...few.entries()], [...model.entries()], `after operation ${i}`);
    assert.equal(few.oldestKey(), model.keys().next().value);
  }
});

test('entries may be deleted while iterating, and clear empties it', () => {
  const few = new FewMap<number>();
  for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) few.set(k, i);
  const seen: string[] = [];
  for (const [k, v] of few) {
    seen.push(k);
    if (v % 2 === 0) few.delete(k);
  }
  assert.deepEqual(seen, ['a', 'b', 'c', 'd']);
  assert.deepEqual([...few.entries()], [['b', 1], ['d', 3]]);
  assert.deepEqual([...few.values()], [1, 3]);
  few.clear();
  assert.equal(few.size, 0);
  assert.deepEqual([...few.entries()], []);
  few.set('e', 5);
  assert.deepEqual([...few.entries()], [['e', 5]]);
});
