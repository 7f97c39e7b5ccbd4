import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PendingCalls } from '../../src/core/pending-calls.js';
import type { PendingCall } from '../../src/core/types.js';

const call = (id: string, action = 'Heartbeat'): PendingCall => ({
  id,
  action,
  direction: 'to-csms',
  origin: 'wire',
  receivedMono: 0,
  sentMono: 0,
  ruleDelayMs: 0,
  payload: {},
  onAnswer: undefined,
});

test('one CALL at a time: added, found, taken once', () => {
  const p = new PendingCalls(10);
  p.add(call('a'));
  assert.equal(p.size, 1);
  assert.equal(p.has('a'), true);
  assert.equal(p.get('a')?.action, 'Heartbeat');
  assert.equal(p.take('a')?.id, 'a');
  assert.equal(p.take('a'), undefined);
  assert.equal(p.size, 0);
  assert.equal(p.has('a'), false);
});

test('several CALLs waiting: each is found and taken by id, in any order', () => {
  const p = new PendingCalls(10);
  for (const id of ['a', 'b', 'c', 'd']) p.add(call(id, `Action-${id}`));
  assert.equal(p.size, 4);
  assert.equal(p.take('c')?.action, 'Action-c');
  assert.equal(p.take('a')?.action, 'Action-a');
  assert.equal(p.size, 2);
  p.add(call('e'));
  assert.deepEqual(['b', 'd', 'e'].map((id) => p.has(id)), [true, true, true]);
  assert.equal(p.has('a'), false);
  for (const id of ['d', 'b', 'e']) assert.equal(p.take(id)?.id, id);
  assert.equal(p.size, 0);
});

test('a duplicate id keeps the first copy (its timing is the one measured)', () => {
  const p = new PendingCalls(10);
  p.add({ ...call('a'), sentMono: 1 });
  p.add({ ...call('a'), sentMono: 2 });
  p.add(call('b'));
  p.add({ ...call('b'), sentMono: 9 });
  assert.equal(p.size, 2);
  assert.equal(p.get('a')?.sentMono, 1);
  assert.equal(p.get('b')?.sentMono, 0);
});

test('at the limit the oldest CALL is forgotten, whichever slot holds it', () => {
  const p = new PendingCalls(3);
  for (const id of ['a', 'b', 'c', 'd']) p.add(call(id));
  assert.equal(p.size, 3);
  assert.equal(p.has('a'), false, 'the oldest goes first');
  // With the first one answered, the oldest left sits among the rest.
  p.take('b');
  p.add(call('e'));
  p.add(call('f'));
  assert.equal(p.size, 3);
  assert.equal(p.has('c'), false);
  assert.deepEqual(['d', 'e', 'f'].map((id) => p.has(id)), [true, true, true]);
});
