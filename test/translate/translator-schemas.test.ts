/**
 * Every translator, both ways: a valid request of the sender's version must become a valid request of the
 * receiver's version (or a valid local answer), and a valid answer of the receiver must come back as a valid
 * answer of the sender's version. Checked with the OCA schemas through the project's validator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OcppVersion } from '../../src/core/types.js';
import { TABLES } from '../../src/translate/translate-addon.js';
import type { Json } from '../../src/translate/translator-types.js';
import { assertValid, other, testContext, type RecordingContext } from './translate-helpers.js';

const T = '2026-11-21T10:00:00.000Z';
const hash = { hashAlgorithm: 'SHA256', issuerNameHash: 'a1', issuerKeyHash: 'b2', serialNumber: 'c3' };
const tok = (idToken: string) => ({ idToken, type: 'ISO14443' });
const profile201 = (purpose = 'TxProfile', schedules = 1) => ({
  id: 5,
  stackLevel: 1,
  chargingProfilePurpose: purpose,
  chargingProfileKind: 'Absolute',
  chargingSchedule: Array.from({ length: schedules }, (_, i) => ({ id: i + 1, startSchedule: T, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16, phaseToUse: undefined }].map(({ phaseToUse: _p, ...x }) => x) })),
});
const profile16 = { chargingProfileId: 5, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', chargingSchedule: { duration: 86400, startSchedule: T, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000, numberPhases: 3 }], minChargingRate: 1000 } };

/** A case: the sender's request, and the receiver's answer (in the receiver's version) when it is forwarded. */
interface Case {
  action: string;
  req: Json | ((tc: RecordingContext) => Json);
  res?: Json | Json[];
  kind: 'forward' | 'answer' | 'error' | 'fanout';
  /** Action expected on the receiver's side. */
  as?: string;
  check?: (out: Json, back: Json, tc: RecordingContext) => void;
}

function run(stationVersion: OcppVersion, side: 'station' | 'csms', cases: Case[]): void {
  const sender = side === 'station' ? stationVersion : other(stationVersion);
  const receiver = other(sender);
  const tc = testContext({ stationVersion });
  const table = TABLES[stationVersion][side];
  for (const c of cases) {
    it(`${c.action} (${sender} → ${receiver})${c.as ? ` as ${c.as}` : ''}`, () => {
      const req = typeof c.req === 'function' ? c.req(tc) : c.req;
      assertValid(sender, 'request', c.action, req);
      tc.calls.length = 0;
      const out = table[c.action]!.request(req, tc);
      assert.equal(out.kind, c.kind, JSON.stringify(out));
      let back: Json;
      if (out.kind === 'forward') {
        if (c.as) assert.equal(out.action, c.as);
        assertValid(receiver, 'request', out.action, out.payload);
        if (c.res !== undefined) {
          assertValid(receiver, 'response', out.action, c.res);
          back = (table[c.action]!.response ?? ((p: Json) => p))(c.res, tc, req, out.payload);
          assertValid(sender, 'response', c.action, back);
        }
      } else if (out.kind === 'answer') {
        assertValid(sender, 'response', c.action, out.payload);
        back = out.payload;
      } else if (out.kind === 'fanout') {
        const answers = (c.res as Json[]).map((payload) => ({ ok: true as const, payload }));
        for (const call of out.calls) assertValid(receiver, 'request', call.action, call.payload);
        back = out.gather(answers);
        assertValid(sender, 'response', c.action, back);
      } else {
        back = out;
      }
      // CALLs the translator made on the side: valid for the leg they travel on.
      for (const call of tc.calls) {
        assertValid(call.direction === 'to-csms' ? other(stationVersion) : stationVersion, 'request', call.action, call.payload);
      }
      c.check?.(out, back, tc);
    });
  }
}

describe('1.6 station → 2.0.1 CSMS: station CALLs', () => {
  run('1.6', 'station', [
    {
      action: 'BootNotification', kind: 'forward',
      req: { chargePointVendor: 'VendorX', chargePointModel: 'M1', chargePointSerialNumber: 'S1', chargeBoxSerialNumber: 'CB1', firmwareVersion: '1.0', iccid: '8931', imsi: '2620', meterType: 'MT', meterSerialNumber: 'MS' },
      res: { status: 'Accepted', currentTime: T, interval: 300, statusInfo: { reasonCode: 'OK' } },
      check: (out, back) => {
        assert.deepEqual(out.payload.chargingStation.modem, { iccid: '8931', imsi: '2620' });
        assert.equal(out.payload.chargingStation.customData.meterSerialNumber, 'MS');
        assert.deepEqual(back, { status: 'Accepted', currentTime: T, interval: 300 });
      },
    },
    { action: 'Heartbeat', kind: 'forward', req: {}, res: { currentTime: T } },
    {
      action: 'Authorize', kind: 'forward', req: { idTag: 'TAG1' },
      res: { idTokenInfo: { status: 'NotAtThisTime', cacheExpiryDateTime: T, groupIdToken: tok('PARENT') } },
      check: (out, back, tc) => {
        assert.deepEqual(out.payload.idToken, tok('TAG1'));
        assert.deepEqual(back.idTagInfo, { status: 'Invalid', expiryDate: T, parentIdTag: 'PARENT' });
        assert.ok(tc.flags.some((f) => f.includes('NotAtThisTime')));
      },
    },
    { action: 'StatusNotification', kind: 'forward', req: { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: T }, res: {}, check: (out) => assert.equal(out.payload.connectorStatus, 'Occupied') },
    { action: 'StatusNotification', kind: 'answer', req: { connectorId: 0, errorCode: 'NoError', status: 'Available' } },
    {
      action: 'StatusNotification', kind: 'forward', req: { connectorId: 2, errorCode: 'GroundFailure', info: 'RCD tripped', vendorErrorCode: 'E42', status: 'Faulted', timestamp: T }, res: {},
      check: (out, _b, tc) => {
        assert.equal(out.payload.connectorStatus, 'Faulted');
        assert.equal(tc.calls.length, 1);
        const ev = tc.calls[0]!.payload.eventData[0];
        assert.deepEqual([ev.component, ev.variable.name, ev.actualValue, ev.techCode, ev.techInfo], [{ name: 'Connector', evse: { id: 2, connectorId: 1 } }, 'Problem', 'true', 'GroundFailure/E42', 'RCD tripped']);
      },
    },
    {
      action: 'StatusNotification', kind: 'forward', req: { connectorId: 2, errorCode: 'NoError', status: 'Available', timestamp: T }, res: {},
      check: (_o, _b, tc) => {
        const ev = tc.calls[0]!.payload.eventData[0];
        assert.deepEqual([ev.actualValue, ev.cleared, ev.techCode], ['false', true, 'GroundFailure']);
      },
    },
    {
      action: 'StartTransaction', kind: 'forward', as: 'TransactionEvent',
      req: { connectorId: 1, idTag: 'TAG1', meterStart: 1000, timestamp: T, reservationId: 4 },
      res: { idTokenInfo: { status: 'Accepted' } },
      check: (out, back) => {
        assert.equal(out.payload.eventType, 'Started');
        assert.equal(out.payload.seqNo, 0);
        assert.equal(out.payload.meterValue[0].sampledValue[0].value, 1000);
        assert.equal(back.transactionId, 1);
      },
    },
    {
      action: 'StatusNotification', kind: 'forward', req: { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: T }, res: {},
      check: (_o, _b, tc) => {
        assert.equal(tc.calls.length, 1);
        assert.equal(tc.calls[0]!.payload.triggerReason, 'ChargingStateChanged');
        assert.equal(tc.calls[0]!.payload.transactionInfo.chargingState, 'Charging');
      },
    },
    {
      action: 'MeterValues', kind: 'forward', as: 'TransactionEvent',
      req: { connectorId: 1, transactionId: 1, meterValue: [{ timestamp: T, sampledValue: [{ value: '1.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' }, { value: '21', measurand: 'Temperature', unit: 'K' }] }] },
      res: {},
      check: (out, _b, tc) => {
        assert.equal(out.payload.eventType, 'Updated');
        assert.equal(out.payload.seqNo, 2);
        assert.deepEqual(out.payload.meterValue[0].sampledValue, [{ value: 1.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } }]);
        assert.ok(tc.flags.some((f) => f.includes('Temperature')));
      },
    },
    { action: 'MeterValues', kind: 'forward', as: 'MeterValues', req: { connectorId: 2, meterValue: [{ timestamp: T, sampledValue: [{ value: '230', measurand: 'Voltage', unit: 'V', phase: 'L1-N' }] }] }, res: {} },
    {
      action: 'StopTransaction', kind: 'forward', as: 'TransactionEvent',
      req: { transactionId: 1, idTag: 'TAG1', meterStop: 2500, timestamp: T, reason: 'HardReset', transactionData: [{ timestamp: T, sampledValue: [{ value: '2500', context: 'Transaction.End' }] }] },
      res: { idTokenInfo: { status: 'Accepted' } },
      check: (out, back) => {
        assert.equal(out.payload.eventType, 'Ended');
        assert.equal(out.payload.transactionInfo.stoppedReason, 'ImmediateReset');
        assert.equal(out.payload.seqNo, 3);
        assert.deepEqual(back, { idTagInfo: { status: 'Accepted' } });
      },
    },
    { action: 'DataTransfer', kind: 'forward', req: { vendorId: 'V', messageId: 'M', data: 'hello' }, res: { status: 'Accepted', data: { a: 1 } }, check: (_o, back) => assert.equal(back.data, '{"a":1}') },
    { action: 'DiagnosticsStatusNotification', kind: 'forward', as: 'LogStatusNotification', req: { status: 'UploadFailed' }, res: {}, check: (out) => assert.equal(out.payload.status, 'UploadFailure') },
    { action: 'FirmwareStatusNotification', kind: 'forward', req: { status: 'Installed' }, res: {} },
    { action: 'SecurityEventNotification', kind: 'forward', req: { type: 'StartupOfTheDevice', timestamp: T, techInfo: 'boot' }, res: {} },
    { action: 'SignCertificate', kind: 'forward', req: { csr: 'CSR' }, res: { status: 'Accepted', statusInfo: { reasonCode: 'x' } } },
    { action: 'LogStatusNotification', kind: 'forward', req: { status: 'Uploaded', requestId: 3 }, res: {} },
    { action: 'SignedFirmwareStatusNotification', kind: 'forward', as: 'FirmwareStatusNotification', req: { status: 'InvalidSignature', requestId: 2 }, res: {} },
  ]);
});

describe('1.6 station ← 2.0.1 CSMS: CSMS CALLs', () => {
  run('1.6', 'csms', [
    {
      action: 'RequestStartTransaction', kind: 'forward', as: 'RemoteStartTransaction',
      req: { evseId: 1, remoteStartId: 42, idToken: tok('TAG1'), chargingProfile: profile201() },
      res: { status: 'Accepted' },
      check: (out, _b, tc) => {
        assert.deepEqual(out.payload.connectorId, 1);
        assert.equal(out.payload.chargingProfile.chargingSchedule.chargingSchedulePeriod[0].limit, 16);
        assert.equal(tc.state.remoteStarts['1']?.remoteStartId, 42);
      },
    },
    {
      action: 'RequestStopTransaction', kind: 'forward', as: 'RemoteStopTransaction',
      req: (tc: RecordingContext) => {
        tc.state.txs.push({ id: 'tx-abc', int: 77, connector: 1, evseId: 1, evseConnector: 1, seqNo: 1, started: true, ended: false, startedAt: T });
        return { transactionId: 'tx-abc' };
      },
      res: { status: 'Accepted' },
      check: (out) => assert.deepEqual(out.payload, { transactionId: 77 }),
    },
    { action: 'RequestStopTransaction', kind: 'answer', req: { transactionId: 'unknown' }, check: (out) => assert.equal(out.payload.status, 'Rejected') },
    { action: 'GetTransactionStatus', kind: 'answer', req: { transactionId: 'tx-abc' }, check: (out) => assert.deepEqual(out.payload, { ongoingIndicator: true, messagesInQueue: false }) },
    { action: 'Reset', kind: 'forward', req: { type: 'Immediate' }, res: { status: 'Accepted' }, check: (out) => assert.equal(out.payload.type, 'Hard') },
    { action: 'Reset', kind: 'answer', req: { type: 'OnIdle', evseId: 1 } },
    { action: 'ChangeAvailability', kind: 'forward', req: { operationalStatus: 'Inoperative', evse: { id: 2 } }, res: { status: 'Scheduled' }, check: (out) => assert.deepEqual(out.payload, { connectorId: 2, type: 'Inoperative' }) },
    { action: 'ChangeAvailability', kind: 'forward', req: { operationalStatus: 'Operative' }, res: { status: 'Accepted' }, check: (out) => assert.equal(out.payload.connectorId, 0) },
    { action: 'UnlockConnector', kind: 'forward', req: { evseId: 1, connectorId: 1 }, res: { status: 'NotSupported' }, check: (_o, back) => assert.equal(back.status, 'UnlockFailed') },
    { action: 'TriggerMessage', kind: 'forward', req: { requestedMessage: 'LogStatusNotification', evse: { id: 1 } }, res: { status: 'Accepted' }, check: (out) => assert.deepEqual(out.payload, { requestedMessage: 'DiagnosticsStatusNotification', connectorId: 1 }) },
    { action: 'TriggerMessage', kind: 'forward', as: 'ExtendedTriggerMessage', req: { requestedMessage: 'SignChargingStationCertificate' }, res: { status: 'Accepted' } },
    { action: 'TriggerMessage', kind: 'answer', req: { requestedMessage: 'PublishFirmwareStatusNotification' }, check: (out) => assert.equal(out.payload.status, 'NotImplemented') },
    {
      action: 'GetVariables', kind: 'forward', as: 'GetConfiguration',
      req: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }, { component: { name: 'Foo' }, variable: { name: 'Bar' } }, { component: { name: 'OCPP16Config' }, variable: { name: 'VendorKey' } }] },
      res: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }, { key: 'VendorKey', readonly: true, value: 'v' }] },
      check: (out, back) => {
        assert.deepEqual(out.payload.key, ['HeartbeatInterval', 'VendorKey']);
        assert.deepEqual(back.getVariableResult.map((r: Json) => r.attributeStatus), ['Accepted', 'UnknownVariable', 'Accepted']);
        assert.equal(back.getVariableResult[0].attributeValue, '300');
      },
    },
    {
      action: 'SetVariables', kind: 'fanout',
      req: { setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '60' }, { component: { name: 'Foo' }, variable: { name: 'Bar' }, attributeValue: 'x' }, { component: { name: 'AuthCtrlr' }, variable: { name: 'LocalPreAuthorize' }, attributeValue: 'true' }] },
      res: [{ status: 'Accepted' }, { status: 'NotSupported' }],
      check: (out, back) => {
        assert.deepEqual(out.calls.map((c: Json) => c.payload), [{ key: 'HeartbeatInterval', value: '60' }, { key: 'LocalPreAuthorize', value: 'true' }]);
        assert.deepEqual(back.setVariableResult.map((r: Json) => r.attributeStatus), ['Accepted', 'UnknownVariable', 'UnknownVariable']);
      },
    },
    {
      action: 'GetBaseReport', kind: 'answer', req: { requestId: 8, reportBase: 'FullInventory' },
      check: (_o, _b, tc) => {
        assert.equal(tc.calls.length, 1);
        assert.equal(tc.calls[0]!.action, 'GetConfiguration');
        tc.calls[0]!.onAnswer!({ ok: true, payload: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }, { key: 'VendorKey', readonly: true }] } });
        const report = tc.calls[1]!;
        assert.equal(report.action, 'NotifyReport');
        assertValid('2.0.1', 'request', 'NotifyReport', report.payload);
        assert.equal(report.payload.requestId, 8);
        assert.deepEqual(report.payload.reportData.map((r: Json) => `${r.component.name}.${r.variable.name}`), ['OCPPCommCtrlr.HeartbeatInterval', 'OCPP16Config.VendorKey']);
      },
    },
    {
      action: 'SendLocalList', kind: 'forward',
      req: { versionNumber: 2, updateType: 'Full', localAuthorizationList: [{ idToken: tok('A'), idTokenInfo: { status: 'Accepted', cacheExpiryDateTime: T } }] },
      res: { status: 'NotSupported' },
      check: (out, back) => {
        assert.deepEqual(out.payload, { listVersion: 2, updateType: 'Full', localAuthorizationList: [{ idTag: 'A', idTagInfo: { status: 'Accepted', expiryDate: T } }] });
        assert.equal(back.status, 'Failed');
      },
    },
    { action: 'GetLocalListVersion', kind: 'forward', req: {}, res: { listVersion: 3 }, check: (_o, back) => assert.deepEqual(back, { versionNumber: 3 }) },
    { action: 'ReserveNow', kind: 'forward', req: { id: 7, expiryDateTime: T, idToken: tok('TAG1'), evseId: 1, groupIdToken: tok('G') }, res: { status: 'Accepted' }, check: (out) => assert.deepEqual(out.payload, { connectorId: 1, expiryDate: T, idTag: 'TAG1', parentIdTag: 'G', reservationId: 7 }) },
    { action: 'CancelReservation', kind: 'forward', req: { reservationId: 7 }, res: { status: 'Rejected' } },
    { action: 'ClearCache', kind: 'forward', req: {}, res: { status: 'Accepted' } },
    { action: 'DataTransfer', kind: 'forward', req: { vendorId: 'V', messageId: 'M', data: { x: [1, 2] } }, res: { status: 'Accepted', data: 'ok' }, check: (out) => assert.equal(out.payload.data, '{"x":[1,2]}') },
    {
      action: 'SetChargingProfile', kind: 'forward', req: { evseId: 0, chargingProfile: profile201('ChargingStationMaxProfile', 2) }, res: { status: 'NotSupported' },
      check: (out, back, tc) => {
        assert.equal(out.payload.csChargingProfiles.chargingProfilePurpose, 'ChargePointMaxProfile');
        assert.equal(back.status, 'Rejected');
        assert.ok(tc.flags.some((f) => f.includes('schedules')));
      },
    },
    { action: 'SetChargingProfile', kind: 'answer', req: { evseId: 0, chargingProfile: profile201('ChargingStationExternalConstraints') } },
    { action: 'ClearChargingProfile', kind: 'forward', req: { chargingProfileId: 5, chargingProfileCriteria: { evseId: 1, chargingProfilePurpose: 'TxDefaultProfile', stackLevel: 1 } }, res: { status: 'Unknown' } },
    {
      action: 'GetCompositeSchedule', kind: 'forward', req: { duration: 3600, evseId: 1, chargingRateUnit: 'W' },
      res: { status: 'Accepted', connectorId: 1, scheduleStart: T, chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] } },
      check: (_o, back) => assert.deepEqual(back.schedule, { evseId: 1, duration: 3600, scheduleStart: T, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }),
    },
    { action: 'UpdateFirmware', kind: 'forward', as: 'UpdateFirmware', req: { requestId: 9, retries: 2, firmware: { location: 'https://fw.example/1.bin', retrieveDateTime: T } }, res: {}, check: (_o, back, tc) => { assert.deepEqual(back, { status: 'Accepted' }); assert.equal(tc.state.firmwareRequest?.requestId, 9); } },
    { action: 'UpdateFirmware', kind: 'forward', as: 'SignedUpdateFirmware', req: { requestId: 10, firmware: { location: 'https://fw.example/2.bin', retrieveDateTime: T, signingCertificate: 'CERT', signature: 'SIG' } }, res: { status: 'InvalidCertificate' } },
    { action: 'GetLog', kind: 'forward', as: 'GetDiagnostics', req: { logType: 'DiagnosticsLog', requestId: 11, log: { remoteLocation: 'ftp://logs.example/', oldestTimestamp: T } }, res: { fileName: 'diag.zip' }, check: (_o, back) => assert.deepEqual(back, { status: 'Accepted', filename: 'diag.zip' }) },
    { action: 'GetLog', kind: 'forward', as: 'GetLog', req: { logType: 'SecurityLog', requestId: 12, log: { remoteLocation: 'ftp://logs.example/' } }, res: { status: 'Accepted', filename: 'sec.log' } },
    { action: 'CertificateSigned', kind: 'forward', req: { certificateChain: 'PEM', certificateType: 'ChargingStationCertificate' }, res: { status: 'Accepted' } },
    { action: 'InstallCertificate', kind: 'forward', req: { certificateType: 'CSMSRootCertificate', certificate: 'PEM' }, res: { status: 'Failed' }, check: (out) => assert.equal(out.payload.certificateType, 'CentralSystemRootCertificate') },
    { action: 'InstallCertificate', kind: 'answer', req: { certificateType: 'V2GRootCertificate', certificate: 'PEM' } },
    { action: 'DeleteCertificate', kind: 'forward', req: { certificateHashData: hash }, res: { status: 'NotFound' } },
    {
      action: 'GetInstalledCertificateIds', kind: 'forward', req: { certificateType: ['ManufacturerRootCertificate'] }, res: { status: 'Accepted', certificateHashData: [hash] },
      check: (_o, back) => assert.deepEqual(back.certificateHashDataChain, [{ certificateType: 'ManufacturerRootCertificate', certificateHashData: hash }]),
    },
  ]);
});

describe('2.0.1 station → 1.6 CSMS: station CALLs', () => {
  const started = (extra: Json = {}) => ({
    eventType: 'Started', timestamp: T, triggerReason: 'Authorized', seqNo: 0,
    transactionInfo: { transactionId: 'TX-201-A', chargingState: 'Charging', remoteStartId: 3 },
    evse: { id: 1, connectorId: 1 }, idToken: tok('TAG201'),
    meterValue: [{ timestamp: T, sampledValue: [{ value: 12.5, context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh' } }] }],
    ...extra,
  });
  run('2.0.1', 'station', [
    {
      action: 'BootNotification', kind: 'forward', req: { reason: 'PowerUp', chargingStation: { vendorName: 'A vendor name that is longer than twenty', model: 'M', serialNumber: 'SN', firmwareVersion: '2.0', modem: { iccid: '89', imsi: '26' } } },
      res: { status: 'Pending', currentTime: T, interval: 30 },
      check: (out, _b, tc) => {
        assert.equal(out.payload.chargePointVendor, 'A vendor name that i');
        assert.ok(tc.flags.some((f) => f.includes('vendorName')));
      },
    },
    { action: 'Heartbeat', kind: 'forward', req: {}, res: { currentTime: T } },
    { action: 'Authorize', kind: 'forward', req: { idToken: tok('TAG201') }, res: { idTagInfo: { status: 'Blocked', parentIdTag: 'P' } }, check: (_o, back) => assert.deepEqual(back.idTokenInfo, { status: 'Blocked', groupIdToken: tok('P') }) },
    { action: 'StatusNotification', kind: 'forward', req: { timestamp: T, connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }, res: {}, check: (out) => assert.deepEqual(out.payload, { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: T }) },
    {
      action: 'TransactionEvent', kind: 'forward', as: 'StartTransaction', req: started(), res: { transactionId: 555, idTagInfo: { status: 'Accepted' } },
      check: (out, back, tc) => {
        assert.deepEqual(out.payload, { connectorId: 1, idTag: 'TAG201', meterStart: 12500, timestamp: T });
        assert.deepEqual(back, { idTokenInfo: { status: 'Accepted' } });
        assert.equal(tc.state.txs[0]!.int, 555);
        // the charging state reached the 1.6 CSMS as a StatusNotification once StartTransaction was answered
        assert.deepEqual(tc.calls.map((c) => [c.action, c.payload.status]), [['StatusNotification', 'Charging']]);
      },
    },
    {
      action: 'TransactionEvent', kind: 'forward', as: 'MeterValues',
      req: { eventType: 'Updated', timestamp: T, triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: 'TX-201-A' }, meterValue: [{ timestamp: T, sampledValue: [{ value: 13, unitOfMeasure: { unit: 'kWh' } }, { value: 7.2, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 3 } }, { value: 1, measurand: 'Energy.Apparent.Net' }] }] },
      res: {},
      check: (out, _b, tc) => {
        assert.equal(out.payload.transactionId, 555);
        assert.deepEqual(out.payload.meterValue[0].sampledValue, [{ unit: 'kWh', value: '13' }, { measurand: 'Power.Active.Import', unit: 'W', value: '7200' }]);
        assert.ok(tc.flags.some((f) => f.includes('Energy.Apparent.Net')));
      },
    },
    { action: 'TransactionEvent', kind: 'forward', as: 'StatusNotification', req: { eventType: 'Updated', timestamp: T, triggerReason: 'ChargingStateChanged', seqNo: 2, transactionInfo: { transactionId: 'TX-201-A', chargingState: 'SuspendedEV' } }, res: {}, check: (out) => assert.equal(out.payload.status, 'SuspendedEV') },
    { action: 'TransactionEvent', kind: 'answer', req: { eventType: 'Updated', timestamp: T, triggerReason: 'Trigger', seqNo: 3, transactionInfo: { transactionId: 'TX-201-A' } } },
    {
      action: 'TransactionEvent', kind: 'forward', as: 'StopTransaction',
      req: { eventType: 'Ended', timestamp: T, triggerReason: 'StopAuthorized', seqNo: 4, transactionInfo: { transactionId: 'TX-201-A', stoppedReason: 'SOCLimitReached' }, idToken: tok('TAG201'), meterValue: [{ timestamp: T, sampledValue: [{ value: 20000, context: 'Transaction.End' }] }] },
      res: { idTagInfo: { status: 'Accepted' } },
      check: (out, back, tc) => {
        assert.equal(out.payload.transactionId, 555);
        assert.equal(out.payload.meterStop, 20000);
        assert.equal(out.payload.reason, 'Other');
        assert.deepEqual(back, { idTokenInfo: { status: 'Accepted' } });
        assert.deepEqual(tc.calls.map((c) => [c.action, c.payload.status]), [['StatusNotification', 'Finishing']]);
      },
    },
    // a transaction started without an idToken (cable first): StartTransaction waits for the token
    { action: 'TransactionEvent', kind: 'answer', req: { eventType: 'Started', timestamp: T, triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: 'TX-201-B' }, evse: { id: 2, connectorId: 1 } } },
    { action: 'TransactionEvent', kind: 'forward', as: 'StartTransaction', req: { eventType: 'Updated', timestamp: T, triggerReason: 'Authorized', seqNo: 1, transactionInfo: { transactionId: 'TX-201-B' }, idToken: tok('LATE') }, res: { transactionId: 556, idTagInfo: { status: 'Accepted' } }, check: (out) => assert.equal(out.payload.connectorId, 2) },
    { action: 'MeterValues', kind: 'forward', req: { evseId: 0, meterValue: [{ timestamp: T, sampledValue: [{ value: 50.1, measurand: 'Frequency' }] }] }, res: {}, check: (out) => assert.equal(out.payload.connectorId, 0) },
    { action: 'DataTransfer', kind: 'forward', req: { vendorId: 'V', data: { deep: true } }, res: { status: 'Accepted', data: 'x' }, check: (out) => assert.equal(out.payload.data, '{"deep":true}') },
    { action: 'LogStatusNotification', kind: 'forward', req: { status: 'Uploading', requestId: 4 }, res: {} },
    { action: 'FirmwareStatusNotification', kind: 'forward', req: { status: 'InstallScheduled', requestId: 4 }, res: {}, check: (out) => assert.deepEqual(out.payload, { status: 'Downloaded' }) },
    { action: 'SecurityEventNotification', kind: 'forward', req: { type: 'FirmwareUpdated', timestamp: T }, res: {} },
    { action: 'SignCertificate', kind: 'forward', req: { csr: 'CSR', certificateType: 'ChargingStationCertificate' }, res: { status: 'Rejected' } },
    { action: 'SignCertificate', kind: 'error', req: { csr: 'CSR', certificateType: 'V2GCertificate' } },
  ]);
});

describe('2.0.1 station ← 1.6 CSMS: CSMS CALLs', () => {
  run('2.0.1', 'csms', [
    {
      action: 'RemoteStartTransaction', kind: 'forward', as: 'RequestStartTransaction', req: { connectorId: 1, idTag: 'TAG1', chargingProfile: { ...profile16, chargingProfilePurpose: 'TxProfile', recurrencyKind: undefined, chargingProfileKind: 'Relative' } },
      res: { status: 'Accepted', transactionId: 'abc' },
      check: (out, back) => {
        assert.equal(out.payload.remoteStartId, 1);
        assert.equal(out.payload.evseId, 1);
        assert.deepEqual(back, { status: 'Accepted' });
      },
    },
    {
      action: 'RemoteStopTransaction', kind: 'forward', as: 'RequestStopTransaction',
      req: (tc: RecordingContext) => {
        tc.state.txs.push({ id: 'TX-9', int: 9, connector: 1, evseId: 1, evseConnector: 1, seqNo: 0, started: true, ended: false, startedAt: T });
        return { transactionId: 9 };
      },
      res: { status: 'Accepted' },
      check: (out) => assert.deepEqual(out.payload, { transactionId: 'TX-9' }),
    },
    { action: 'RemoteStopTransaction', kind: 'answer', req: { transactionId: 12345 }, check: (out) => assert.deepEqual(out.payload, { status: 'Rejected' }) },
    { action: 'Reset', kind: 'forward', req: { type: 'Soft' }, res: { status: 'Scheduled' }, check: (out, back) => { assert.equal(out.payload.type, 'OnIdle'); assert.equal(back.status, 'Accepted'); } },
    { action: 'ChangeAvailability', kind: 'forward', req: { connectorId: 0, type: 'Inoperative' }, res: { status: 'Scheduled' }, check: (out) => assert.deepEqual(out.payload, { operationalStatus: 'Inoperative' }) },
    { action: 'ChangeAvailability', kind: 'forward', req: { connectorId: 2, type: 'Operative' }, res: { status: 'Accepted' }, check: (out) => assert.deepEqual(out.payload.evse, { id: 2 }) },
    { action: 'UnlockConnector', kind: 'forward', req: { connectorId: 1 }, res: { status: 'OngoingAuthorizedTransaction' }, check: (out, back) => { assert.deepEqual(out.payload, { evseId: 1, connectorId: 1 }); assert.equal(back.status, 'UnlockFailed'); } },
    { action: 'TriggerMessage', kind: 'forward', req: { requestedMessage: 'DiagnosticsStatusNotification' }, res: { status: 'Accepted' }, check: (out) => assert.equal(out.payload.requestedMessage, 'LogStatusNotification') },
    { action: 'TriggerMessage', kind: 'forward', req: { requestedMessage: 'StatusNotification', connectorId: 1 }, res: { status: 'Rejected' } },
    { action: 'ExtendedTriggerMessage', kind: 'forward', as: 'TriggerMessage', req: { requestedMessage: 'SignChargePointCertificate' }, res: { status: 'Accepted' } },
    {
      action: 'GetConfiguration', kind: 'forward', as: 'GetVariables', req: { key: ['HeartbeatInterval', 'NoSuchKey', 'MeterValuesSampledData'] },
      res: { getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' }, { attributeStatus: 'UnknownVariable', component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedMeasurands' } }] },
      check: (_o, back) => {
        assert.deepEqual(back.configurationKey, [{ key: 'HeartbeatInterval', readonly: false, value: '300' }]);
        assert.deepEqual(back.unknownKey.sort(), ['MeterValuesSampledData', 'NoSuchKey']);
      },
    },
    { action: 'GetConfiguration', kind: 'forward', as: 'GetVariables', req: {}, res: { getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' }] } },
    { action: 'GetConfiguration', kind: 'answer', req: { key: ['Nope'] }, check: (out) => assert.deepEqual(out.payload, { unknownKey: ['Nope'] }) },
    {
      action: 'ChangeConfiguration', kind: 'forward', as: 'SetVariables', req: { key: 'MeterValueSampleInterval', value: '60' },
      res: { setVariableResult: [{ attributeStatus: 'RebootRequired', component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' } }] },
      check: (out, back) => {
        assert.deepEqual(out.payload.setVariableData[0], { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' }, attributeValue: '60' });
        assert.equal(back.status, 'RebootRequired');
      },
    },
    { action: 'ChangeConfiguration', kind: 'answer', req: { key: 'VendorThing', value: '1' }, check: (out) => assert.equal(out.payload.status, 'NotSupported') },
    { action: 'SendLocalList', kind: 'forward', req: { listVersion: 4, updateType: 'Differential', localAuthorizationList: [{ idTag: 'A', idTagInfo: { status: 'Blocked', parentIdTag: 'P' } }, { idTag: 'B' }] }, res: { status: 'VersionMismatch' } },
    { action: 'GetLocalListVersion', kind: 'forward', req: {}, res: { versionNumber: 4 }, check: (_o, back) => assert.deepEqual(back, { listVersion: 4 }) },
    { action: 'ReserveNow', kind: 'forward', req: { connectorId: 0, expiryDate: T, idTag: 'TAG1', reservationId: 3, parentIdTag: 'P' }, res: { status: 'Occupied' }, check: (out) => assert.equal(out.payload.evseId, undefined) },
    { action: 'CancelReservation', kind: 'forward', req: { reservationId: 3 }, res: { status: 'Accepted' } },
    { action: 'ClearCache', kind: 'forward', req: {}, res: { status: 'Rejected' } },
    { action: 'DataTransfer', kind: 'forward', req: { vendorId: 'V', data: 'abc' }, res: { status: 'Accepted', data: { obj: 1 } }, check: (_o, back) => assert.equal(back.data, '{"obj":1}') },
    { action: 'SetChargingProfile', kind: 'forward', req: { connectorId: 1, csChargingProfiles: profile16 }, res: { status: 'Accepted' }, check: (out) => assert.equal(out.payload.chargingProfile.chargingSchedule[0].id, 5) },
    { action: 'ClearChargingProfile', kind: 'forward', req: { connectorId: 0, chargingProfilePurpose: 'ChargePointMaxProfile' }, res: { status: 'Accepted' }, check: (out) => assert.deepEqual(out.payload, { chargingProfileCriteria: { evseId: 0, chargingProfilePurpose: 'ChargingStationMaxProfile' } }) },
    { action: 'GetCompositeSchedule', kind: 'forward', req: { connectorId: 1, duration: 600 }, res: { status: 'Accepted', schedule: { evseId: 1, duration: 600, scheduleStart: T, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10, phaseToUse: 1 }] } } },
    { action: 'UpdateFirmware', kind: 'forward', req: { location: 'https://fw.example/x.bin', retrieveDate: T, retries: 3 }, res: { status: 'Accepted' }, check: (out, back) => { assert.equal(out.payload.firmware.retrieveDateTime, T); assert.deepEqual(back, {}); } },
    { action: 'GetDiagnostics', kind: 'forward', as: 'GetLog', req: { location: 'ftp://x.example/', startTime: T }, res: { status: 'Accepted', filename: 'd.tgz' }, check: (out, back) => { assert.equal(out.payload.logType, 'DiagnosticsLog'); assert.deepEqual(back, { fileName: 'd.tgz' }); } },
    { action: 'GetLog', kind: 'forward', req: { logType: 'SecurityLog', requestId: 20, log: { remoteLocation: 'ftp://x.example/' } }, res: { status: 'AcceptedCanceled', statusInfo: { reasonCode: 'r' } } },
    { action: 'SignedUpdateFirmware', kind: 'forward', as: 'UpdateFirmware', req: { requestId: 21, firmware: { location: 'https://fw.example/y', retrieveDateTime: T, signingCertificate: 'C', signature: 'S' } }, res: { status: 'Accepted' } },
    { action: 'CertificateSigned', kind: 'forward', req: { certificateChain: 'PEM' }, res: { status: 'Accepted' } },
    { action: 'InstallCertificate', kind: 'forward', req: { certificateType: 'CentralSystemRootCertificate', certificate: 'PEM' }, res: { status: 'Accepted' } },
    { action: 'DeleteCertificate', kind: 'forward', req: { certificateHashData: hash }, res: { status: 'Accepted' } },
    { action: 'GetInstalledCertificateIds', kind: 'forward', req: { certificateType: 'CentralSystemRootCertificate' }, res: { status: 'Accepted', certificateHashDataChain: [{ certificateType: 'CSMSRootCertificate', certificateHashData: hash }] }, check: (_o, back) => assert.deepEqual(back.certificateHashData, [hash]) },
  ]);
});
