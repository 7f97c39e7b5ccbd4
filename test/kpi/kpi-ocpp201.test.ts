/**
 * Every KPI on an OCPP 2.0.1 station: ocpp-rpc peers with known delays, through the real relay.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertMeasured, hold, later, slowBootCsms, startRig, station201, ts, type KpiRig } from './kpi-rig.js';

let rig: KpiRig;
const idToken = { idToken: 'TAG-201', type: 'ISO14443' };

before(async () => {
  rig = await startRig({
    version: '2.0.1',
    identity: 'CS201-A',
    csms: { ...slowBootCsms(150), NotifyCustomerInformation: () => ({}) },
    station: (station) => ({
      ...station201(station),
      TriggerMessage: (p: { requestedMessage: string; evse?: { id: number; connectorId?: number } }) => {
        if (p.requestedMessage !== 'StatusNotification') return { status: 'Rejected' };
        const evseId = p.evse?.id ?? 1;
        // A spontaneous notification for another EVSE first: it must not end the measurement.
        if (evseId !== 1) later(0, () => station.call('StatusNotification', { timestamp: ts(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }));
        later(300, () => station.call('StatusNotification', { timestamp: ts(), connectorStatus: 'Available', evseId, connectorId: p.evse?.connectorId ?? 1 }));
        return { status: 'Accepted' };
      },
      GetBaseReport: (p: { requestId: number }) => {
        later(300, () => station.call('NotifyReport', { requestId: p.requestId, generatedAt: ts(), seqNo: 0, tbc: false }));
        return { status: 'Accepted' };
      },
      CustomerInformation: (p: { requestId: number }) => {
        later(300, () => station.call('NotifyCustomerInformation', { requestId: p.requestId, data: 'none', seqNo: 0, generatedAt: ts(), tbc: false }));
        return { status: 'Accepted' };
      },
    }),
  });
});

after(() => rig.close());

test('2.0.1 response_time: GetVariables answered after 200 ms', async () => {
  const res = await rig.server.call('GetVariables', {
    getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
  });
  assert.equal(res.getVariableResult[0].attributeValue, '300');
  const s = await rig.waitSample((s) => s.kpi === 'response_time' && s.action === 'GetVariables');
  assertMeasured(s, 200);
  assert.equal(s.version, '2.0.1');
});

test('2.0.1 csms_response_time: BootNotification answered by the CSMS after 150 ms', async () => {
  await rig.station.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M1', vendorName: 'Acme' } });
  const s = await rig.waitSample((s) => s.kpi === 'csms_response_time' && s.action === 'BootNotification');
  assertMeasured(s, 150);
});

test('2.0.1 triggered_function: TriggerMessage(StatusNotification, evse 2) → StatusNotification 300 ms later', async () => {
  const res = await rig.server.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 2, connectorId: 1 } });
  assert.equal(res.status, 'Accepted');
  const s = await rig.waitSample((s) => s.kpi === 'triggered_function' && s.action === 'TriggerMessage');
  assertMeasured(s, 300);
  assert.equal(s.endAction, 'StatusNotification');
});

test('2.0.1 triggered_function: GetBaseReport → NotifyReport with its requestId 300 ms later', async () => {
  const res = await rig.server.call('GetBaseReport', { requestId: 4711, reportBase: 'FullInventory' });
  assert.equal(res.status, 'Accepted');
  const s = await rig.waitSample((s) => s.kpi === 'triggered_function' && s.action === 'GetBaseReport');
  assertMeasured(s, 300);
  assert.equal(s.endAction, 'NotifyReport');
});

test('2.0.1 triggered_function: CustomerInformation → NotifyCustomerInformation 300 ms later', async () => {
  await rig.server.call('CustomerInformation', { requestId: 9, report: true, clear: false, idToken });
  const s = await rig.waitSample((s) => s.kpi === 'triggered_function' && s.action === 'CustomerInformation');
  assertMeasured(s, 300);
  assert.equal(s.endAction, 'NotifyCustomerInformation');
});

test('2.0.1 remote_start_authorization: RequestStartTransaction → TransactionEvent with its remoteStartId 250 ms later', async () => {
  const res = await rig.server.call('RequestStartTransaction', { idToken, remoteStartId: 77, evseId: 1 });
  assert.equal(res.status, 'Accepted');
  const s = await rig.waitSample((s) => s.kpi === 'remote_start_authorization');
  assertMeasured(s, 250);
  assert.equal(s.action, 'RequestStartTransaction');
  assert.equal(s.endAction, 'TransactionEvent');
});

test('2.0.1 remote_stop_end: RequestStopTransaction → TransactionEvent Ended of that transaction 250 ms later', async () => {
  const res = await rig.server.call('RequestStopTransaction', { transactionId: 'tx-77' });
  assert.equal(res.status, 'Accepted');
  const s = await rig.waitSample((s) => s.kpi === 'remote_stop_end');
  assertMeasured(s, 250);
  assert.equal(s.endAction, 'TransactionEvent');
});

test('2.0.1 remote_stop_end: a stop reported with chargingState EVConnected is excluded, as in the certificate', async () => {
  const samplesBefore = rig.samples.filter((s) => s.kpi === 'remote_stop_end').length;
  await rig.server.call('RequestStopTransaction', { transactionId: 'tx-78-ev' });
  const deadline = performance.now() + 5000;
  while (rig.kpis.summary('CS201-A').find((r) => r.kpi === 'remote_stop_end')!.excluded === 0) {
    assert.ok(performance.now() < deadline, 'the EVConnected stop is counted as excluded');
    await hold(10);
  }
  assert.equal(rig.samples.filter((s) => s.kpi === 'remote_stop_end').length, samplesBefore, 'and gives no sample');
});
