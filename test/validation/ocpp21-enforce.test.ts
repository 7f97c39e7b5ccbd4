/**
 * Validation of OCPP 2.1 frames through the real relay, against the 2.1 schemas of their own version: enforce
 * answers an invalid CALL with a CALLERROR, an invalid CALLRESULT with a CALLRESULTERROR toward its sender and a
 * CALLERROR at once toward the caller; a 2.0.1 frame breaking a constraint 2.1 added is refused on 2.1 only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createValidationAddon } from '../../src/validation/validation-addon.js';
import { createValidator } from '../../src/validation/validator.js';
import { rawRelayRig, until } from '../support/raw-relay-rig.js';

const ts = '2026-01-01T10:00:00.000Z';
const validator = createValidator({ lazy: true });

const rig = (protocol: string, answer: (call: unknown[]) => string | undefined) =>
  rawRelayRig({ protocol, identity: 'CP-V21', answer, addons: [createValidationAddon({ mode: 'enforce', validator })], relay: { malformed: 'refuse' } });

test('2.1 enforce: an invalid CALL is answered with a CALLERROR naming the 2.1 schema, and not forwarded', async () => {
  const r = await rig('ocpp2.1', () => undefined);
  try {
    // chargingStation.model is required (OccurrenceConstraintViolation in 2.0.1's and 2.1's table).
    r.station.send(JSON.stringify([2, 'b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V' } }]));
    const err = await r.station.next();
    assert.deepEqual(err.slice(0, 3), [4, 'b1', 'OccurrenceConstraintViolation']);
    assert.match(err[3], /model/);
    assert.equal(err[4].schema, '2.1/BootNotificationRequest');
    const rec = await r.rec.waitFor((m) => m.messageId === 'b1' && m.origin === 'wire');
    assert.ok(rec.dropped);
    assert.equal(r.csms.received.length, 0);
  } finally {
    await r.close();
  }
});

test('2.1 enforce: an invalid CALLRESULT gets a CALLRESULTERROR toward its sender and a CALLERROR at once toward the caller', async () => {
  // The CSMS answers BootNotification without the required `interval`.
  const r = await rig('ocpp2.1', (call) => JSON.stringify([3, call[1], { status: 'Accepted', currentTime: ts }]));
  try {
    const started = performance.now();
    r.station.send(JSON.stringify([2, 'b2', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]));
    const toStation = await r.station.next();
    assert.deepEqual(toStation.slice(0, 3), [4, 'b2', 'OccurrenceConstraintViolation'], 'the station gets a CALLERROR for its CALL');
    assert.ok(performance.now() - started < 2000, 'at once, not after a timeout');
    // The CSMS, which sent the CALLRESULT, gets type 5 with the same id.
    await until(() => r.csms.received.length >= 2, 'the CALLRESULTERROR at the CSMS');
    const toCsms = JSON.parse(r.csms.received[1]!);
    assert.deepEqual(toCsms.slice(0, 3), [5, 'b2', 'OccurrenceConstraintViolation']);
    assert.match(toCsms[3], /interval/);
    const refusal = await r.rec.waitFor((m) => m.kind === 'CALLRESULTERROR');
    assert.equal(refusal.origin, 'proxy');
    assert.equal(refusal.direction, 'to-csms');
    assert.equal(refusal.callAction, 'BootNotification', 'correlated to the CALL whose CALLRESULT it refuses');
  } finally {
    await r.close();
  }
});

test('2.0.1 enforce: an invalid CALLRESULT gets no CALLRESULTERROR (2.0.1 has none); the caller a CALLERROR', async () => {
  const r = await rig('ocpp2.0.1', (call) => JSON.stringify([3, call[1], { status: 'Accepted', currentTime: ts }]));
  try {
    r.station.send(JSON.stringify([2, 'b3', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]));
    const toStation = await r.station.next();
    assert.deepEqual(toStation.slice(0, 3), [4, 'b3', 'OccurrenceConstraintViolation']);
    r.station.send(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
    await until(() => r.csms.received.length >= 2, 'the Heartbeat');
    assert.equal(JSON.parse(r.csms.received[1]!)[0], 2, 'nothing but CALLs reached the 2.0.1 CSMS');
  } finally {
    await r.close();
  }
});

test('a 2.0.1 frame that breaks a 2.1-only constraint: refused on a 2.1 connection, accepted on a 2.0.1 one', async () => {
  // 2.1 adds minimum: 0 to StatusNotification's evseId; 2.0.1 has no bound.
  const frame = JSON.stringify([2, 's1', 'StatusNotification', { timestamp: ts, connectorStatus: 'Available', evseId: -1, connectorId: 1 }]);
  const ok = (call: unknown[]) => JSON.stringify([3, call[1], {}]);
  const r21 = await rig('ocpp2.1', ok);
  try {
    r21.station.send(frame);
    const err = await r21.station.next();
    assert.equal(err[0], 4);
    assert.equal(err[1], 's1');
    assert.match(err[3], /evseId/);
    assert.equal(err[4].schema, '2.1/StatusNotificationRequest');
    assert.equal(r21.csms.received.length, 0);
  } finally {
    await r21.close();
  }
  const r201 = await rig('ocpp2.0.1', ok);
  try {
    r201.station.send(frame);
    assert.deepEqual(await r201.station.next(), [3, 's1', {}]);
    assert.equal(r201.csms.received[0], frame);
  } finally {
    await r201.close();
  }
});

test('2.1 enforce: an invalid SEND is dropped and answered by nothing; a valid one crosses', async () => {
  const r = await rig('ocpp2.1', () => undefined);
  try {
    r.station.send(JSON.stringify([6, 'n1', 'NotifyPeriodicEventStream', { id: 1, pending: -3, basetime: ts, data: [{ t: 0, v: '1' }] }]));
    const good = JSON.stringify([6, 'n2', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: ts, data: [{ t: 0, v: '1' }] }]);
    r.station.send(good);
    await until(() => r.csms.received.length >= 1, 'the valid SEND');
    assert.deepEqual(r.csms.received, [good]);
    const bad = await r.rec.waitFor((m) => m.messageId === 'n1');
    assert.equal(bad.kind, 'SEND');
    assert.equal(bad.valid, false);
    assert.ok(bad.dropped);
    assert.equal(r.station.messages.length, 0, 'a SEND is never answered');
  } finally {
    await r.close();
  }
});

test('2.1 validator: every 2.1 schema compiles under Ajv strict mode after the loader step, kept apart from 2.0.1', () => {
  const v = createValidator();
  assert.deepEqual(v.stats().schemas['2.1'], { files: 181, actions: 91 });
  assert.ok(v.hasAction('2.1', 'SetDERControl'));
  assert.equal(v.hasAction('2.0.1', 'SetDERControl'), false);
  assert.equal(v.validate('2.0.1', 'request', 'SetDERControl', {}).errorCode, 'NotImplemented');
});
