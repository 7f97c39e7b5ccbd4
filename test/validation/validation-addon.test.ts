import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Addon } from '../../src/core/addon.js';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createValidationAddon, type ValidationMode } from '../../src/validation/validation-addon.js';
import { createValidator } from '../../src/validation/validator.js';
import { connectRawStation, connectStation, startCsms, type RawStation } from '../support/ocpp-peers.js';
import { recorder, startRawCsms, type Recorder } from './relay-support.js';

const validator = createValidator({ lazy: true });

async function relayWith(upstream: string, mode: ValidationMode, extra: Addon[] = []): Promise<{ relay: Relay; rec: Recorder }> {
  const rec = recorder();
  const relay = await startRelay({ upstream, addons: [createValidationAddon({ mode, validator }), ...extra, rec] });
  return { relay, rec };
}

/** Texts the ocpp-rpc CSMS read from the station `identity`. */
async function inboundOf(csms: Awaited<ReturnType<typeof startCsms>>, identity: string): Promise<string[]> {
  const client = await csms.waitForClient(identity);
  const inbound: string[] = [];
  client.on('message', ({ message, outbound }: { message: unknown; outbound: boolean }) => {
    if (!outbound) inbound.push(String(message));
  });
  return inbound;
}

async function call(station: RawStation, frame: unknown[]): Promise<any[]> {
  station.send(JSON.stringify(frame));
  const answer = await station.next();
  assert.equal(answer[1], frame[1], 'the answer carries the id of the CALL');
  return answer;
}

for (const version of ['1.6', '2.0.1'] as const) {
  const protocol = version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1';
  const invalid =
    version === '1.6'
      ? { action: 'Authorize', payload: {}, message: '/idTag: required field missing (required)', code: 'OccurenceConstraintViolation' }
      : {
          action: 'BootNotification',
          payload: { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V'.repeat(51) } },
          message: '/chargingStation/vendorName: longer than 50 characters (maxLength)',
          code: 'PropertyConstraintViolation',
        };
  const valid = version === '1.6' ? { action: 'Heartbeat', payload: {} } : { action: 'Heartbeat', payload: {} };

  test(`${version} observe: an invalid CALL is forwarded and flagged`, async () => {
    const csms = await startCsms({ protocols: [protocol] });
    const { relay, rec } = await relayWith(csms.url, 'observe');
    const identity = `CP-OBS-${version}`;
    const station = await connectRawStation(`${relay.url}/ocpp/${identity}`, [protocol]);
    const inbound = await inboundOf(csms, identity);
    try {
      const answer = await call(station, [2, 'obs-1', invalid.action, invalid.payload]);
      // The CSMS got the frame and answered it itself (strict ocpp-rpc refuses it with its own CALLERROR).
      assert.equal(answer[0], 4);
      assert.ok(inbound.some((t) => t.includes('"obs-1"')), 'the CSMS read the invalid frame');
      const rec1 = await rec.waitFor((m) => m.messageId === 'obs-1' && m.kind === 'CALL');
      assert.equal(rec1.valid, false);
      assert.equal(rec1.dropped, undefined);
      assert.equal(rec1.errorCode, invalid.code);
      assert.equal(rec1.issues[0]?.message, invalid.message);
      const theirs = await rec.waitFor((m) => m.messageId === 'obs-1' && m.kind === 'CALLERROR');
      assert.equal(theirs.origin, 'wire', 'the CALLERROR came from the CSMS, not the proxy');

      const ok = await call(station, [2, 'obs-2', valid.action, valid.payload]);
      assert.equal(ok[0], 3);
      const rec2 = await rec.waitFor((m) => m.messageId === 'obs-2' && m.kind === 'CALLRESULT');
      assert.equal(rec2.valid, true);
      assert.deepEqual(rec2.issues, []);
    } finally {
      station.close();
      await relay.close();
      await csms.close();
    }
  });

  test(`${version} enforce: an invalid CALL is answered with CALLERROR and never reaches the CSMS`, async () => {
    const csms = await startCsms({ protocols: [protocol] });
    const { relay, rec } = await relayWith(csms.url, 'enforce');
    const identity = `CP-ENF-${version}`;
    const station = await connectRawStation(`${relay.url}/ocpp/${identity}`, [protocol]);
    const inbound = await inboundOf(csms, identity);
    try {
      const [type, , code, description, details] = await call(station, [2, 'enf-1', invalid.action, invalid.payload]);
      assert.equal(type, 4);
      assert.equal(code, invalid.code);
      assert.equal(description, `ocpp-mitm refused the ${invalid.action} request: ${invalid.message}`);
      assert.deepEqual(details.issues, [invalid.message]);

      const [, , unknownCode] = await call(station, [2, 'enf-2', 'Teleport', {}]);
      assert.equal(unknownCode, 'NotImplemented');

      // The session goes on: a valid CALL passes.
      const ok = await call(station, [2, 'enf-3', valid.action, valid.payload]);
      assert.equal(ok[0], 3);
      assert.ok(inbound.some((t) => t.includes('"enf-3"')));
      assert.equal(inbound.filter((t) => t.includes('"enf-1"') || t.includes('"enf-2"')).length, 0, 'the CSMS never saw the refused frames');

      const refused = await rec.waitFor((m) => m.messageId === 'enf-1' && m.kind === 'CALL');
      assert.equal(refused.dropped?.by, 'validation');
      assert.equal(refused.valid, false);
      const ours = await rec.waitFor((m) => m.messageId === 'enf-1' && m.kind === 'CALLERROR');
      assert.deepEqual([ours.origin, ours.madeBy, ours.direction, ours.valid], ['proxy', 'validation', 'to-station', true]);
    } finally {
      station.close();
      await relay.close();
      await csms.close();
    }
  });
}

test('2.0.1 enforce: a missing field is answered in the 2.0.1 spelling', async () => {
  const csms = await startCsms({ protocols: ['ocpp2.0.1'] });
  const { relay } = await relayWith(csms.url, 'enforce');
  const station = await connectRawStation(`${relay.url}/ocpp/CP-SPELL`, ['ocpp2.0.1']);
  try {
    const [, , code] = await call(station, [2, 's-1', 'BootNotification', { chargingStation: { model: 'M', vendorName: 'V' } }]);
    assert.equal(code, 'OccurrenceConstraintViolation');
    const [type, , body] = await call(station, [2, 's-2', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]);
    assert.deepEqual([type, body.status], [3, 'Accepted']);
  } finally {
    station.close();
    await relay.close();
    await csms.close();
  }
});

test('enforce: an invalid CALLRESULT is replaced by a CALLERROR to the caller; unmatched answers pass flagged', async () => {
  const csms = await startRawCsms('ocpp1.6', ([, id]) => JSON.stringify([3, id, { currentTime: 'yesterday' }]));
  const { relay, rec } = await relayWith(csms.url, 'enforce');
  // A strict ocpp-rpc station: it would refuse the bad answer itself, so it must never see it.
  const station = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-RES' });
  try {
    await assert.rejects(station.call('Heartbeat', {}), (err: { rpcErrorCode?: string; message: string }) => {
      assert.equal(err.rpcErrorCode, 'PropertyConstraintViolation');
      assert.match(err.message, /ocpp-mitm refused the answer to Heartbeat: \/currentTime: "yesterday" is not a valid date-time \(format\)/);
      return true;
    });
    const bad = await rec.waitFor((m) => m.kind === 'CALLRESULT' && m.direction === 'to-station');
    assert.equal(bad.dropped?.by, 'validation');
    assert.equal(bad.callAction, 'Heartbeat');
    const replacement = await rec.waitFor((m) => m.kind === 'CALLERROR' && m.messageId === bad.messageId);
    assert.deepEqual([replacement.origin, replacement.direction], ['proxy', 'to-station']);
  } finally {
    await station.close();
  }
  // An answer to nothing: nobody waits for it, it is forwarded and flagged.
  const raw = await connectRawStation(`${relay.url}/ocpp/CP-UNMATCHED`, ['ocpp1.6']);
  try {
    raw.send(JSON.stringify([3, 'nobody-asked', {}]));
    const unmatched = await rec.waitFor((m) => m.messageId === 'nobody-asked');
    assert.equal(unmatched.dropped, undefined);
    assert.equal(unmatched.valid, false);
    assert.equal(unmatched.issues[0]?.rule, 'unmatched');
    await waitUntil(() => csms.received.some((t) => t.includes('nobody-asked')));
  } finally {
    raw.close();
    await relay.close();
    await csms.close();
  }
});

test('enforce: an invalid CALL from the CSMS is answered to the CSMS, the station never sees it', async () => {
  const csms = await startRawCsms('ocpp1.6', () => undefined);
  const { relay, rec } = await relayWith(csms.url, 'enforce');
  const stationReceived: string[] = [];
  const station = await connectStation({
    url: `${relay.url}/ocpp`,
    identity: 'CP-DOWN',
    handlers: { RemoteStartTransaction: (p) => (stationReceived.push(JSON.stringify(p)), { status: 'Accepted' }) },
  });
  try {
    await waitUntil(() => csms.sockets.length === 1);
    const ws = csms.sockets[0]!;
    ws.send(JSON.stringify([2, 'rs-1', 'RemoteStartTransaction', { connectorId: 1 }]));
    ws.send(JSON.stringify([2, 'rs-2', 'RemoteStartTransaction', { connectorId: 1, idTag: 'TAG' }]));
    await waitUntil(() => csms.received.length === 2);
    const [refusal, answer] = csms.received.map((t) => JSON.parse(t));
    assert.deepEqual(refusal.slice(0, 3), [4, 'rs-1', 'OccurenceConstraintViolation']);
    assert.equal(refusal[3], 'ocpp-mitm refused the RemoteStartTransaction request: /idTag: required field missing (required)');
    assert.deepEqual(answer, [3, 'rs-2', { status: 'Accepted' }]);
    assert.deepEqual(stationReceived, ['{"connectorId":1,"idTag":"TAG"}'], 'the station only saw the valid CALL');
    const dropped = await rec.waitFor((m) => m.messageId === 'rs-1' && m.kind === 'CALL');
    assert.deepEqual([dropped.direction, dropped.dropped?.by], ['to-station', 'validation']);
  } finally {
    await station.close();
    await relay.close();
    await csms.close();
  }
});

test('observe: an invalid CALLRESULT reaches the caller, flagged', async () => {
  const csms = await startRawCsms('ocpp2.0.1', ([, id]) => JSON.stringify([3, id, { currentTime: '2026-01-01T00:00:00Z', status: 'Acceptd', interval: 60 }]));
  const { relay, rec } = await relayWith(csms.url, 'observe');
  const station = await connectRawStation(`${relay.url}/ocpp/CP-OBSRES`, ['ocpp2.0.1']);
  try {
    const [type, , payload] = await call(station, [2, 'b-1', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]);
    assert.deepEqual([type, payload.status], [3, 'Acceptd']);
    const r = await rec.waitFor((m) => m.kind === 'CALLRESULT' && m.messageId === 'b-1');
    assert.equal(r.valid, false);
    assert.equal(r.errorCode, 'PropertyConstraintViolation');
    assert.match(r.issues[0]!.message, /^\/status: "Acceptd" is not one of Accepted, Pending, Rejected \(enum\)$/);
  } finally {
    station.close();
    await relay.close();
    await csms.close();
  }
});

test('frames the proxy changed are checked as sent, in the receiver version', async () => {
  const csms = await startRawCsms('ocpp1.6', ([, id]) => JSON.stringify([3, id, { currentTime: '2026-01-01T00:00:00Z' }]));
  // A stand-in for a fault-injection rule: it breaks Heartbeat on purpose, and garbles DataTransfer.
  const breaker: Addon = {
    name: 'test-breaker',
    message(msg) {
      if (msg.frame?.type === 2 && msg.frame.action === 'Heartbeat') msg.replace({ ...msg.frame, payload: { bogus: 1 } }, 'test-breaker');
      if (msg.frame?.type === 2 && msg.frame.action === 'DataTransfer') msg.replaceText('[2,"garbled"', 'test-breaker');
    },
  };
  const { relay, rec } = await relayWith(csms.url, 'observe', [breaker]);
  const station = await connectRawStation(`${relay.url}/ocpp/CP-OUT`, ['ocpp1.6']);
  try {
    await call(station, [2, 'h-1', 'Heartbeat', {}]);
    const r = await rec.waitFor((m) => m.messageId === 'h-1' && m.kind === 'CALL');
    assert.equal(r.modified, true);
    assert.equal(r.valid, false);
    assert.deepEqual(r.issues.map((i) => i.message), ['/bogus: field not defined for this message (additionalProperties)']);
    assert.equal(r.errorCode, 'FormationViolation');
    assert.ok(csms.received.includes('[2,"h-1","Heartbeat",{"bogus":1}]'), 'flag only: the changed frame is still sent');

    station.send(JSON.stringify([2, 'd-1', 'DataTransfer', { vendorId: 'com.example' }]));
    const g = await rec.waitFor((m) => m.messageId === 'd-1' && m.kind === 'CALL');
    assert.equal(g.issues[0]?.rule, 'malformed');
    assert.equal(g.valid, false);
  } finally {
    station.close();
    await relay.close();
    await csms.close();
  }
});

test('on a translating session, a translated answer is checked against the action its receiver sent', async () => {
  const csms = await startRawCsms('ocpp2.0.1', ([, id]) => JSON.stringify([3, id, {}]));
  // A stand-in for the translator: a 1.6 station, a 2.0.1 CSMS, StartTransaction ↔ TransactionEvent.
  const translator: Addon = {
    name: 'test-translator',
    connecting(ctx) {
      ctx.upstreamProtocols = ['ocpp2.0.1'];
      ctx.stationProtocol = 'ocpp1.6';
    },
    message(msg) {
      const f = msg.frame;
      if (f?.type === 2 && f.action === 'StartTransaction') {
        const payload = { eventType: 'Started', timestamp: '2026-01-01T00:00:00Z', triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'tx-1' } };
        msg.replace({ type: 2, id: f.id, action: 'TransactionEvent', payload }, 'test-translator');
      }
      if (f?.type === 3 && msg.action === 'TransactionEvent') {
        const payload = f.id === 'st-1' ? { transactionId: 1, idTagInfo: { status: 'Accepted' } } : { idTagInfo: { status: 'Accepted' } };
        msg.replace({ type: 3, id: f.id, payload }, 'test-translator');
      }
    },
  };
  const rec = recorder();
  // Pipeline order as in src/features.ts: validation reads frames before translation changes them.
  const relay = await startRelay({ upstream: csms.url, addons: [createValidationAddon({ mode: 'observe', validator }), translator, rec] });
  const station = await connectRawStation(`${relay.url}/ocpp/CP-TR`, ['ocpp1.6']);
  try {
    const start = { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: '2026-01-01T00:00:00Z' };
    const [type, , body] = await call(station, [2, 'st-1', 'StartTransaction', start]);
    assert.deepEqual([type, body.transactionId], [3, 1]);
    const ok = await rec.waitFor((m) => m.messageId === 'st-1' && m.kind === 'CALLRESULT');
    assert.equal(ok.action, 'TransactionEvent', 'the relay knows the answer by its 2.0.1 action');
    assert.deepEqual(ok.issues, [], 'checked as a 1.6 StartTransaction answer, not as an unknown 1.6 action');
    assert.equal(ok.valid, true);

    await call(station, [2, 'st-2', 'StartTransaction', start]);
    const bad = await rec.waitFor((m) => m.messageId === 'st-2' && m.kind === 'CALLRESULT');
    assert.deepEqual(bad.issues.map((i) => i.message), ['/transactionId: required field missing (required)']);
  } finally {
    station.close();
    await relay.close();
    await csms.close();
  }
});

test('a leg without an OCPP subprotocol is not checked, and says so once', async () => {
  const csms = await startRawCsms('chat', () => undefined);
  const { relay, rec } = await relayWith(csms.url, 'enforce');
  const station = await connectRawStation(`${relay.url}/ocpp/CP-CHAT`, ['chat']);
  try {
    station.send(JSON.stringify([2, 'c-1', 'Authorize', {}]));
    station.send(JSON.stringify([2, 'c-2', 'Authorize', {}]));
    const r = await rec.waitFor((m) => m.messageId === 'c-2');
    assert.equal(r.valid, true);
    assert.equal(r.dropped, undefined, 'not refused: its version is unknown');
    assert.equal(r.issues[0]?.rule, 'not-checked');
    await waitUntil(() => csms.received.length === 2);
    assert.equal(rec.notices.filter((n) => n.source === 'validation').length, 1);
  } finally {
    station.close();
    await relay.close();
    await csms.close();
  }
});

test('the control API reports the counts', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const { relay } = await relayWith(csms.url, 'enforce');
  const station = await connectRawStation(`${relay.url}/ocpp/CP-COUNT`, ['ocpp1.6']);
  try {
    await call(station, [2, 'k-1', 'Authorize', {}]);
    await call(station, [2, 'k-2', 'Heartbeat', {}]);
    const route = relay.control.match('GET', '/api/validation');
    assert.ok(route, 'GET /api/validation is registered');
    const body = (await route.handler({ method: 'GET', params: {}, query: new URLSearchParams(), body: undefined, headers: {} })) as any;
    assert.equal(body.mode, 'enforce');
    assert.equal(body.schemas['2.0.1'].actions, 64);
    // k-1 refused; k-2 and its answer checked and valid.
    assert.deepEqual([body.counts.checked, body.counts.invalid, body.counts.refused], [3, 1, 1]);
    assert.deepEqual(body.counts.byCode, { OccurenceConstraintViolation: 1 });
  } finally {
    station.close();
    await relay.close();
    await csms.close();
  }
});

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
