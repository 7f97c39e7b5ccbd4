/**
 * The control stream's backlog serialises events late (or never): what it gives back must be what serialising
 * every event at once gave, the newest entries in publishing order, byte for byte.
 */
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RelayEvent } from '../../src/core/addon.js';
import { EventBacklog } from '../../src/control/event-backlog.js';

let seed = 11;
const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor(seed / 65536) % n);

function message(i: number, textChars = 30): RelayEvent {
  const text = `[2,"${i}","DataTransfer",{"data":"${'é"\\'.repeat(Math.ceil(textChars / 3)).slice(0, textChars)}"}]`;
  return {
    type: 'message',
    message: {
      seq: i, sessionId: 's', identity: `CP-${i % 3}`, direction: 'to-csms', origin: 'wire', madeBy: undefined, version: '1.6',
      receivedAt: 1, sentAt: undefined, kind: 'CALL', messageId: String(i), action: 'DataTransfer', text, original: undefined,
      size: text.length, valid: i % 5 !== 0, issues: i % 5 === 0 ? [{ path: '/x', rule: 'type', message: 'x: must be string' }] : [],
      errorCode: undefined, malformed: undefined, dropped: undefined, ruleDelayMs: 0, modified: false, changedBy: [], ruleIds: [],
      latencyMs: undefined, callAction: undefined,
    },
  };
}
const notice = (i: number): RelayEvent => ({ type: 'notice', level: 'info', source: 'test', text: `notice ${i}` });

beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
afterEach(() => mock.timers.reset());

test('gives the newest entries in publishing order, byte for byte, whenever it is asked and whatever was serialised', () => {
  const backlog = new EventBacklog(200, 100);
  const model: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const r = rand(100);
    let event: RelayEvent;
    if (r < 5) event = notice(i);
    else if (r < 7) event = message(i, 5000 + rand(200_000)); // large frames: serialised at once
    else event = message(i, rand(300));
    const json = JSON.stringify(event);
    // A client attached and sent it: the backlog is handed the JSON made for it.
    if (r >= 90) backlog.push(event, json);
    else backlog.push(event);
    model.push(json);
    if (rand(50) === 0) mock.timers.tick(100); // some events age into the ring, some never do
    if (i % 1499 === 0 || i === 19_999) {
      const kept = backlog.last(200);
      assert.ok(kept.length > 0 && kept.length <= 200);
      assert.deepEqual(kept, model.slice(-kept.length), `at event ${i}`);
    }
  }
  backlog.close();
});

test('with small events it keeps exactly the newest maxEntries, asked for all or some', () => {
  const backlog = new EventBacklog(50, 100);
  const model: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const event = i % 7 === 0 ? notice(i) : message(i);
    backlog.push(event);
    model.push(JSON.stringify(event));
    if (i % 13 === 0) mock.timers.tick(100);
  }
  assert.deepEqual(backlog.last(50), model.slice(-50));
  assert.deepEqual(backlog.last(3), model.slice(-3));
  assert.deepEqual(backlog.last(500), model.slice(-50));
  backlog.close();
});

test('a record is serialised as it was when published, even if asked for long after', () => {
  const backlog = new EventBacklog(10, 100);
  const event = message(1);
  const json = JSON.stringify(event);
  backlog.push(event);
  mock.timers.tick(100);
  mock.timers.tick(100);
  assert.deepEqual(backlog.last(10), [json]);
  backlog.push(message(2));
  assert.deepEqual(backlog.last(10), [json, JSON.stringify(message(2))]);
  backlog.close();
});
