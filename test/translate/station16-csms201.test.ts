/**
 * End to end: a 1.6 ocpp-rpc station (strict) through the translating relay to a 2.0.1 ocpp-rpc CSMS (strict).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertAllValid, eventually, lastAt, startRig, type Rig } from './translate-rig.js';

const now = (): string => new Date().toISOString();
const ok = { status: 'Accepted' };

/** A 1.6 station that accepts everything a CSMS may ask. */
const STATION_16 = {
  RemoteStartTransaction: () => ok,
  RemoteStopTransaction: () => ok,
  Reset: () => ok,
  UnlockConnector: () => ({ status: 'Unlocked' }),
  ChangeAvailability: () => ({ status: 'Scheduled' }),
  TriggerMessage: () => ok,
  GetConfiguration: (p: any) => {
    const all = [
      { key: 'HeartbeatInterval', readonly: false, value: '300' },
      { key: 'MeterValueSampleInterval', readonly: false, value: '60' },
      { key: 'SupportedFeatureProfiles', readonly: true, value: 'Core,SmartCharging' },
    ];
    if (!p.key?.length) return { configurationKey: all };
    return { configurationKey: all.filter((k) => p.key.includes(k.key)), unknownKey: p.key.filter((k: string) => !all.some((a) => a.key === k)) };
  },
  ChangeConfiguration: (p: any) => ({ status: p.key === 'HeartbeatInterval' ? 'Accepted' : 'Rejected' }),
  ReserveNow: () => ok,
  CancelReservation: () => ok,
  SendLocalList: () => ok,
  GetLocalListVersion: () => ({ listVersion: 7 }),
  SetChargingProfile: () => ok,
  ClearChargingProfile: () => ok,
  GetCompositeSchedule: (p: any) => ({ status: 'Accepted', connectorId: p.connectorId, scheduleStart: now(), chargingSchedule: { duration: p.duration, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] } }),
  UpdateFirmware: () => ({}),
  GetDiagnostics: () => ({ fileName: 'diag-1.zip' }),
  ClearCache: () => ok,
  DataTransfer: () => ({ status: 'Accepted', data: 'pong' }),
};

describe('1.6 station ↔ 2.0.1 CSMS through the translator', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ stationVersion: '1.6', stationHandlers: STATION_16 });
  });
  after(() => rig.close());

  it('answers the station in 1.6 and talks 2.0.1 to the CSMS', () => {
    assert.equal(rig.station.protocol, 'ocpp1.6');
    assert.equal(rig.csmsClient.protocol, 'ocpp2.0.1');
  });

  it('boot, heartbeat, status, authorize', async () => {
    const boot: any = await rig.station.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'Wall-1', chargePointSerialNumber: 'SN-1', firmwareVersion: '1.2.3', meterSerialNumber: 'M-9' });
    assert.equal(boot.status, 'Accepted');
    assert.equal(boot.interval, 300);
    const b = lastAt(rig.csms, 'BootNotification');
    assert.equal(b.reason, 'PowerUp');
    assert.deepEqual({ vendorName: b.chargingStation.vendorName, model: b.chargingStation.model, serialNumber: b.chargingStation.serialNumber }, { vendorName: 'ACME', model: 'Wall-1', serialNumber: 'SN-1' });
    assert.ok(((await rig.station.call("Heartbeat", {})) as any).currentTime);
    await rig.station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: now() });
    assert.deepEqual({ ...lastAt(rig.csms, 'StatusNotification'), timestamp: 'x' }, { timestamp: 'x', connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    const auth: any = await rig.station.call('Authorize', { idTag: 'TAG-1' });
    assert.equal(auth.idTagInfo.status, 'Accepted');
    assert.deepEqual(lastAt(rig.csms, 'Authorize').idToken, { idToken: 'TAG-1', type: 'ISO14443' });
  });

  it('local start, meter values, charging state and stop as one TransactionEvent sequence', async () => {
    await rig.station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    const start: any = await rig.station.call('StartTransaction', { connectorId: 1, idTag: 'TAG-1', meterStart: 1000, timestamp: now() });
    assert.equal(start.idTagInfo.status, 'Accepted');
    assert.ok(Number.isInteger(start.transactionId));
    const started = lastAt(rig.csms, 'TransactionEvent');
    assert.equal(started.eventType, 'Started');
    assert.equal(started.triggerReason, 'Authorized');
    const txId: string = started.transactionInfo.transactionId;

    await rig.station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    const charging = await eventually(() => rig.csms.received.find((r) => r.method === 'TransactionEvent' && r.params.triggerReason === 'ChargingStateChanged'), 2000, 'ChargingStateChanged');
    assert.equal(charging.params.transactionInfo.chargingState, 'Charging');

    await rig.station.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '1500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
    const updated = lastAt(rig.csms, 'TransactionEvent');
    assert.equal(updated.eventType, 'Updated');
    assert.equal(updated.transactionInfo.transactionId, txId);
    assert.equal(updated.meterValue[0].sampledValue[0].value, 1500);

    const stop: any = await rig.station.call('StopTransaction', { transactionId: start.transactionId, meterStop: 2000, timestamp: now(), reason: 'Local', idTag: 'TAG-1' });
    assert.equal(stop.idTagInfo?.status ?? 'Accepted', 'Accepted');
    const ended = lastAt(rig.csms, 'TransactionEvent');
    assert.equal(ended.eventType, 'Ended');
    assert.equal(ended.transactionInfo.transactionId, txId);
    assert.equal(ended.transactionInfo.stoppedReason, 'Local');
    const seqNos = rig.csms.received.filter((r) => r.method === 'TransactionEvent' && r.params.transactionInfo.transactionId === txId).map((r) => r.params.seqNo);
    assert.deepEqual(seqNos, [0, 1, 2, 3]);
  });

  it('remote start carries remoteStartId to the TransactionEvent; remote stop maps the id back', async () => {
    const res = await rig.csmsClient.call('RequestStartTransaction', { evseId: 2, remoteStartId: 4711, idToken: { idToken: 'REMOTE-1', type: 'Central' } });
    assert.equal(res.status, 'Accepted');
    const rs = rig.stationReceived.filter((r) => r.method === 'RemoteStartTransaction').at(-1)!;
    assert.deepEqual(rs.params, { connectorId: 2, idTag: 'REMOTE-1' });
    const start: any = await rig.station.call('StartTransaction', { connectorId: 2, idTag: 'REMOTE-1', meterStart: 0, timestamp: now() });
    const ev = lastAt(rig.csms, 'TransactionEvent');
    assert.equal(ev.triggerReason, 'RemoteStart');
    assert.equal(ev.transactionInfo.remoteStartId, 4711);

    const stopRes = await rig.csmsClient.call('RequestStopTransaction', { transactionId: ev.transactionInfo.transactionId });
    assert.equal(stopRes.status, 'Accepted');
    assert.deepEqual(rig.stationReceived.filter((r) => r.method === 'RemoteStopTransaction').at(-1)!.params, { transactionId: start.transactionId });
    await rig.station.call('StopTransaction', { transactionId: start.transactionId, meterStop: 10, timestamp: now(), reason: 'Remote' });
    const ended = lastAt(rig.csms, 'TransactionEvent');
    assert.deepEqual([ended.eventType, ended.triggerReason, ended.transactionInfo.stoppedReason], ['Ended', 'RemoteStop', 'Remote']);

    // an id the translator never saw is refused without asking the station
    const before = rig.stationReceived.length;
    assert.equal((await rig.csmsClient.call('RequestStopTransaction', { transactionId: 'no-such-tx' })).status, 'Rejected');
    assert.equal(rig.stationReceived.length, before);
  });

  it('reset, unlock, availability, trigger, clear cache, data transfer', async () => {
    assert.equal((await rig.csmsClient.call('Reset', { type: 'OnIdle' })).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1), { method: 'Reset', params: { type: 'Soft' } });
    assert.equal((await rig.csmsClient.call('UnlockConnector', { evseId: 1, connectorId: 1 })).status, 'Unlocked');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { connectorId: 1 });
    assert.equal((await rig.csmsClient.call('ChangeAvailability', { operationalStatus: 'Inoperative' })).status, 'Scheduled');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { connectorId: 0, type: 'Inoperative' });
    assert.equal((await rig.csmsClient.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1 } })).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { requestedMessage: 'StatusNotification', connectorId: 1 });
    assert.equal((await rig.csmsClient.call('ClearCache', {})).status, 'Accepted');
    const dt = await rig.csmsClient.call('DataTransfer', { vendorId: 'acme', messageId: 'ping', data: { n: 1 } });
    assert.deepEqual(dt, { status: 'Accepted', data: 'pong' });
    assert.equal(rig.stationReceived.at(-1)!.params.data, '{"n":1}');
  });

  it('get / set variables through GetConfiguration / ChangeConfiguration (fan-out and gather)', async () => {
    const got = await rig.csmsClient.call('GetVariables', { getVariableData: [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
      { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } },
      { component: { name: 'Nope' }, variable: { name: 'Nothing' } },
    ] });
    assert.deepEqual(got.getVariableResult.map((r: any) => [r.attributeStatus, r.attributeValue]), [['Accepted', '300'], ['Accepted', '60'], ['UnknownVariable', undefined]]);
    const set = await rig.csmsClient.call('SetVariables', { setVariableData: [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' },
      { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' }, attributeValue: '10' },
    ] });
    assert.deepEqual(set.setVariableResult.map((r: any) => r.attributeStatus), ['Accepted', 'Rejected']);
    const changes = rig.stationReceived.filter((r) => r.method === 'ChangeConfiguration').map((r) => r.params);
    assert.deepEqual(changes, [{ key: 'HeartbeatInterval', value: '120' }, { key: 'MeterValueSampleInterval', value: '10' }]);
  });

  it('GetBaseReport is answered at once and followed by NotifyReport built from GetConfiguration', async () => {
    const res = await rig.csmsClient.call('GetBaseReport', { requestId: 31, reportBase: 'FullInventory' });
    assert.equal(res.status, 'Accepted');
    const report = await eventually(() => rig.csms.received.find((r) => r.method === 'NotifyReport')?.params, 3000, 'NotifyReport');
    assert.equal(report.requestId, 31);
    assert.equal(report.seqNo, 0);
    assert.equal(report.tbc, false);
    const names = report.reportData.map((r: any) => `${r.component.name}.${r.variable.name}=${r.variableAttribute[0].value}`);
    assert.deepEqual(names, ['OCPPCommCtrlr.HeartbeatInterval=300', 'SampledDataCtrlr.TxUpdatedInterval=60', 'OCPP16Config.SupportedFeatureProfiles=Core,SmartCharging']);
    // the unmapped key can be read back through its OCPP16Config name
    const got = await rig.csmsClient.call('GetVariables', { getVariableData: [{ component: { name: 'OCPP16Config' }, variable: { name: 'SupportedFeatureProfiles' } }] });
    assert.equal(got.getVariableResult[0].attributeValue, 'Core,SmartCharging');
  });

  it('reservation, local list, smart charging', async () => {
    const exp = new Date(Date.now() + 3600_000).toISOString();
    assert.equal((await rig.csmsClient.call('ReserveNow', { id: 12, expiryDateTime: exp, idToken: { idToken: 'RES-1', type: 'ISO14443' }, evseId: 1 })).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { connectorId: 1, expiryDate: exp, idTag: 'RES-1', reservationId: 12 });
    assert.equal((await rig.csmsClient.call('CancelReservation', { reservationId: 12 })).status, 'Accepted');
    assert.equal((await rig.csmsClient.call('SendLocalList', { versionNumber: 7, updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: 'L1', type: 'ISO14443' }, idTokenInfo: { status: 'Accepted' } }] })).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { listVersion: 7, updateType: 'Full', localAuthorizationList: [{ idTag: 'L1', idTagInfo: { status: 'Accepted' } }] });
    assert.deepEqual(await rig.csmsClient.call('GetLocalListVersion', {}), { versionNumber: 7 });
    const profile = { id: 3, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, startSchedule: now(), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }] }] };
    assert.equal((await rig.csmsClient.call('SetChargingProfile', { evseId: 1, chargingProfile: profile })).status, 'Accepted');
    assert.equal(rig.stationReceived.at(-1)!.params.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit, 10);
    assert.equal((await rig.csmsClient.call('ClearChargingProfile', { chargingProfileId: 3 })).status, 'Accepted');
    const cs = await rig.csmsClient.call('GetCompositeSchedule', { duration: 600, evseId: 1 });
    assert.equal(cs.schedule.evseId, 1);
    assert.equal(cs.schedule.duration, 600);
  });

  it('firmware and diagnostics: request ids survive the 1.6 leg', async () => {
    const fw = await rig.csmsClient.call('UpdateFirmware', { requestId: 61, firmware: { location: 'https://fw.example/f.bin', retrieveDateTime: now() } });
    assert.equal(fw.status, 'Accepted');
    await rig.station.call('FirmwareStatusNotification', { status: 'Downloading' });
    assert.deepEqual(lastAt(rig.csms, 'FirmwareStatusNotification'), { status: 'Downloading', requestId: 61 });
    const log = await rig.csmsClient.call('GetLog', { logType: 'DiagnosticsLog', requestId: 62, log: { remoteLocation: 'ftp://logs.example/up' } });
    assert.deepEqual(log, { status: 'Accepted', filename: 'diag-1.zip' });
    assert.equal(rig.stationReceived.at(-1)!.method, 'GetDiagnostics');
    await rig.station.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
    assert.deepEqual(lastAt(rig.csms, 'LogStatusNotification'), { status: 'Uploaded', requestId: 62 });
  });

  it('a CSMS message with no 1.6 counterpart gets NotSupported and is recorded as a gap', async () => {
    await assert.rejects(rig.csmsClient.call('SetDisplayMessage', { message: { id: 1, priority: 'NormalCycle', message: { format: 'UTF8', content: 'hi' } } }), (err: any) => err.rpcErrorCode === 'NotSupported');
    await rig.settle();
    assert.ok(rig.notices().some((n) => n.includes('SetDisplayMessage') && n.includes('translation gap')));
  });

  it('every frame on both legs was valid for its receiver', async () => {
    await rig.settle();
    assert.ok(rig.messages().filter((m) => m.changedBy.includes('translation')).length > 30);
    assert.ok(assertAllValid(rig) > 40, 'translated frames were checked directly');
  });
});
