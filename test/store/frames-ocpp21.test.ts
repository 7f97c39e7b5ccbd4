/**
 * OCPP 2.1's message types in the store: SEND and CALLRESULTERROR recorded with their own kinds and version 2.1,
 * queryable with `frames --type`, live (through the control API) and after the proxy stopped (the chDB store).
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { it } from 'node:test';
import { startRelay } from '../../src/core/relay.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { runFrames } from '../../src/store/frames-command.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import type { FrameRow } from '../../src/store/store-reader.js';
import { connectRawStation } from '../support/ocpp-peers.js';
import { startRawCsms } from '../validation/relay-support.js';
import { tempDir, waitFor } from './clickhouse-support.js';

const ts = '2026-01-01T10:00:00.000Z';

async function frames(dataDir: string, type: string): Promise<FrameRow[]> {
  const out: string[] = [];
  await runFrames({ dataDir, type, format: 'json' }, (s) => void out.push(s));
  return JSON.parse(out.join('')) as FrameRow[];
}

it('SEND and CALLRESULTERROR are recorded as such and found by frames --type', { timeout: 90_000 }, async () => {
  const dataDir = await tempDir();
  const csms = await startRawCsms('ocpp2.1', (call) => JSON.stringify([3, call[1], { status: 'Accepted', currentTime: ts, interval: 300 }]));
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [createStoreAddon({ flushMs: 50 }), createControlAddon({ dataDir })] });
  try {
    const station = await connectRawStation(`${relay.url}/ocpp/CP-21`, ['ocpp2.1']);
    station.send(JSON.stringify([2, 'b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]));
    await station.next();
    station.send(JSON.stringify([5, 'b1', 'FormatViolation', 'refused', {}]));
    station.send(JSON.stringify([6, 's1', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: ts, data: [{ t: 0, v: '1' }] }]));
    let sends: FrameRow[] = [];
    await waitFor('the SEND in the store', async () => (sends = await frames(dataDir, 'send')).length === 1);
    assert.deepEqual([sends[0]!.kind, sends[0]!.action, sends[0]!.version, sends[0]!.latencyMs], ['SEND', 'NotifyPeriodicEventStream', '2.1', null]);
    const refusals = await frames(dataDir, 'CALLRESULTERROR');
    assert.deepEqual(refusals.map((f) => [f.kind, f.messageId, f.action]), [['CALLRESULTERROR', 'b1', 'BootNotification']]);
    assert.equal((await frames(dataDir, 'CALL')).length, 1);
    await assert.rejects(runFrames({ dataDir, type: 'PING' }, () => undefined), /--type: expected one of CALL, CALLRESULT, CALLERROR, CALLRESULTERROR, SEND, MALFORMED/);
    station.close();
  } finally {
    await relay.close();
    await csms.close();
  }
  // Stopped: the same query on the chDB store itself.
  assert.deepEqual((await frames(dataDir, 'SEND')).map((f) => f.messageId), ['s1']);
  await rm(dataDir, { recursive: true, force: true });
});
