/** What addons do to sessions: answer in a peer's name, inject CALLs whose answers are swallowed, delay. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { startRelay } from '../../src/core/relay.js';
import { opposite, type OcppFrame } from '../../src/core/types.js';
import { connectRawStation, connectStation, startCsms } from '../support/ocpp-peers.js';

const settle = () => new Promise((r) => setTimeout(r, 30));

test('an addon answers a CALL in the CSMS’s name and injects a CALL whose answer is swallowed', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const records: MessageRecord[] = [];
  const swallowed: OcppFrame[] = [];
  const answering: Addon = {
    name: 'answering',
    message(msg, session) {
      if (msg.frame?.type === 2 && msg.frame.action === 'Heartbeat') {
        session.inject(opposite(msg.direction), { type: 3, id: msg.frame.id, payload: { currentTime: '2026-01-01T00:00:00Z' } }, { origin: 'rule', by: 'test-rule', action: 'Heartbeat' });
        msg.drop('test-rule', 'answered in the CSMS’s name');
        session.inject('to-station', { type: 2, id: 'inj-1', action: 'ClearCache', payload: {} }, { origin: 'rule', by: 'test-rule', onAnswer: (a) => swallowed.push(a) });
      }
    },
  };
  const relay = await startRelay({ upstream: csms.url, addons: [answering, { name: 'rec', observe: (e: RelayEvent) => e.type === 'message' && records.push(e.message) }] });
  let clearCacheCalls = 0;
  const station = await connectStation({ url: `${relay.url}/ocpp`, identity: 'INJ-1', handlers: { ClearCache: () => (clearCacheCalls++, { status: 'Accepted' }) } });
  const beat: any = await station.call('Heartbeat', {});
  assert.equal(beat.currentTime, '2026-01-01T00:00:00Z');
  await settle();
  assert.equal(csms.received.length, 0, 'the CSMS never saw the Heartbeat');
  assert.equal(clearCacheCalls, 1);
  assert.deepEqual(swallowed, [{ type: 3, id: 'inj-1', payload: { status: 'Accepted' } }]);
  const answer = records.find((r) => r.kind === 'CALLRESULT' && r.origin === 'rule' && r.direction === 'to-station');
  assert.equal(answer?.action, 'Heartbeat', 'the injected answer records the action it answers');
  assert.equal(answer?.madeBy, 'test-rule');
  const stationAnswer = records.find((r) => r.messageId === 'inj-1' && r.kind === 'CALLRESULT');
  assert.equal(stationAnswer?.dropped?.by, 'rule', 'the answer to the injected CALL is kept from the CSMS');
  assert.equal(stationAnswer?.action, 'ClearCache');
  await station.close();
  await relay.close();
  await csms.close();
});

test('a CALL written twice under one id is timed from its first copy; a delay holds only its frame', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const records: MessageRecord[] = [];
  const duplicating: Addon = {
    name: 'dup',
    message(msg, session) {
      if (msg.origin === 'wire' && msg.frame?.type === 2 && msg.frame.action === 'Authorize') {
        session.inject('to-csms', msg.frame, { origin: 'rule', by: 'dup', delayMs: 150 });
      }
      if (msg.frame?.type === 2 && msg.frame.action === 'StatusNotification') msg.delay(300, 'slow-status');
    },
  };
  const relay = await startRelay({ upstream: csms.url, addons: [duplicating, { name: 'rec', observe: (e: RelayEvent) => e.type === 'message' && records.push(e.message) }] });
  const station = await connectStation({ url: `${relay.url}/ocpp`, identity: 'DUP-1' });
  await station.call('Authorize', { idTag: 'A' });
  await new Promise((r) => setTimeout(r, 250));
  const answers = records.filter((r) => r.kind === 'CALLRESULT' && r.direction === 'to-station' && r.action === 'Authorize');
  assert.equal(answers.length, 2, 'both copies were answered');
  const first = answers[0]!;
  const originalCall = records.find((r) => r.kind === 'CALL' && r.origin === 'wire' && r.action === 'Authorize')!;
  // Matched to the first copy: its latency runs from that copy's write, so it cannot include the 150 ms.
  assert.ok(first.latencyMs! < 150, `latency ${first.latencyMs} is measured from the first copy`);
  assert.ok(first.receivedAt >= originalCall.sentAt!);

  // ocpp-rpc sends one CALL at a time: a raw station sends both back to back.
  const raw = await connectRawStation(`${relay.url}/ocpp/DUP-2`);
  raw.send(JSON.stringify([2, 's1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }]));
  raw.send(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
  assert.deepEqual((await raw.next()).slice(0, 2), [3, 'h1'], 'the Heartbeat passed the delayed StatusNotification');
  assert.deepEqual((await raw.next()).slice(0, 2), [3, 's1']);
  await settle();
  const delayed = records.find((r) => r.action === 'StatusNotification' && r.kind === 'CALL')!;
  assert.equal(delayed.ruleDelayMs, 300);
  // libuv timers may fire up to a millisecond early against performance.now().
  assert.ok(delayed.sentAt! - delayed.receivedAt >= 299_000, 'held about 300 ms (µs clock)');
  raw.close();
  await station.close();
  await relay.close();
  await csms.close();
});
