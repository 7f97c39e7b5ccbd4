/** The value converters the translators share, and CALLERROR codes crossing versions end to end. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { energyWh, errorCodeFor, meterValues16to201, meterValues201to16, profile16to201, profile201to16 } from '../../src/translate/convert-values.js';
import { buildKeyMap, keyOf, targetOf } from '../../src/translate/config-keys.js';
import { assertValid, testContext } from './translate-helpers.js';
import { startRig } from './translate-rig.js';

const T = '2026-11-21T10:00:00.000Z';

it('CALLERROR codes are spelled for the receiver', () => {
  assert.equal(errorCodeFor('FormatViolation', '1.6'), 'FormationViolation');
  assert.equal(errorCodeFor('OccurrenceConstraintViolation', '1.6'), 'OccurenceConstraintViolation');
  assert.equal(errorCodeFor('RpcFrameworkError', '1.6'), 'GenericError');
  assert.equal(errorCodeFor('MessageTypeNotSupported', '1.6'), 'GenericError');
  assert.equal(errorCodeFor('FormationViolation', '2.0.1'), 'FormatViolation');
  assert.equal(errorCodeFor('OccurenceConstraintViolation', '2.0.1'), 'OccurrenceConstraintViolation');
  assert.equal(errorCodeFor('NotSupported', '2.0.1'), 'NotSupported');
  assert.equal(errorCodeFor('SomethingMadeUp', '1.6'), 'GenericError');
});

it('meter values: multiplier applied toward 1.6 without float noise, signed data both ways, energy register found', () => {
  const tc = testContext({ stationVersion: '2.0.1' });
  const to16 = meterValues201to16([{ timestamp: T, sampledValue: [
    { value: 7.2, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 3 } },
    { value: 12, signedMeterValue: { signedMeterData: 'QUJD', signingMethod: 'ECDSA', encodingMethod: 'OCMF', publicKey: 'KEY' } },
  ] }], tc);
  assert.deepEqual(to16[0].sampledValue, [
    { measurand: 'Power.Active.Import', unit: 'W', value: '7200' },
    { value: '12' },
    { format: 'SignedData', value: 'QUJD' },
  ]);
  assertValid('1.6', 'request', 'MeterValues', { connectorId: 1, meterValue: to16 });
  const back = meterValues16to201([{ timestamp: T, sampledValue: [{ value: 'QUJD', format: 'SignedData' }, { value: '1.5', unit: 'kWh' }] }], tc);
  assert.equal(back[0].sampledValue[0].signedMeterValue.signedMeterData, 'QUJD');
  assertValid('2.0.1', 'request', 'MeterValues', { evseId: 1, meterValue: back });
  assert.equal(energyWh([{ timestamp: T, sampledValue: [{ value: '1.5', unit: 'kWh' }] }]), 1500);
  assert.equal(energyWh([{ timestamp: T, sampledValue: [{ value: 3, unitOfMeasure: { unit: 'Wh', multiplier: 3 } }, { value: 9, context: 'Transaction.End' }] }], 'Transaction.End'), 9);
  assert.equal(energyWh([{ timestamp: T, sampledValue: [{ value: '230', measurand: 'Voltage' }] }]), undefined);
});

it('charging profiles keep their limits and map transaction ids both ways', () => {
  const tc = testContext({ stationVersion: '1.6' });
  tc.state.txs.push({ id: 'TX-S', int: 31, connector: 1, evseId: 1, evseConnector: 1, seqNo: 0, started: true, ended: false, startedAt: T });
  const p201 = { id: 9, stackLevel: 2, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', transactionId: 'TX-S', chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6.5, numberPhases: 1 }] }] };
  const p16 = profile201to16(p201, tc);
  assert.equal(p16.transactionId, 31);
  assert.equal(p16.chargingSchedule.chargingSchedulePeriod[0].limit, 6.5);
  const again = profile16to201(p16, tc);
  assert.equal(again.transactionId, 'TX-S');
  assert.deepEqual(again.chargingSchedule[0].chargingSchedulePeriod, p201.chargingSchedule[0]!.chargingSchedulePeriod);
});

it('configuration keys map both ways, instances included, user entries override', () => {
  const map = buildKeyMap({ HeartbeatInterval: { component: 'Custom', variable: 'HB' } });
  assert.equal(keyOf(map, 'OCPP16Config', { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageAttempts', instance: 'TransactionEvent' } }), 'TransactionMessageAttempts');
  assert.equal(keyOf(map, 'OCPP16Config', { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'MessageAttempts' } }), undefined);
  assert.equal(keyOf(map, 'OCPP16Config', { component: { name: 'Custom' }, variable: { name: 'HB' } }), 'HeartbeatInterval');
  assert.equal(keyOf(map, 'OCPP16Config', { component: { name: 'OCPP16Config' }, variable: { name: 'VendorX' } }), 'VendorX');
  assert.deepEqual(targetOf(map, 'OCPP16Config', 'VendorX'), { component: { name: 'OCPP16Config' }, variable: { name: 'VendorX' }, mapped: false });
});

it('a CALLERROR from the 2.0.1 CSMS reaches the 1.6 station with its 1.6 spelling', async () => {
  const rig = await startRig({
    stationVersion: '1.6',
    identity: 'CP-ERR',
    csmsHandlers: { Heartbeat: () => { throw Object.assign(new Error('bad'), { rpcErrorCode: 'FormatViolation' }); } },
  });
  try {
    await assert.rejects(rig.station.call('Heartbeat', {}), (err: any) => err.rpcErrorCode === 'FormationViolation');
  } finally {
    await rig.close();
  }
});
