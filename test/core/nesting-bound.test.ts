/**
 * Deeply nested payloads: a CALL nesting arrays 100,000 deep parses, then overflows the stack of every recursive
 * reader after it. The relay bounds nesting where every version's frames are decoded (--max-depth): enforce answers
 * the version's format-violation CALLERROR, observe flags the frame; nothing throws and the connection survives.
 * Through the real relay with the validation addon (the reader that used to throw), a raw CSMS per version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay } from '../../src/core/relay.js';
import { decodeFrame, nestsDeeperThan, DEFAULT_MAX_DEPTH } from '../../src/core/frame-codec.js';
import { createValidationAddon } from '../../src/validation/validation-addon.js';
import { createValidator } from '../../src/validation/validator.js';
import { checkFrame } from '../../src/validation/check-frame.js';
import { addCoreStartOptions, relayOptionsFrom } from '../../src/commands/start.js';
import { Command } from 'commander';
import { connectRawStation } from '../support/ocpp-peers.js';
import { captureLogger } from '../support/capture-log.js';
import { recorder, startRawCsms } from '../validation/relay-support.js';

const validator = createValidator({ lazy: true });
const deep = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);
const VERSIONS = [
  { protocol: 'ocpp1.6', code: 'FormationViolation' },
  { protocol: 'ocpp2.0.1', code: 'FormatViolation' },
  { protocol: 'ocpp2.1', code: 'FormatViolation' },
] as const;

async function rig(protocol: string, validate: 'observe' | 'enforce', maxDepth?: number) {
  const csms = await startRawCsms(protocol, (call) => JSON.stringify([3, call[1], call[2] === 'Heartbeat' ? { currentTime: new Date().toISOString() } : {}]));
  const rec = recorder();
  const log = captureLogger('debug');
  const relay = await startRelay({
    upstream: csms.url,
    malformed: validate === 'enforce' ? 'refuse' : 'forward',
    ...(maxDepth ? { maxDepth } : {}),
    logger: log.logger,
    addons: [createValidationAddon({ mode: validate, validator }), rec],
  });
  const raw = await connectRawStation(`${relay.url}/ocpp/DEEP-1`, [protocol]);
  const close = async () => {
    raw.close();
    await relay.close();
    await csms.close();
  };
  return { csms, rec, log, relay, raw, close };
}

for (const { protocol, code } of VERSIONS) {
  test(`${protocol} enforce: a payload nested 100,000 deep is answered ${code}, never forwarded, nothing throws`, async () => {
    const r = await rig(protocol, 'enforce');
    try {
      r.raw.send(`[2,"deep-1","DataTransfer",{"vendorId":"v","data":${deep(100_000)}}]`);
      const err = await r.raw.next();
      assert.deepEqual(err.slice(0, 3), [4, 'deep-1', code]);
      assert.match(err[3], /deeper than 64 levels/);
      // The connection survived: a good frame is still relayed and answered.
      r.raw.send(JSON.stringify([2, 'hb-1', 'Heartbeat', {}]));
      assert.deepEqual((await r.raw.next()).slice(0, 2), [3, 'hb-1']);
      assert.equal(r.csms.received.length, 1, 'only the Heartbeat reached the CSMS');
      assert.match(r.csms.received[0]!, /Heartbeat/);
      const rec = await r.rec.waitFor((m) => m.messageId === 'deep-1' && m.kind === 'MALFORMED');
      assert.equal(rec.malformed?.reason, 'too-deep');
      assert.ok(rec.dropped);
      assert.doesNotMatch(r.log.text(), /Maximum call stack|RangeError|addon .* failed/);
    } finally {
      await r.close();
    }
  });

  test(`${protocol} observe: the deep frame is flagged, reaches the CSMS untouched, nothing throws`, async () => {
    const r = await rig(protocol, 'observe');
    try {
      const text = `[2,"deep-2","DataTransfer",{"vendorId":"v","data":${deep(100_000)}}]`;
      r.raw.send(text);
      const rec = await r.rec.waitFor((m) => m.messageId === 'deep-2');
      assert.equal(rec.kind, 'MALFORMED');
      assert.equal(rec.malformed?.reason, 'too-deep');
      assert.equal(rec.valid, false);
      assert.equal(rec.dropped, undefined);
      assert.deepEqual((await r.raw.next()).slice(0, 2), [3, 'deep-2'], 'the CSMS answered it itself');
      r.raw.send(JSON.stringify([2, 'hb-2', 'Heartbeat', {}]));
      assert.deepEqual((await r.raw.next()).slice(0, 2), [3, 'hb-2']);
      assert.equal(r.csms.received[0], text, 'forwarded as it came');
      assert.doesNotMatch(r.log.text(), /Maximum call stack|RangeError|addon .* failed/);
    } finally {
      await r.close();
    }
  });
}

test('--max-depth is configurable: a shallow bound refuses a CALL a deeper one lets through', async () => {
  // 6 levels: the frame, its payload, meterValue[], a meter value, sampledValue[], a sampled value.
  const meterValue = [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '1' }] }];
  const frame = JSON.stringify([2, 'nest-1', 'MeterValues', { connectorId: 1, meterValue }]);
  const tight = await rig('ocpp1.6', 'enforce', 5);
  try {
    tight.raw.send(frame);
    assert.deepEqual((await tight.raw.next()).slice(0, 3), [4, 'nest-1', 'FormationViolation']);
  } finally {
    await tight.close();
  }
  const loose = await rig('ocpp1.6', 'enforce', 6);
  try {
    loose.raw.send(frame);
    assert.deepEqual((await loose.raw.next()).slice(0, 2), [3, 'nest-1']);
  } finally {
    await loose.close();
  }
  const cmd = addCoreStartOptions(new Command()).exitOverride();
  cmd.parse(['--upstream', 'ws://127.0.0.1:1/ocpp', '--max-depth', '12'], { from: 'user' });
  assert.equal(relayOptionsFrom(cmd.opts()).maxDepth, 12);
  assert.match(cmd.helpInformation().replace(/\s+/g, ' '), /--max-depth <levels> [^-]*\(default: 64\)/);
});

test('the depth scan: brackets inside strings and escaped quotes do not count; exactly the bound passes', () => {
  assert.equal(DEFAULT_MAX_DEPTH, 64);
  assert.equal(nestsDeeperThan(deep(3), 3), false);
  assert.equal(nestsDeeperThan(deep(4), 3), true);
  assert.equal(nestsDeeperThan('[{"a":"[[[[[[[[","b":"\\"[[[[[["}]', 2), false);
  assert.equal(nestsDeeperThan('[{"a":{"b":[1]}}]', 3), true);
  const ok = decodeFrame(`[2,"id","DataTransfer",{"vendorId":"v","data":${deep(62)}}]`);
  assert.ok(ok.frame, 'the OCPP-J array, the payload and 62 levels inside: exactly 64');
  const bad = decodeFrame(`[2,"id","DataTransfer",{"vendorId":"v","data":${deep(63)}}]`);
  assert.equal(bad.malformed?.reason, 'too-deep');
  assert.equal(bad.malformed?.messageId, 'id');
  assert.equal(bad.malformed?.messageTypeId, 2);
});

test('behind the codec, the validator fails closed on a payload it cannot read (a frame built in memory)', () => {
  // 1.6 DataTransfer.data is a string: checking a 100,000-deep array there overflowed Ajv's stack.
  const payload = { vendorId: 'v', data: JSON.parse(deep(100_000)) };
  const r = checkFrame(validator, '1.6', { type: 2, id: 'm1', action: 'DataTransfer', payload }, 'DataTransfer');
  assert.equal(r.valid, false);
  assert.equal(r.errorCode, 'FormationViolation');
  assert.match(r.issues[0]!.message, /could not be checked/);
});

test('a malformed frame keeps its readable action (recorded and shown instead of "?")', async () => {
  const r = await rig('ocpp1.6', 'enforce');
  try {
    r.raw.send('[2, "bad-1", "Heartbeat"]');
    await r.raw.next();
    const rec = await r.rec.waitFor((m) => m.messageId === 'bad-1');
    assert.equal(rec.kind, 'MALFORMED');
    assert.equal(rec.action, 'Heartbeat');
    assert.equal(decodeFrame('[2, "x", "StatusNotification", {').malformed?.action, 'StatusNotification');
    assert.equal(decodeFrame('[3, "x", "nope"').malformed?.action, undefined, 'only a CALL has an action');
  } finally {
    await r.close();
  }
});
