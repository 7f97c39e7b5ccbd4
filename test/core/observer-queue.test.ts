import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ObserverQueue } from '../../src/core/observer-queue.js';

const busy = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

test('every event is delivered once, in order, off the pushing turn', async () => {
  const seen: number[] = [];
  const q = new ObserverQueue<number>((batch) => seen.push(...batch));
  for (let i = 0; i < 1000; i++) q.push(i);
  assert.equal(seen.length, 0, 'nothing is delivered while the relay is still in its turn');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(seen, Array.from({ length: 1000 }, (_, i) => i));
});

test('slow observers yield within their budget: I/O gets in between slices', async () => {
  const order: string[] = [];
  // Each slice costs 0.3 ms; 800 events are 100 slices of 8, 30 ms of observer work.
  const q = new ObserverQueue<number>((batch) => {
    // While the first slice is delivered, an "I/O" callback becomes due, as a frame arriving on a socket would.
    if (order.length === 0) setTimeout(() => order.push('io'), 0);
    busy(0.3);
    order.push(`slice-${batch.at(-1)}`);
  }, 500_000, 0.5);
  for (let i = 0; i < 800; i++) q.push(i);
  await new Promise((r) => setTimeout(r, 100));
  const io = order.indexOf('io');
  assert.ok(io > 0 && io < 100, `the timer ran after ${io} slices: it should get in before the last of the 100`);
  assert.equal(order.filter((o) => o.startsWith('slice')).length, 100);
  assert.equal(order.at(-1), 'slice-799');
});

test('events pushed while delivering come after the ones already waiting', async () => {
  const seen: number[] = [];
  const q = new ObserverQueue<number>((batch) => {
    for (const e of batch) {
      seen.push(e);
      if (e < 3) q.push(e + 100);
    }
  });
  for (let i = 0; i < 40; i++) q.push(i);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seen, [...Array.from({ length: 40 }, (_, i) => i), 100, 101, 102]);
});

test('flush delivers everything at once; past the limit events are shed and counted', () => {
  const seen: number[] = [];
  const q = new ObserverQueue<number>((batch) => seen.push(...batch), 100);
  for (let i = 0; i < 150; i++) q.push(i);
  assert.equal(q.shed, 50);
  assert.equal(q.waiting, 100);
  q.flush();
  assert.equal(seen.length, 100);
  assert.equal(q.waiting, 0);
});
