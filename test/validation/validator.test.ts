import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OcppVersion } from '../../src/core/types.js';
import { MAX_ISSUES } from '../../src/validation/issue-format.js';
import { listSchemaFiles } from '../../src/validation/schema-loader.js';
import { createValidator } from '../../src/validation/validator.js';

const v = createValidator({ lazy: true });

/** The one issue of an invalid verdict, with the error code. */
function only(version: OcppVersion, kind: 'request' | 'response', action: string, payload: unknown) {
  const r = v.validate(version, kind, action, payload);
  assert.equal(r.valid, false, `${action} ${kind} should fail`);
  assert.equal(r.issues.length, 1, JSON.stringify(r.issues));
  return { code: r.errorCode, ...r.issues[0]! };
}

// ---- samples from the spec texts ---------------------------------------------------------------------

test('1.6: the BootNotification.req example of OCPP-J 1.6 §4.2.1 is valid', () => {
  const r = v.validate('1.6', 'request', 'BootNotification', { chargePointVendor: 'VendorX', chargePointModel: 'SingleSocketCharger' });
  assert.deepEqual(r, { valid: true, issues: [], schema: '1.6/BootNotification' });
});

test('1.6: the BootNotification.conf example of OCPP-J 1.6 §4.2.2 breaks the schema (it says heartbeatInterval)', () => {
  const r = v.validate('1.6', 'response', 'BootNotification', { status: 'Accepted', currentTime: '2013-02-01T20:53:32.486Z', heartbeatInterval: 300 });
  assert.equal(r.valid, false);
  assert.equal(r.schema, '1.6/BootNotificationResponse');
  assert.deepEqual(r.issues.map((i) => i.message).sort(), [
    '/heartbeatInterval: field not defined for this message (additionalProperties)',
    '/interval: required field missing (required)',
  ]);
  // With the field named as OCPP 1.6 §6.4 defines it, the answer is valid.
  assert.equal(v.validate('1.6', 'response', 'BootNotification', { status: 'Accepted', currentTime: '2013-02-01T20:53:32.486Z', interval: 300 }).valid, true);
});

test('2.0.1: the BootNotification examples of part 4 §4.2.1 and §4.2.2 are valid', () => {
  const req = v.validate('2.0.1', 'request', 'BootNotification', {
    reason: 'PowerUp',
    chargingStation: { model: 'SingleSocketCharger', vendorName: 'VendorX' },
  });
  assert.deepEqual(req, { valid: true, issues: [], schema: '2.0.1/BootNotificationRequest' });
  const res = v.validate('2.0.1', 'response', 'BootNotification', { currentTime: '2013-02-01T20:53:32.486Z', interval: 300, status: 'Accepted' });
  assert.equal(res.valid, true);
});

test('2.0.1: customData may carry any vendor field but needs vendorId (part 4 §9)', () => {
  const base = { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } };
  assert.equal(v.validate('2.0.1', 'request', 'BootNotification', { ...base, customData: { vendorId: 'com.example', colour: 'red' } }).valid, true);
  const r = only('2.0.1', 'request', 'BootNotification', { ...base, customData: { colour: 'red' } });
  assert.equal(r.message, '/customData/vendorId: required field missing (required)');
  assert.equal(r.code, 'OccurrenceConstraintViolation');
});

// ---- each class of failure, in each version's spelling ------------------------------------------------

test('missing field → occurrence constraint (1.6 spells it OccurenceConstraintViolation)', () => {
  const a = only('1.6', 'request', 'Authorize', {});
  assert.deepEqual(a, { code: 'OccurenceConstraintViolation', path: '/idTag', rule: 'required', message: '/idTag: required field missing (required)' });
  const b = only('2.0.1', 'request', 'BootNotification', { chargingStation: { model: 'M', vendorName: 'V' } });
  assert.deepEqual(b, { code: 'OccurrenceConstraintViolation', path: '/reason', rule: 'required', message: '/reason: required field missing (required)' });
});

test('wrong JSON type → TypeConstraintViolation', () => {
  const a = only('1.6', 'request', 'StartTransaction', { connectorId: '1', idTag: 'T', meterStart: 0, timestamp: '2026-01-01T00:00:00Z' });
  assert.deepEqual(a, { code: 'TypeConstraintViolation', path: '/connectorId', rule: 'type', message: '/connectorId: must be integer, got string "1" (type)' });
  const b = only('2.0.1', 'request', 'TransactionEvent', {
    eventType: 'Started', timestamp: '2026-01-01T00:00:00Z', triggerReason: 'Authorized', seqNo: 3.5, transactionInfo: { transactionId: 'tx-1' },
  });
  assert.equal(b.code, 'TypeConstraintViolation');
  assert.equal(b.message, '/seqNo: must be integer, got number 3.5 (type)');
});

test('value outside enum, length, format or step → PropertyConstraintViolation', () => {
  const e = only('1.6', 'response', 'BootNotification', { status: 'Acceptd', currentTime: '2013-02-01T20:53:32.486Z', interval: 300 });
  assert.deepEqual(e, { code: 'PropertyConstraintViolation', path: '/status', rule: 'enum', message: '/status: "Acceptd" is not one of Accepted, Pending, Rejected (enum)' });

  const long = only('2.0.1', 'request', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V'.repeat(51) } });
  assert.deepEqual(long, {
    code: 'PropertyConstraintViolation', path: '/chargingStation/vendorName', rule: 'maxLength',
    message: '/chargingStation/vendorName: longer than 50 characters (maxLength)',
  });

  const ts = only('2.0.1', 'request', 'TransactionEvent', {
    eventType: 'Started', timestamp: '2026-01-01 10:00', triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'tx-1' },
  });
  assert.deepEqual([ts.code, ts.rule, ts.message], ['PropertyConstraintViolation', 'format', '/timestamp: "2026-01-01 10:00" is not a valid date-time (format)']);
});

test('1.6 charging limits are multiples of 0.1, without floating-point false alarms', () => {
  const profile = (limit: number) => ({
    connectorId: 1,
    csChargingProfiles: {
      chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
    },
  });
  for (const ok of [0.7, 16.3, 32, 0.1]) assert.equal(v.validate('1.6', 'request', 'SetChargingProfile', profile(ok)).valid, true, String(ok));
  const bad = only('1.6', 'request', 'SetChargingProfile', profile(0.75));
  assert.deepEqual([bad.code, bad.path, bad.message], [
    'PropertyConstraintViolation', '/csChargingProfiles/chargingSchedule/chargingSchedulePeriod/0/limit',
    '/csChargingProfiles/chargingSchedule/chargingSchedulePeriod/0/limit: 0.75 is not a multiple of 0.1 (multipleOf)',
  ]);
});

test('unknown field → FormationViolation (1.6) / FormatViolation (2.0.1)', () => {
  const a = only('1.6', 'request', 'Heartbeat', { uptime: 5 });
  assert.deepEqual(a, { code: 'FormationViolation', path: '/uptime', rule: 'additionalProperties', message: '/uptime: field not defined for this message (additionalProperties)' });
  const b = only('2.0.1', 'response', 'Heartbeat', { currentTime: '2026-01-01T00:00:00Z', uptime: 5 });
  assert.equal(b.code, 'FormatViolation');
  assert.equal(b.path, '/uptime');
});

test('unknown action → NotImplemented, in both versions', () => {
  for (const version of ['1.6', '2.0.1'] as const) {
    const r = v.validate(version, 'request', 'FlyToTheMoon', {});
    assert.deepEqual(r, {
      valid: false, errorCode: 'NotImplemented',
      issues: [{ path: '', rule: 'unknown-action', message: `"FlyToTheMoon" is not an OCPP ${version} action` }],
    });
    assert.equal(v.hasAction(version, 'FlyToTheMoon'), false);
  }
  // A 1.6 action is not a 2.0.1 action and the other way round.
  assert.equal(v.hasAction('2.0.1', 'StartTransaction'), false);
  assert.equal(v.hasAction('1.6', 'TransactionEvent'), false);
  assert.equal(v.validate('2.0.1', 'request', 'StartTransaction', {}).errorCode, 'NotImplemented');
});

test('1.6 security extension messages are checked (whitepaper §5)', () => {
  assert.equal(v.hasAction('1.6', 'SignCertificate'), true);
  assert.equal(v.validate('1.6', 'request', 'SecurityEventNotification', { type: 'FirmwareUpdated', timestamp: '2026-01-01T00:00:00Z' }).valid, true);
  const csr = only('1.6', 'request', 'SignCertificate', { csr: 'x'.repeat(5501) });
  assert.deepEqual([csr.code, csr.message], ['PropertyConstraintViolation', '/csr: longer than 5500 characters (maxLength)']);
  const log = only('1.6', 'request', 'GetLog', { logType: 'SecurityLog', requestId: 1 });
  assert.deepEqual([log.code, log.message], ['OccurenceConstraintViolation', '/log: required field missing (required)']);
  const status = only('1.6', 'response', 'GetLog', { status: 'Maybe' });
  assert.equal(status.rule, 'enum');
});

test('every message: {} fails only on required fields, an unknown field is always refused', () => {
  let withRequired = 0;
  for (const f of listSchemaFiles()) {
    const empty = v.validate(f.version, f.kind, f.action, {});
    if (!empty.valid) {
      withRequired++;
      assert.ok(empty.issues.every((i) => i.rule === 'required'), `${f.version} ${f.name}: ${JSON.stringify(empty.issues)}`);
      assert.equal(empty.errorCode, f.version === '1.6' ? 'OccurenceConstraintViolation' : 'OccurrenceConstraintViolation');
    }
    const extra = v.validate(f.version, f.kind, f.action, { zzUnexpected: 1 });
    assert.ok(extra.issues.some((i) => i.rule === 'additionalProperties' && i.path === '/zzUnexpected'), `${f.version} ${f.name}`);
  }
  assert.ok(withRequired > 100, `most messages have required fields (${withRequired})`);
});

test('every problem is reported, up to a bound', () => {
  const r = v.validate('2.0.1', 'request', 'BootNotification', { reason: 'Nope', chargingStation: { model: 5, vendorName: 'V'.repeat(60), extra: true } });
  assert.deepEqual(r.issues.map((i) => i.path).sort(), ['/chargingStation/extra', '/chargingStation/model', '/chargingStation/vendorName', '/reason']);
  // 40 list items each missing three fields: 120 problems, reported as MAX_ISSUES and a count of the rest.
  const many = v.validate('2.0.1', 'request', 'SetVariables', { setVariableData: Array.from({ length: 40 }, () => ({})) });
  assert.equal(many.issues.length, MAX_ISSUES + 1);
  assert.equal(many.issues.at(-1)!.rule, 'truncated');
  assert.equal(many.issues.at(-1)!.message, `… and ${120 - MAX_ISSUES} more problems`);
});

test('long enums are shortened, field names with / are escaped in the pointer', () => {
  const r = only('1.6', 'request', 'MeterValues', {
    connectorId: 1, meterValue: [{ timestamp: '2026-01-01T00:00:00Z', sampledValue: [{ value: '1', measurand: 'Warp.Factor' }] }],
  });
  assert.match(r.message, /^\/meterValue\/0\/sampledValue\/0\/measurand: "Warp.Factor" is not one of Energy.Active.Export.Register, .*, … \(22 values\) \(enum\)$/);
  const slash = only('1.6', 'request', 'Heartbeat', { 'a/b~c': 1 });
  assert.equal(slash.path, '/a~1b~0c');
});

test('per-frame cost stays small (reported, not asserted)', () => {
  const payload = {
    eventType: 'Updated', timestamp: '2026-01-01T00:00:00Z', triggerReason: 'MeterValuePeriodic', seqNo: 3, transactionInfo: { transactionId: 'abc' },
    meterValue: [{ timestamp: '2026-01-01T00:00:00Z', sampledValue: [{ value: 12.5, measurand: 'Energy.Active.Import.Register' }] }],
  };
  assert.equal(v.validate('2.0.1', 'request', 'TransactionEvent', payload).valid, true);
  const n = 20_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) v.validate('2.0.1', 'request', 'TransactionEvent', payload);
  const us = ((performance.now() - t) * 1000) / n;
  console.log(`TransactionEvent request: ${us.toFixed(2)} µs per frame; startup ${v.stats().startupMs.toFixed(0)} ms (lazy)`);
});

test('secrets are never shown in an issue', () => {
  const cfg = only('1.6', 'request', 'ChangeConfiguration', { key: 'AuthorizationKey', value: 31337 });
  assert.equal(cfg.message, '/value: must be string, got integer (type)');
  const plain = only('1.6', 'request', 'ChangeConfiguration', { key: 'HeartbeatInterval', value: 300 });
  assert.equal(plain.message, '/value: must be string, got integer 300 (type)');
  const dm = only('2.0.1', 'request', 'SetVariables', {
    setVariableData: [{ attributeValue: 424242, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }],
  });
  assert.equal(dm.message, '/setVariableData/0/attributeValue: must be string, got integer (type)');
  const apn = v.validate('2.0.1', 'request', 'SetNetworkProfile', {
    configurationSlot: 1,
    connectionData: {
      ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl: 'wss://csms.example/ocpp', messageTimeout: 30, securityProfile: 2, ocppInterface: 'Wireless0',
      apn: { apn: 'internet', apnAuthentication: 'CHAP', apnPassword: 987654 },
    },
  });
  assert.equal(apn.valid, false);
  assert.deepEqual(apn.issues.map((i) => i.message), ['/connectionData/apn/apnPassword: must be string, got integer (type)']);
});
