/**
 * Frames that are not OCPP-J: in observe mode they travel on untouched (the receiver answers as it would);
 * in enforce mode, and beyond --max-frame always, the proxy answers with the error the spec prescribes.
 * Either way the connection survives and the frame is recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RelayEvent } from '../../src/core/addon.js';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { startRelay } from '../../src/core/relay.js';
import { connectRawStation, startCsms } from '../support/ocpp-peers.js';

function recorder() {
  const records: MessageRecord[] = [];
  return {
    records,
    addon: { name: 'recorder', observe: (e: RelayEvent) => e.type === 'message' && records.push(e.message) },
  };
}

const cases = [
  { name: 'not JSON', text: '[2, "abc", "Heartbeat", {', id: 'abc', reason: 'not-json', v16: 'FormationViolation', v201: 'FormatViolation' },
  { name: 'not an array', text: '{"hello":1}', id: '-1', reason: 'not-array', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
  { name: 'CALL with wrong arity', text: '[2, "m2", "Heartbeat"]', id: 'm2', reason: 'bad-arity', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
  { name: 'unreadable message id', text: '[2, 17, "Heartbeat", {}]', id: '-1', reason: 'bad-message-id', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
  { name: 'unknown message type', text: '[7, "m7", "Heartbeat", {}]', id: 'm7', reason: 'unknown-message-type', v16: 'GenericError', v201: 'MessageTypeNotSupported' },
] as const;

for (const version of ['1.6', '2.0.1'] as const) {
  const protocol = version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1';
  test(`enforce ${version}: each malformed frame is answered with the prescribed CALLERROR, never forwarded, and recorded`, async () => {
    const csms = await startCsms({ protocols: [protocol] });
    const rec = recorder();
    const relay = await startRelay({ upstream: csms.url, malformed: 'refuse', addons: [rec.addon] });
    const raw = await connectRawStation(`${relay.url}/ocpp/BAD-${version}`, [protocol]);
    const server = await csms.waitForClient();
    const atCsms: string[] = [];
    server.on('message', (w: { message: Buffer; outbound: boolean }) => !w.outbound && atCsms.push(w.message.toString()));
    for (const c of cases) {
      raw.send(c.text);
      const err = await raw.next();
      assert.deepEqual(err.slice(0, 3), [4, c.id, version === '1.6' ? c.v16 : c.v201], c.name);
      assert.equal(typeof err[3], 'string');
      assert.deepEqual(err[4], {});
    }
    raw.send(Buffer.from([1, 2, 3]), true);
    const binErr = await raw.next();
    assert.deepEqual(binErr.slice(0, 2), [4, '-1'], 'a binary frame is answered with id -1');
    // The connection survived all of it: a good frame still goes through.
    raw.send(JSON.stringify([2, 'ok-1', 'Heartbeat', {}]));
    const ok = await raw.next();
    assert.equal(ok[0], 3);
    assert.equal(atCsms.length, 1, 'only the valid Heartbeat reached the CSMS');
    await new Promise((r) => setTimeout(r, 20));
    const malformed = rec.records.filter((r) => r.kind === 'MALFORMED');
    assert.deepEqual(malformed.map((r) => r.malformed?.reason), [...cases.map((c) => c.reason), 'binary']);
    assert.ok(malformed.every((r) => r.dropped && !r.valid));
    raw.close();
    await relay.close();
    await csms.close();
  });
}

test('observe: a malformed frame reaches the receiver untouched, which answers it itself', async () => {
  const csms = await startCsms({ protocols: ['ocpp2.0.1'] });
  const rec = recorder();
  const relay = await startRelay({ upstream: csms.url, malformed: 'forward', addons: [rec.addon] });
  const raw = await connectRawStation(`${relay.url}/ocpp/OBS-1`, ['ocpp2.0.1']);
  const server = await csms.waitForClient();
  const atCsms: string[] = [];
  server.on('message', (w: { message: Buffer; outbound: boolean }) => !w.outbound && atCsms.push(w.message.toString()));
  raw.send('[2, "x1", "Heartbeat", {');
  const answer = await raw.next();
  assert.equal(answer[0], 4, 'the CSMS (ocpp-rpc) answered with its own CALLERROR');
  assert.deepEqual(atCsms, ['[2, "x1", "Heartbeat", {']);
  await new Promise((r) => setTimeout(r, 20));
  const first = rec.records[0]!;
  assert.equal(first.kind, 'MALFORMED');
  assert.equal(first.valid, false);
  assert.equal(first.dropped, undefined);
  raw.close();
  await relay.close();
  await csms.close();
});

test('a frame beyond --max-frame is refused in any mode and the connection survives', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const relay = await startRelay({ upstream: csms.url, malformed: 'forward', maxFrame: 1000 });
  const raw = await connectRawStation(`${relay.url}/ocpp/BIG-1`);
  raw.send(JSON.stringify([2, 'big-1', 'DataTransfer', { vendorId: 'v', data: 'x'.repeat(2000) }]));
  const err = await raw.next();
  assert.deepEqual(err.slice(0, 3), [4, 'big-1', 'FormationViolation']);
  assert.match(err[3], /exceeds the limit of 1000 bytes/);
  raw.send(JSON.stringify([2, 'small-1', 'Heartbeat', {}]));
  assert.equal((await raw.next())[0], 3);
  // Far beyond the limit (over 4x) the WebSocket layer closes with 1009, as RFC 6455 allows.
  const closed = new Promise<number>((r) => raw.ws.once('close', (code) => r(code)));
  raw.send('x'.repeat(5000));
  assert.equal(await closed, 1009);
  await relay.close();
  await csms.close();
});

test('a CALLERROR that is itself malformed is not answered (no error ping-pong)', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const relay = await startRelay({ upstream: csms.url, malformed: 'refuse' });
  const raw = await connectRawStation(`${relay.url}/ocpp/ERR-1`);
  raw.send('[4, "e1", "GenericError"]');
  raw.send(JSON.stringify([2, 'after', 'Heartbeat', {}]));
  const next = await raw.next();
  assert.deepEqual(next.slice(0, 2), [3, 'after'], 'the next thing the station hears is the Heartbeat answer');
  raw.close();
  await relay.close();
  await csms.close();
});
