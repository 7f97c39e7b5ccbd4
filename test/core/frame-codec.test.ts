import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, encodeFrame, errorForMalformed, sniffMessageId } from '../../src/core/frame-codec.js';
import { parseStationPath, upstreamUrlFor, basicAuthUser } from '../../src/core/station-path.js';
import { parseHostPort } from '../../src/core/parse-options.js';

test('decodes the three OCPP-J message types', () => {
  assert.deepEqual(decodeFrame('[2,"1","Heartbeat",{}]').frame, { type: 2, id: '1', action: 'Heartbeat', payload: {} });
  assert.deepEqual(decodeFrame('[3,"1",{"a":1}]').frame, { type: 3, id: '1', payload: { a: 1 } });
  assert.deepEqual(decodeFrame('[4,"1","NotSupported","no",{}]').frame, { type: 4, id: '1', code: 'NotSupported', description: 'no', details: {} });
});

test('says why a frame is not OCPP-J', () => {
  const reason = (t: string) => decodeFrame(t).malformed?.reason;
  assert.equal(reason('nope'), 'not-json');
  assert.equal(reason('"str"'), 'not-array');
  assert.equal(reason('[2,"1","Heartbeat"]'), 'bad-arity');
  assert.equal(reason('[2,"1","Heartbeat",[]]'), 'bad-arity');
  assert.equal(reason('[3,"1"]'), 'bad-arity');
  assert.equal(reason('[4,"1","X","y"]'), 'bad-arity');
  assert.equal(reason('[2,"1","",{}]'), 'bad-action');
  assert.equal(reason('[2,1,"Heartbeat",{}]'), 'bad-message-id');
  assert.equal(reason(`[2,"${'x'.repeat(37)}","Heartbeat",{}]`), 'bad-message-id');
  assert.equal(reason('[5,"1",{}]'), 'unknown-message-type');
});

test('types 5 (CALLRESULTERROR) and 6 (SEND) decode on OCPP 2.1 only, and encode back', () => {
  const cre = '[5,"1","FormatViolation","bad",{"x":1}]';
  const send = '[6,"2","NotifyPeriodicEventStream",{"id":1}]';
  assert.deepEqual(decodeFrame(cre, '2.1').frame, { type: 5, id: '1', code: 'FormatViolation', description: 'bad', details: { x: 1 } });
  assert.deepEqual(decodeFrame(send, '2.1').frame, { type: 6, id: '2', action: 'NotifyPeriodicEventStream', payload: { id: 1 } });
  assert.equal(encodeFrame(decodeFrame(cre, '2.1').frame!), cre);
  assert.equal(encodeFrame(decodeFrame(send, '2.1').frame!), send);
  for (const v of [undefined, '1.6', '2.0.1'] as const) {
    assert.equal(decodeFrame(cre, v).malformed?.reason, 'unknown-message-type', String(v));
    assert.match(decodeFrame(send, v).malformed!.detail, /none of 2 \(CALL\), 3 \(CALLRESULT\), 4 \(CALLERROR\)$/);
  }
  const reason = (t: string) => decodeFrame(t, '2.1').malformed?.reason;
  assert.equal(reason('[6,"1","X"]'), 'bad-arity');
  assert.equal(reason('[6,"1","",{}]'), 'bad-action');
  assert.equal(reason('[5,"1","X","y"]'), 'bad-arity');
  assert.match(decodeFrame('[7,"1",{}]', '2.1').malformed!.detail, /5 \(CALLRESULTERROR\), 6 \(SEND\)$/);
});

test('reads the message id of a broken frame when it can, else -1', () => {
  assert.equal(sniffMessageId('[2, "abc-1", "Heart'), 'abc-1');
  assert.equal(sniffMessageId('garbage'), '-1');
  assert.equal(decodeFrame('[2,"keep-me","Heartbeat",').malformed?.messageId, 'keep-me');
});

test('error codes differ by version', () => {
  const info = decodeFrame('[9,"z",{}]').malformed!;
  assert.equal(errorForMalformed(info, '2.0.1').code, 'MessageTypeNotSupported');
  assert.equal(errorForMalformed(info, '1.6').code, 'GenericError');
  const notJson = decodeFrame('{').malformed!;
  assert.equal(errorForMalformed(notJson, '2.0.1').code, 'FormatViolation');
  assert.equal(errorForMalformed(notJson, '1.6').code, 'FormationViolation');
});

test('encodes frames, capping an error description at 255 characters', () => {
  assert.equal(encodeFrame({ type: 3, id: 'a', payload: { b: 1 } }), '[3,"a",{"b":1}]');
  const long = encodeFrame({ type: 4, id: 'a', code: 'GenericError', description: 'x'.repeat(400), details: {} });
  assert.equal(JSON.parse(long)[3].length, 255);
});

test('station identity, upstream URL, Basic-auth user and listen addresses', () => {
  assert.deepEqual(parseStationPath('/ocpp/v16/CP%2F001?x=1'), { identity: 'CP/001', path: '/ocpp/v16/CP%2F001' });
  assert.ok('error' in parseStationPath('/'));
  assert.ok('error' in parseStationPath('/ocpp/%E0%A4%A'));
  assert.equal(upstreamUrlFor('ws://csms/ocpp', 'CP/1'), 'ws://csms/ocpp/CP%2F1');
  assert.equal(upstreamUrlFor('ws://csms/ocpp/?t=1', 'A'), 'ws://csms/ocpp/A?t=1');
  assert.equal(basicAuthUser('Basic ' + Buffer.from('CP1:pw:with:colons').toString('base64')), 'CP1');
  assert.equal(basicAuthUser('Bearer x'), undefined);
  assert.deepEqual(parseHostPort('127.0.0.1:9000'), { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseHostPort('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseHostPort('9000'), { host: '0.0.0.0', port: 9000 });
  assert.throws(() => parseHostPort('host:99999'), /out of range/);
  assert.throws(() => parseHostPort('nonsense'), /not HOST:PORT/);
});
