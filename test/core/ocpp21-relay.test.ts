/**
 * OCPP 2.1 through the real relay: subprotocol negotiation with strict ocpp-rpc peers, and the two message types
 * 2.1 adds (5 CALLRESULTERROR, 6 SEND) relayed byte for byte between raw ws peers (ocpp-rpc speaks neither), in
 * observe and enforce; on 1.6 and 2.0.1 connections they stay what they are there: not OCPP-J.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createValidationAddon } from '../../src/validation/validation-addon.js';
import { connectStation, startCsms, type RawStation } from '../support/ocpp-peers.js';
import { rawRelayRig, until } from '../support/raw-relay-rig.js';
import type { Recorder } from '../validation/relay-support.js';

const ts = '2026-01-01T10:00:00.000Z';

test('ocpp2.1 is negotiated like the others: the CSMS picks among what the station offered', async () => {
  const csms21 = await startCsms({ protocols: ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'] });
  const csms201 = await startCsms({ protocols: ['ocpp2.0.1'] });
  const relay21 = await startRelay({ upstream: csms21.url });
  const relay201 = await startRelay({ upstream: csms201.url });
  try {
    const offered = ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'];
    const a = await connectStation({ url: `${relay21.url}/ocpp`, identity: 'CP-21', protocols: offered });
    assert.equal(a.protocol, 'ocpp2.1');
    const s = relay21.sessions().find((x) => x.identity === 'CP-21')!;
    assert.equal(s.stationVersion, '2.1');
    assert.equal(s.csmsVersion, '2.1');
    // ocpp-rpc in strict mode validates 2.1 on both ends: a 2.1 CALL and its answer cross.
    const boot = await a.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M21', vendorName: 'V' } });
    assert.equal((boot as { status: string }).status, 'Accepted');
    await a.close({ force: true });

    const b = await connectStation({ url: `${relay201.url}/ocpp`, identity: 'CP-201', protocols: offered });
    assert.equal(b.protocol, 'ocpp2.0.1', 'a 2.0.1-only CSMS picks 2.0.1 from the same offer');
    assert.equal(relay201.sessions().find((x) => x.identity === 'CP-201')!.stationVersion, '2.0.1');
    await b.close({ force: true });
  } finally {
    await relay21.close();
    await relay201.close();
    await csms21.close();
    await csms201.close();
  }
});

/** A raw 2.1 CSMS and a raw 2.1 station through a relay with validation in `mode`. */
async function rawPair(mode: 'observe' | 'enforce', protocol = 'ocpp2.1') {
  const rig = await rawRelayRig({
    protocol,
    identity: 'CP-RAW',
    answer: () => undefined,
    addons: [createValidationAddon({ mode })],
    relay: { malformed: mode === 'enforce' ? 'refuse' : 'forward' },
  });
  const { csms, station } = rig;
  await until(() => csms.sockets.length > 0, 'the relay at the CSMS');
  const csmsSocket = csms.sockets[0]!;
  const csmsGot: string[] = [];
  csmsSocket.on('message', (d) => csmsGot.push(d.toString()));
  const nextAtCsms = async (): Promise<string> => {
    await until(() => csmsGot.length > 0, 'a frame at the CSMS');
    return csmsGot.shift()!;
  };
  const nextAtStation = async (): Promise<string> => {
    const m = await station.next();
    return typeof m === 'string' ? m : JSON.stringify(m);
  };
  const rawAtStation = async (): Promise<string> => {
    await station.next(); // wait for one, then read the exact text it was
    return lastStationText(station);
  };
  return { ...rig, csmsSocket, nextAtCsms, nextAtStation, rawAtStation };
}

// RawStation keeps only parsed values once read; keep the texts by listening beside it.
const texts = new WeakMap<RawStation, string[]>();
function lastStationText(s: RawStation): string {
  return texts.get(s)!.shift()!;
}
function keepTexts(s: RawStation): void {
  const list: string[] = [];
  texts.set(s, list);
  s.ws.on('message', (d) => list.push(d.toString()));
}

for (const mode of ['observe', 'enforce'] as const) {
  test(`2.1 ${mode}: CALL, CALLRESULT, CALLERROR, CALLRESULTERROR and SEND cross byte for byte, both ways`, async () => {
    const p = await rawPair(mode);
    keepTexts(p.station);
    try {
      // Odd spacing and key order on purpose: the relay must not re-encode what it forwards.
      const up = [
        `[2,"c1","BootNotification",{ "chargingStation":{"vendorName":"V","model":"M"},"reason":"PowerUp"}]`,
        `[6, "s1", "NotifyPeriodicEventStream", {"id":1,"pending":0,"basetime":"${ts}","data":[{"t":0.5,"v":"230.1"}]}]`,
        `[2,"c2","Heartbeat",{}]`,
      ];
      p.station.send(up[0]!);
      assert.equal(await p.nextAtCsms(), up[0]);
      const res = `[3,"c1",{"status":"Accepted","currentTime":"${ts}","interval":300}]`;
      p.csmsSocket.send(res);
      assert.equal(await p.rawAtStation(), res);
      // The station refuses that CALLRESULT: type 5 carries the id of the CALLRESULT (= its CALL's).
      const cre = `[5,"c1","FormatViolation","interval looks wrong",{"hint":"test"}]`;
      p.station.send(cre);
      assert.equal(await p.nextAtCsms(), cre);
      // A SEND, then a CALL right after: the SEND is no outstanding CALL and blocks nothing.
      p.station.send(up[1]!);
      p.station.send(up[2]!);
      assert.equal(await p.nextAtCsms(), up[1]);
      assert.equal(await p.nextAtCsms(), up[2]);
      const session = p.relay.sessions()[0]!;
      assert.equal(session.pending('to-csms').size, 1, 'only the Heartbeat waits; the SEND never does');
      assert.equal(session.pending('to-csms').has('s1'), false);
      const hb = `[3,"c2",{"currentTime":"${ts}"}]`;
      p.csmsSocket.send(hb);
      assert.equal(await p.rawAtStation(), hb);

      // The other way: a CSMS CALL answered by a CALLERROR, a CSMS SEND.
      const down = `[2,"d1","GetBaseReport",{"requestId":7,"reportBase":"FullInventory"}]`;
      p.csmsSocket.send(down);
      assert.equal(await p.rawAtStation(), down);
      const err = `[4,"d1","NotSupported","no reports here",{}]`;
      p.station.send(err);
      assert.equal(await p.nextAtCsms(), err);
      const send = `[6,"d2","NotifyPeriodicEventStream",{"id":2,"pending":3,"basetime":"${ts}","data":[{"t":1,"v":"1"}]}]`;
      p.csmsSocket.send(send);
      assert.equal(await p.rawAtStation(), send);
      assert.equal(session.pending('to-station').size, 0);

      // Recorded with their own kinds; the CALLRESULTERROR correlated to the CALL/CALLRESULT pair it refuses.
      const r = await p.rec.waitFor((m) => m.messageId === 'd2');
      assert.equal(r.kind, 'SEND');
      assert.equal(r.action, 'NotifyPeriodicEventStream');
      assert.equal(r.latencyMs, undefined, 'a SEND is never timed');
      assert.equal(r.valid, true, 'checked against 2.1 NotifyPeriodicEventStream.json');
      assert.equal(r.version, '2.1');
      const refusal = p.rec.messages.find((m) => m.kind === 'CALLRESULTERROR')!;
      assert.equal(refusal.messageId, 'c1');
      assert.equal(refusal.callAction, 'BootNotification');
      assert.equal(refusal.action, 'BootNotification');
      assert.equal(refusal.latencyMs, undefined, 'it refuses an answer already timed');
      assert.equal(refusal.valid, true);
      const result = p.rec.messages.find((m) => m.messageId === 'c1' && m.kind === 'CALLRESULT')!;
      assert.ok(result.latencyMs !== undefined, 'the CALLRESULT itself is timed as usual');
      assert.ok(p.rec.messages.every((m) => m.valid && !m.dropped), JSON.stringify(p.rec.messages.filter((m) => !m.valid).map((m) => m.issues)));
    } finally {
      await p.close();
    }
  });
}

for (const [protocol, code] of [['ocpp2.0.1', 'MessageTypeNotSupported'], ['ocpp1.6', 'GenericError']] as const) {
  test(`${protocol}: types 5 and 6 stay unknown message types (forwarded in observe, answered in enforce)`, async () => {
    const observe = await rawPair('observe', protocol);
    try {
      const send = `[6,"s1","NotifyPeriodicEventStream",{"id":1,"pending":0,"basetime":"${ts}","data":[]}]`;
      observe.station.send(send);
      assert.equal(await observe.nextAtCsms(), send);
      const rec = await observe.rec.waitFor((m) => m.messageId === 's1');
      assert.equal(rec.kind, 'MALFORMED');
      assert.equal(rec.malformed?.reason, 'unknown-message-type');
    } finally {
      await observe.close();
    }
    const enforce = await rawPair('enforce', protocol);
    try {
      enforce.station.send(`[5,"x1","FormatViolation","",{}]`);
      const answer = JSON.parse(await enforce.nextAtStation());
      assert.deepEqual(answer.slice(0, 3), [4, 'x1', code]);
      assert.match(answer[3], /none of 2 \(CALL\), 3 \(CALLRESULT\), 4 \(CALLERROR\)$/);
    } finally {
      await enforce.close();
    }
  });
}

test('2.1 enforce: a malformed SEND or CALLRESULTERROR is refused but never answered (neither ever is)', async () => {
  const p = await rawPair('enforce');
  try {
    p.station.send(`[6,"s1","NotifyPeriodicEventStream"]`);
    p.station.send(`[5,"s2","FormatViolation"]`);
    p.station.send(`[2,"c3","Heartbeat",{}]`);
    // The Heartbeat arrives; nothing came back for the two broken frames.
    assert.equal(await p.nextAtCsms(), `[2,"c3","Heartbeat",{}]`);
    const bad = await p.rec.waitFor((m) => m.messageId === 's2');
    assert.equal(bad.kind, 'MALFORMED');
    assert.ok(bad.dropped);
    assert.equal(p.station.messages.length, 0);
  } finally {
    await p.close();
  }
});

export type { Relay, Recorder };
