import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonLineRing } from '../../src/control/json-line-ring.js';

test('keeps the newest entries, oldest first, bounded by count', () => {
  const ring = new JsonLineRing(5);
  for (let i = 0; i < 12; i++) ring.push(JSON.stringify({ i }));
  assert.equal(ring.length, 5);
  assert.deepEqual(ring.last(5).map((t) => (JSON.parse(t) as { i: number }).i), [7, 8, 9, 10, 11]);
  assert.deepEqual(ring.last(2).map((t) => (JSON.parse(t) as { i: number }).i), [10, 11]);
  assert.deepEqual(ring.last(99).length, 5);
});

test('agrees with a plain array over 20,000 entries of random sizes, wrapping the bytes many times', () => {
  const ring = new JsonLineRing(300, 64 * 1024);
  const model: string[] = [];
  let seed = 7;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor(seed / 65536) % n);
  for (let i = 0; i < 20_000; i++) {
    // Multi-byte characters: sizes are counted in bytes, not characters.
    const text = JSON.stringify({ i, pad: 'x'.repeat(rand(900)), s: 'é€😀'.repeat(rand(20)) });
    ring.push(text);
    model.push(text);
    if (i % 997 === 0 || i === 19_999) {
      const kept = ring.last(300);
      assert.ok(kept.length > 0 && kept.length <= 300);
      // Whatever is kept is exactly the newest entries, in order, byte for byte.
      assert.deepEqual(kept, model.slice(-kept.length), `at entry ${i}`);
      // The byte budget holds: the entries kept fit in the ring.
      assert.ok(kept.reduce((n, t) => n + Buffer.byteLength(t), 0) <= 64 * 1024);
    }
  }
  // 64 KiB of ~500-byte entries: well over a hundred kept, not just the last few.
  assert.ok(ring.length > 100, `kept ${ring.length}`);
});

test('an entry larger than a quarter of the ring is not kept, and the others are untouched', () => {
  const ring = new JsonLineRing(10, 4096);
  ring.push('"a"');
  ring.push(JSON.stringify('y'.repeat(2000)));
  ring.push('"b"');
  assert.deepEqual(ring.last(10), ['"a"', '"b"']);
});
