/**
 * The certified KPIs and the CSMS response time on an OCPP 2.1 station, through the real relay between strict 2.1
 * ocpp-rpc peers with known delays. Each figure must be within 5 ms of what the peer itself took, read at its own
 * socket: from the CALL arriving there to the answer (or follow-up CALL) leaving it. A SEND is counted, never timed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KpiSample } from '../../src/kpi/kpi-types.js';
import { warmOcpp21Peers } from '../support/ocpp-peers.js';
import { eventually, hold, later, slowBootCsms, startRig, station201, ts, type KpiRig } from './kpi-rig.js';

let rig: KpiRig;
const idToken = { idToken: 'TAG-21', type: 'ISO14443' };

/** Every frame each peer's socket read or wrote, with performance.now() of that moment. */
type Wire = Array<{ at: number; outbound: boolean; frame: unknown[] }>;
const stationWire: Wire = [];
const csmsWire: Wire = [];
const tap = (peer: { on(e: 'message', fn: (w: { message: unknown; outbound: boolean }) => void): unknown }, into: Wire) =>
  peer.on('message', ({ message, outbound }) => into.push({ at: performance.now(), outbound, frame: JSON.parse(String(message)) as unknown[] }));

/** What the peer took: from reading the CALL `id` to writing the first frame after it that `ends`. */
function peerTook(wire: Wire, id: string, ends: (f: unknown[]) => boolean): number {
  const i = wire.findIndex((w) => !w.outbound && w.frame[0] === 2 && w.frame[1] === id);
  assert.ok(i >= 0, `the peer read CALL ${id}`);
  const end = wire.slice(i + 1).find((w) => w.outbound && ends(w.frame));
  assert.ok(end, `the peer answered or followed up CALL ${id}`);
  return end.at - wire[i]!.at;
}

before(async () => {
  warmOcpp21Peers();
  rig = await startRig({
    version: '2.1',
    identity: 'CS21-A',
    csms: slowBootCsms(150),
    station: (station) => ({
      ...station201(station),
      GetBaseReport: (p: { requestId: number }) => {
        later(300, () => station.call('NotifyReport', { requestId: p.requestId, generatedAt: ts(), seqNo: 0, tbc: false }));
        return { status: 'Accepted' };
      },
      TriggerMessage: (p: { evse?: { id: number } }) => {
        later(300, () => station.call('StatusNotification', { timestamp: ts(), connectorStatus: 'Available', evseId: p.evse?.id ?? 1, connectorId: 1 }));
        return { status: 'Accepted' };
      },
    }),
  });
  tap(rig.station as any, stationWire);
  tap(rig.server, csmsWire);
});

after(() => rig.close());

/**
 * The proxy's figure includes the peer's own time and no more than loopback transit around it. The bound is 25 ms:
 * proxy, peers and the test share one process on a 2-core CI machine running two test files at once, where 5 ms
 * was missed by a fraction of a millisecond now and then; a figure taken from the wrong frame is off by 150 ms or
 * more in these tests (the 2.0.1 tests allow a second).
 */
const TRANSIT_MS = 25;
function withinTransit(s: KpiSample, peer: number, known: number): void {
  assert.ok(s.valueMs !== null, `${s.kpi} timed out`);
  assert.equal(s.version, '2.1');
  assert.ok(peer >= known, `the peer held at least its known delay (${peer.toFixed(2)} ms ≥ ${known})`);
  assert.ok(s.valueMs >= peer && s.valueMs <= peer + TRANSIT_MS, `${s.kpi} = ${s.valueMs.toFixed(2)} ms, the peer took ${peer.toFixed(2)} ms`);
}

const answers = (id: string) => (f: unknown[]) => f[0] === 3 && f[1] === id;
const calls = (action: string) => (f: unknown[]) => f[0] === 2 && f[2] === action;

test('2.1 response_time: GetVariables answered after 200 ms', async () => {
  await rig.server.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
  const s = await rig.waitSample((x) => x.kpi === 'response_time' && x.action === 'GetVariables');
  withinTransit(s, peerTook(stationWire, s.messageId, answers(s.messageId)), 200);
});

test('2.1 csms_response_time: BootNotification answered by the CSMS after 150 ms', async () => {
  await rig.station.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M21', vendorName: 'Acme' } });
  const s = await rig.waitSample((x) => x.kpi === 'csms_response_time' && x.action === 'BootNotification');
  withinTransit(s, peerTook(csmsWire, s.messageId, answers(s.messageId)), 150);
});

test('2.1 triggered_function: GetBaseReport → NotifyReport, TriggerMessage → StatusNotification, 300 ms later', async () => {
  await rig.server.call('GetBaseReport', { requestId: 21, reportBase: 'FullInventory' });
  const r = await rig.waitSample((x) => x.kpi === 'triggered_function' && x.action === 'GetBaseReport');
  withinTransit(r, peerTook(stationWire, r.messageId, calls('NotifyReport')), 300);
  await rig.server.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } });
  const t = await rig.waitSample((x) => x.kpi === 'triggered_function' && x.action === 'TriggerMessage');
  withinTransit(t, peerTook(stationWire, t.messageId, calls('StatusNotification')), 300);
});

test('2.1 remote_start_authorization and remote_stop_end, 250 ms later', async () => {
  await rig.server.call('RequestStartTransaction', { idToken, remoteStartId: 5, evseId: 1 });
  const a = await rig.waitSample((x) => x.kpi === 'remote_start_authorization');
  withinTransit(a, peerTook(stationWire, a.messageId, calls('TransactionEvent')), 250);
  await rig.server.call('RequestStopTransaction', { transactionId: 'tx-5' });
  const b = await rig.waitSample((x) => x.kpi === 'remote_stop_end');
  withinTransit(b, peerTook(stationWire, b.messageId, calls('TransactionEvent')), 250);
});

test('2.1 SENDs are counted, never timed', async () => {
  const before = rig.samples.length;
  const send = (id: string) => JSON.stringify([6, id, 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: ts(), data: [{ t: 0, v: '1' }] }]);
  (rig.station as any).sendRaw(send('p1'));
  (rig.server as any).sendRaw(send('p2'));
  const row = await eventually(() => {
    const r = rig.kpis.summary('CS21-A')[0]!;
    return r.sends.fromStation === 1 && r.sends.toStation === 1 ? r : undefined;
  }, 'both SENDs counted');
  assert.deepEqual(row.sends, { fromStation: 1, toStation: 1 });
  await hold(50);
  // Only samples of these SENDs count: an earlier test's late sample may land in this window (seen under CI load).
  const fromSends = rig.samples.slice(before).filter((s) => s.messageId === 'p1' || s.messageId === 'p2' || s.action === 'NotifyPeriodicEventStream');
  assert.deepEqual(fromSends, [], 'no KPI sample from a SEND');
});
