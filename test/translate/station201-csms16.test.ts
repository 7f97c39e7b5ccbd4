/**
 * End to end: a 2.0.1 ocpp-rpc station (strict) through the translating relay to a 1.6 ocpp-rpc CSMS (strict).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertAllValid, eventually, lastAt, startRig, type Rig } from './translate-rig.js';

const now = (): string => new Date().toISOString();
const ok = { status: 'Accepted' };
const tok = (idToken: string) => ({ idToken, type: 'ISO14443' });

/** A 2.0.1 station that accepts everything a CSMS may ask. */
const STATION_201 = {
  RequestStartTransaction: () => ok,
  RequestStopTransaction: () => ok,
  Reset: () => ({ status: 'Scheduled' }),
  UnlockConnector: () => ({ status: 'Unlocked' }),
  ChangeAvailability: () => ok,
  TriggerMessage: () => ok,
  GetVariables: (p: any) => ({
    getVariableResult: p.getVariableData.map((d: any) =>
      d.component.name === 'OCPPCommCtrlr' && d.variable.name === 'HeartbeatInterval'
        ? { component: d.component, variable: d.variable, attributeStatus: 'Accepted', attributeValue: '300' }
        : { component: d.component, variable: d.variable, attributeStatus: 'UnknownVariable' },
    ),
  }),
  SetVariables: (p: any) => ({ setVariableResult: p.setVariableData.map((d: any) => ({ component: d.component, variable: d.variable, attributeStatus: 'RebootRequired' })) }),
  ReserveNow: () => ok,
  CancelReservation: () => ok,
  SendLocalList: () => ok,
  GetLocalListVersion: () => ({ versionNumber: 5 }),
  SetChargingProfile: () => ok,
  ClearChargingProfile: () => ok,
  GetCompositeSchedule: (p: any) => ({ status: 'Accepted', schedule: { evseId: p.evseId, duration: p.duration, scheduleStart: now(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7400 }] } }),
  UpdateFirmware: () => ok,
  GetLog: () => ({ status: 'Accepted', filename: 'log-1.tgz' }),
  ClearCache: () => ok,
  DataTransfer: () => ({ status: 'Accepted', data: { reply: true } }),
};

describe('2.0.1 station ↔ 1.6 CSMS through the translator', () => {
  let rig: Rig;
  before(async () => {
    let nextTx = 1001;
    rig = await startRig({ stationVersion: '2.0.1', stationHandlers: STATION_201, csmsHandlers: { StartTransaction: () => ({ transactionId: nextTx++, idTagInfo: { status: 'Accepted' } }) } });
  });
  after(() => rig.close());

  it('answers the station in 2.0.1 and talks 1.6 to the CSMS', () => {
    assert.equal(rig.station.protocol, 'ocpp2.0.1');
    assert.equal(rig.csmsClient.protocol, 'ocpp1.6');
  });

  it('boot (a 50-character vendor truncated and flagged), heartbeat, status, authorize', async () => {
    const vendor = 'Vendor-with-a-very-long-name-of-fifty-characters!!';
    const boot: any = await rig.station.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: vendor, model: 'HYC', serialNumber: 'S-1' } });
    assert.equal(boot.status, 'Accepted');
    assert.equal(lastAt(rig.csms, 'BootNotification').chargePointVendor, vendor.slice(0, 20));
    await rig.settle();
    assert.ok(rig.notices().some((n) => n.includes('vendorName') && n.includes('truncated')));
    await rig.station.call('Heartbeat', {});
    await rig.station.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    assert.deepEqual({ ...lastAt(rig.csms, 'StatusNotification'), timestamp: 'x' }, { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: 'x' });
    const auth: any = await rig.station.call('Authorize', { idToken: tok('TAG-2') });
    assert.equal(auth.idTokenInfo.status, 'Accepted');
    assert.deepEqual(lastAt(rig.csms, 'Authorize'), { idTag: 'TAG-2' });
  });

  it('TransactionEvent Started / Updated / Ended become Start / MeterValues / Stop with the CSMS id, and charging state a StatusNotification', async () => {
    const txId = 'TX-E2E-1';
    await rig.station.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: txId, chargingState: 'Charging' }, evse: { id: 1, connectorId: 1 }, idToken: tok('TAG-2'), meterValue: [{ timestamp: now(), sampledValue: [{ value: 100, context: 'Transaction.Begin' }] }] });
    assert.deepEqual({ ...lastAt(rig.csms, 'StartTransaction'), timestamp: 'x' }, { connectorId: 1, idTag: 'TAG-2', meterStart: 100, timestamp: 'x' });
    const st = await eventually(() => rig.csms.received.find((r) => r.method === 'StatusNotification' && r.params.status === 'Charging'), 2000, 'StatusNotification Charging');
    assert.equal(st.params.connectorId, 1);
    await rig.station.call('TransactionEvent', { eventType: 'Updated', timestamp: now(), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: txId }, meterValue: [{ timestamp: now(), sampledValue: [{ value: 350 }] }] });
    const mv = lastAt(rig.csms, 'MeterValues');
    assert.equal(mv.transactionId, 1001);
    assert.equal(mv.meterValue[0].sampledValue[0].value, '350');
    const end: any = await rig.station.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'EVDeparted', seqNo: 2, transactionInfo: { transactionId: txId, stoppedReason: 'EVDisconnected' }, meterValue: [{ timestamp: now(), sampledValue: [{ value: 500, context: 'Transaction.End' }] }] });
    assert.equal(end.idTokenInfo.status, 'Accepted');
    const stop = lastAt(rig.csms, 'StopTransaction');
    assert.deepEqual([stop.transactionId, stop.meterStop, stop.reason], [1001, 500, 'EVDisconnected']);
  });

  it('remote start gets a remoteStartId; remote stop maps the 1.6 integer to the station id', async () => {
    const res: any = await rig.csmsClient.call('RemoteStartTransaction', { connectorId: 2, idTag: 'REM-2' });
    assert.equal(res.status, 'Accepted');
    const req = rig.stationReceived.filter((r) => r.method === 'RequestStartTransaction').at(-1)!.params;
    assert.equal(req.evseId, 2);
    assert.deepEqual(req.idToken, tok('REM-2'));
    assert.ok(Number.isInteger(req.remoteStartId));
    await rig.station.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'RemoteStart', seqNo: 0, transactionInfo: { transactionId: 'TX-REM', remoteStartId: req.remoteStartId }, evse: { id: 2, connectorId: 1 }, idToken: req.idToken });
    assert.equal(lastAt(rig.csms, 'StartTransaction').connectorId, 2);
    assert.equal((await rig.csmsClient.call('RemoteStopTransaction', { transactionId: 1002 }) as any).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1), { method: 'RequestStopTransaction', params: { transactionId: 'TX-REM' } });
    assert.equal((await rig.csmsClient.call('RemoteStopTransaction', { transactionId: 99999 }) as any).status, 'Rejected');
  });

  it('reset, unlock, availability, trigger, clear cache, data transfer', async () => {
    assert.equal((await rig.csmsClient.call('Reset', { type: 'Soft' }) as any).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { type: 'OnIdle' });
    assert.equal((await rig.csmsClient.call('UnlockConnector', { connectorId: 1 }) as any).status, 'Unlocked');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { evseId: 1, connectorId: 1 });
    assert.equal((await rig.csmsClient.call('ChangeAvailability', { connectorId: 0, type: 'Inoperative' }) as any).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { operationalStatus: 'Inoperative' });
    assert.equal((await rig.csmsClient.call('TriggerMessage', { requestedMessage: 'DiagnosticsStatusNotification' }) as any).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { requestedMessage: 'LogStatusNotification' });
    assert.equal((await rig.csmsClient.call('ClearCache', {}) as any).status, 'Accepted');
    assert.deepEqual(await rig.csmsClient.call('DataTransfer', { vendorId: 'acme', data: 'x' }), { status: 'Accepted', data: '{"reply":true}' });
  });

  it('get / change configuration through Get / SetVariables', async () => {
    const conf: any = await rig.csmsClient.call('GetConfiguration', { key: ['HeartbeatInterval', 'LocalPreAuthorize', 'VendorKey'] });
    assert.deepEqual(conf.configurationKey, [{ key: 'HeartbeatInterval', readonly: false, value: '300' }]);
    assert.deepEqual([...conf.unknownKey].sort(), ['LocalPreAuthorize', 'VendorKey']);
    assert.equal((await rig.csmsClient.call('ChangeConfiguration', { key: 'HeartbeatInterval', value: '60' }) as any).status, 'RebootRequired');
    assert.deepEqual(rig.stationReceived.at(-1)!.params.setVariableData, [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' }]);
    assert.equal((await rig.csmsClient.call('ChangeConfiguration', { key: 'VendorKey', value: '1' }) as any).status, 'NotSupported');
  });

  it('reservation, local list, smart charging', async () => {
    const exp = new Date(Date.now() + 3600_000).toISOString();
    assert.equal((await rig.csmsClient.call('ReserveNow', { connectorId: 1, expiryDate: exp, idTag: 'R-1', reservationId: 8 }) as any).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1)!.params, { id: 8, expiryDateTime: exp, idToken: tok('R-1'), evseId: 1 });
    assert.equal((await rig.csmsClient.call('CancelReservation', { reservationId: 8 }) as any).status, 'Accepted');
    assert.equal((await rig.csmsClient.call('SendLocalList', { listVersion: 5, updateType: 'Full', localAuthorizationList: [{ idTag: 'L-1', idTagInfo: { status: 'Accepted' } }] }) as any).status, 'Accepted');
    assert.deepEqual(rig.stationReceived.at(-1)!.params.localAuthorizationList, [{ idToken: tok('L-1'), idTokenInfo: { status: 'Accepted' } }]);
    assert.deepEqual(await rig.csmsClient.call('GetLocalListVersion', {}), { listVersion: 5 });
    const prof = { chargingProfileId: 4, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { startSchedule: now(), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] } };
    assert.equal((await rig.csmsClient.call('SetChargingProfile', { connectorId: 0, csChargingProfiles: prof }) as any).status, 'Accepted');
    assert.equal(rig.stationReceived.at(-1)!.params.chargingProfile.chargingProfilePurpose, 'ChargingStationMaxProfile');
    assert.equal((await rig.csmsClient.call('ClearChargingProfile', { id: 4 }) as any).status, 'Accepted');
    const cs: any = await rig.csmsClient.call('GetCompositeSchedule', { connectorId: 1, duration: 900 });
    assert.deepEqual([cs.status, cs.connectorId, cs.chargingSchedule.chargingSchedulePeriod[0].limit], ['Accepted', 1, 7400]);
  });

  it('firmware and diagnostics: 1.6 requests get a requestId, notifications find their way back', async () => {
    assert.deepEqual(await rig.csmsClient.call('UpdateFirmware', { location: 'https://fw.example/x', retrieveDate: now() }), {});
    const fwReq = rig.stationReceived.at(-1)!.params;
    await rig.station.call('FirmwareStatusNotification', { status: 'Downloading', requestId: fwReq.requestId });
    assert.deepEqual(lastAt(rig.csms, 'FirmwareStatusNotification'), { status: 'Downloading' });
    assert.deepEqual(await rig.csmsClient.call('GetDiagnostics', { location: 'ftp://logs.example/' }), { fileName: 'log-1.tgz' });
    const logReq = rig.stationReceived.at(-1)!.params;
    assert.equal(logReq.logType, 'DiagnosticsLog');
    await rig.station.call('LogStatusNotification', { status: 'UploadFailure', requestId: logReq.requestId });
    assert.deepEqual(lastAt(rig.csms, 'DiagnosticsStatusNotification'), { status: 'UploadFailed' });
  });

  it('a station message with no 1.6 counterpart gets NotSupported and is recorded as a gap', async () => {
    await assert.rejects(
      rig.station.call('NotifyEvent', { generatedAt: now(), seqNo: 0, eventData: [{ eventId: 1, timestamp: now(), trigger: 'Alerting', actualValue: 'x', component: { name: 'EVSE' }, variable: { name: 'Problem' }, eventNotificationType: 'HardWiredNotification' }] }),
      (err: any) => err.rpcErrorCode === 'NotSupported',
    );
    assert.ok(!rig.csms.received.some((r) => r.method === 'NotifyEvent'));
    await rig.settle();
    assert.ok(rig.notices().some((n) => n.includes('NotifyEvent') && n.includes('translation gap')));
  });

  it('every frame on both legs was valid for its receiver', async () => {
    await rig.settle();
    assert.ok(rig.messages().filter((m) => m.changedBy.includes('translation')).length > 30);
    assert.ok(assertAllValid(rig) > 40, 'translated frames were checked directly');
  });
});
