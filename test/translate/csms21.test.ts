/**
 * End to end: a 1.6 and a 2.0.1 ocpp-rpc station (strict) through the translating relay to a strict OCPP 2.1
 * ocpp-rpc CSMS (`--upstream-protocol ocpp2.1`), through a whole transaction; and the reverse, a 2.1 station
 * behind a 2.0.1 CSMS. Every frame the CSMS receives is valid 2.1 (it would refuse anything else); 2.1-only CSMS
 * CALLs are answered NotImplemented and recorded; a SEND toward an older side is recorded and not forwarded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertAllValid, eventually, lastAt, startRig, type Rig } from './translate-rig.js';

const now = (): string => new Date().toISOString();
const ok = { status: 'Accepted' };

const STATION_16 = {
  RemoteStartTransaction: () => ok,
  RemoteStopTransaction: () => ok,
  TriggerMessage: () => ok,
  GetConfiguration: (p: any) => {
    const all = [
      { key: 'HeartbeatInterval', readonly: false, value: '300' },
      { key: 'MeterValueSampleInterval', readonly: false, value: '60' },
    ];
    if (!p.key?.length) return { configurationKey: all };
    return { configurationKey: all.filter((k) => p.key.includes(k.key)), unknownKey: p.key.filter((k: string) => !all.some((a) => a.key === k)) };
  },
  ChangeConfiguration: (p: any) => ({ status: p.key === 'HeartbeatInterval' ? 'Accepted' : 'Rejected' }),
};

const STATION_201 = {
  RequestStartTransaction: () => ok,
  RequestStopTransaction: () => ok,
  TriggerMessage: () => ok,
  GetBaseReport: () => ok,
  GetVariables: (p: any) => ({
    getVariableResult: p.getVariableData.map((d: any) => ({ component: d.component, variable: d.variable, attributeStatus: 'Accepted', attributeValue: '300' })),
  }),
  SetVariables: (p: any) => ({ setVariableResult: p.setVariableData.map((d: any) => ({ component: d.component, variable: d.variable, attributeStatus: 'Accepted' })) }),
};

const SEND = (id: string) => JSON.stringify([6, id, 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: now(), data: [{ t: 0, v: '230' }] }]);

/** What both older stations share: a 2.1-only CALL, a SEND and a CALLRESULTERROR from the 2.1 CSMS. */
function twoOneOnly(get: () => Rig, before: () => number) {
  it('a 2.1-only CALL from the CSMS is answered NotImplemented, never reaches the station, and is recorded', async () => {
    const rig = get();
    const seen = before();
    await assert.rejects(rig.csmsClient.call('GetTariffs', { evseId: 1 }), (err: any) => err.rpcErrorCode === 'NotImplemented' && /OCPP 2\.1 only/.test(err.message));
    assert.equal(before(), seen, 'the station got nothing');
    await rig.settle();
    const rec = rig.messages().find((m) => m.action === 'GetTariffs' && m.kind === 'CALL')!;
    assert.ok(rec.dropped, 'recorded as kept from the station');
    assert.ok(rig.notices().some((n) => n.includes('GetTariffs is OCPP 2.1 only')));
  });

  it('a SEND and a CALLRESULTERROR from the CSMS are recorded and not forwarded', async () => {
    const rig = get();
    const seen = before();
    (rig.csmsClient as any).sendRaw(SEND('send-1'));
    (rig.csmsClient as any).sendRaw(JSON.stringify([5, 'whatever-1', 'FormatViolation', 'no', {}]));
    const send = await eventually(() => rig.messages().find((m) => m.messageId === 'send-1'), 3000, 'the SEND record');
    assert.equal(send.kind, 'SEND');
    assert.match(send.dropped?.reason ?? '', /not forwarded/);
    const cre = await eventually(() => rig.messages().find((m) => m.messageId === 'whatever-1'), 3000, 'the CALLRESULTERROR record');
    assert.equal(cre.kind, 'CALLRESULTERROR');
    assert.ok(cre.dropped);
    assert.equal(before(), seen);
  });
}

describe('1.6 station ↔ strict 2.1 CSMS (--upstream-protocol ocpp2.1)', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ stationVersion: '1.6', csmsVersion: '2.1', stationHandlers: STATION_16 });
  });
  after(() => rig.close());

  it('answers the station in 1.6 and talks 2.1 to the CSMS', () => {
    assert.equal(rig.station.protocol, 'ocpp1.6');
    assert.equal(rig.csmsClient.protocol, 'ocpp2.1');
  });

  it('boot, status, authorize, then a whole local transaction as TransactionEvents', async () => {
    const boot: any = await rig.station.call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'Wall-1', firmwareVersion: '1.2.3' });
    assert.equal(boot.status, 'Accepted');
    await rig.station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: now() });
    assert.equal((await rig.station.call('Authorize', { idTag: 'TAG-1' }) as any).idTagInfo.status, 'Accepted');
    const start: any = await rig.station.call('StartTransaction', { connectorId: 1, idTag: 'TAG-1', meterStart: 1000, timestamp: now() });
    const started = lastAt(rig.csms, 'TransactionEvent');
    assert.equal(started.eventType, 'Started');
    const txId: string = started.transactionInfo.transactionId;
    await rig.station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    await rig.station.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '1500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
    await rig.station.call('StopTransaction', { transactionId: start.transactionId, meterStop: 2000, timestamp: now(), reason: 'Local', idTag: 'TAG-1' });
    const ended = lastAt(rig.csms, 'TransactionEvent');
    assert.deepEqual([ended.eventType, ended.transactionInfo.transactionId, ended.transactionInfo.stoppedReason], ['Ended', txId, 'Local']);
  });

  it('remote start and stop, variables, base report, trigger', async () => {
    assert.equal((await rig.csmsClient.call('RequestStartTransaction', { evseId: 1, remoteStartId: 42, idToken: { idToken: 'R-1', type: 'Central' } })).status, 'Accepted');
    const start: any = await rig.station.call('StartTransaction', { connectorId: 1, idTag: 'R-1', meterStart: 0, timestamp: now() });
    const ev = lastAt(rig.csms, 'TransactionEvent');
    assert.equal(ev.transactionInfo.remoteStartId, 42);
    assert.equal((await rig.csmsClient.call('RequestStopTransaction', { transactionId: ev.transactionInfo.transactionId })).status, 'Accepted');
    await rig.station.call('StopTransaction', { transactionId: start.transactionId, meterStop: 10, timestamp: now(), reason: 'Remote' });
    const got = await rig.csmsClient.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
    assert.equal(got.getVariableResult[0].attributeValue, '300');
    const set = await rig.csmsClient.call('SetVariables', { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' }] });
    assert.equal(set.setVariableResult[0].attributeStatus, 'Accepted');
    assert.equal((await rig.csmsClient.call('GetBaseReport', { requestId: 5, reportBase: 'FullInventory' })).status, 'Accepted');
    const report = await eventually(() => rig.csms.received.find((r) => r.method === 'NotifyReport')?.params, 3000, 'NotifyReport');
    assert.equal(report.requestId, 5);
    assert.equal((await rig.csmsClient.call('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1 } })).status, 'Accepted');
  });

  twoOneOnly(() => rig, () => rig.stationReceived.length);

  it('every frame was valid for its receiver: 2.1 toward the CSMS, 1.6 toward the station', async () => {
    await rig.settle();
    assert.ok(assertAllValid(rig) > 10);
    assert.ok(rig.messages().some((m) => m.version === '2.1' && m.direction === 'to-csms'));
  });
});

describe('2.0.1 station ↔ strict 2.1 CSMS', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ stationVersion: '2.0.1', csmsVersion: '2.1', stationHandlers: STATION_201 });
  });
  after(() => rig.close());

  it('a whole transaction crosses unchanged, byte for byte', async () => {
    assert.equal(rig.csmsClient.protocol, 'ocpp2.1');
    await rig.station.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    const tx = { transactionId: 'tx-201-1' };
    const evse = { id: 1, connectorId: 1 };
    await rig.station.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: tx, evse, idToken: { idToken: 'T', type: 'ISO14443' } });
    await rig.station.call('TransactionEvent', { eventType: 'Updated', timestamp: now(), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: tx, meterValue: [{ timestamp: now(), sampledValue: [{ value: 1500 }] }] });
    await rig.station.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'StopAuthorized', seqNo: 2, transactionInfo: { ...tx, stoppedReason: 'Local' } });
    assert.deepEqual(rig.csms.received.filter((r) => r.method === 'TransactionEvent').map((r) => r.params.eventType), ['Started', 'Updated', 'Ended']);
    assert.equal((await rig.csmsClient.call('RequestStartTransaction', { evseId: 1, remoteStartId: 7, idToken: { idToken: 'R', type: 'Central' } })).status, 'Accepted');
    assert.equal((await rig.csmsClient.call('RequestStopTransaction', { transactionId: 'tx-201-1' })).status, 'Accepted');
    assert.equal((await rig.csmsClient.call('GetBaseReport', { requestId: 9, reportBase: 'FullInventory' })).status, 'Accepted');
    await rig.settle();
    const changed = rig.messages().filter((m) => m.modified);
    assert.deepEqual(changed.map((m) => m.text), [], '2.0.1 → 2.1 renames nothing');
  });

  it('a 2.0.1 frame that breaks a 2.1 constraint is refused before the strict CSMS sees it', async () => {
    const before = rig.csms.received.length;
    // evseId -1 is valid 2.0.1 (no bound) but 2.1 says minimum 0.
    await assert.rejects(
      rig.station.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: -1, connectorId: 1 }),
      (err: any) => err.rpcErrorCode === 'PropertyConstraintViolation' && /breaks OCPP 2\.1/.test(err.message),
    );
    assert.equal(rig.csms.received.length, before);
  });

  twoOneOnly(() => rig, () => rig.stationReceived.length);

  it('every frame was valid for its receiver', async () => {
    await rig.settle();
    assertAllValid(rig);
  });
});

describe('2.1 station ↔ 2.0.1 CSMS (the reverse)', () => {
  let rig: Rig;
  before(async () => {
    rig = await startRig({ stationVersion: '2.1', csmsVersion: '2.0.1', stationHandlers: STATION_201 });
  });
  after(() => rig.close());

  it('what 2.0.1 can say crosses; a 2.1-only CALL, a 2.1-only field and a SEND get a clear answer', async () => {
    assert.equal(rig.station.protocol, 'ocpp2.1');
    assert.equal(rig.csmsClient.protocol, 'ocpp2.0.1');
    await rig.station.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    assert.equal(lastAt(rig.csms, 'BootNotification').chargingStation.model, 'M');
    // NotifyDERAlarm exists in 2.1 only.
    await assert.rejects(
      rig.station.call('NotifyDERAlarm', { controlType: 'FreqDroop', timestamp: now() }),
      (err: any) => err.rpcErrorCode === 'NotImplemented' && /NotifyDERAlarm is OCPP 2\.1 only/.test(err.message),
    );
    (rig.station as any).sendRaw(SEND('st-send-1'));
    const send = await eventually(() => rig.messages().find((m) => m.messageId === 'st-send-1'), 3000, 'the SEND record');
    assert.ok(send.dropped);
    assert.equal(rig.csms.received.some((r) => r.method === 'NotifyPeriodicEventStream'), false);
    assert.equal((await rig.csmsClient.call('RequestStartTransaction', { evseId: 1, remoteStartId: 3, idToken: { idToken: 'R', type: 'Central' } })).status, 'Accepted');
  });
});
