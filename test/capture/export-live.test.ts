/**
 * Export from a proxy that is running: it owns its chDB folder, so export reads through its control API (the
 * session filter travels as a query parameter); import refuses to write under it.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { runExport, runImport } from '../../src/capture/index.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { startRelay } from '../../src/core/relay.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { tempDir, waitFor } from '../store/clickhouse-support.js';

it('exports one session of a running proxy through its control API', { timeout: 90_000 }, async () => {
  const dataDir = await tempDir('ocpp-mitm-export-live-');
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [createStoreAddon({ flushMs: 50 }), createControlAddon({ dataDir })] });
  try {
    const a = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-L1' });
    const b = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-L2' });
    await a.call('Heartbeat', {});
    await b.call('Heartbeat', {});
    await b.call('Heartbeat', {});
    const idOf = (identity: string): string => relay.sessions().find((s) => s.identity === identity)!.id;
    const wanted = idOf('CP-L2');
    const out = join(dataDir, 'live.jsonl');
    let result = { sessions: 0, frames: 0 };
    await waitFor('both heartbeats of CP-L2 recorded', async () => {
      result = await runExport({ dataDir, session: [wanted], out, progress: null });
      return result.frames === 4;
    });
    assert.deepEqual(result, { sessions: 1, frames: 4 });
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.filter((l) => l.type === 'session').map((l) => l.station), ['CP-L2']);
    assert.ok(lines.filter((l) => l.type === 'frame').every((l) => l.session === wanted && l.station === 'CP-L2'));
    await assert.rejects(runExport({ dataDir, session: ['no-such-session'], out, progress: null }), /no session no-such-session in the store/);
    assert.equal(await readFile(out, 'utf8'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n', 'a failed export leaves the earlier file alone');
    assert.deepEqual((await readdir(dataDir)).filter((f) => f.includes('.part-')), [], 'and no partial file');
    await assert.rejects(runImport({ dataDir, file: out }, () => undefined), /a proxy is running on .* stop it, or import into another --data folder/);
    await a.close();
    await b.close();
  } finally {
    await relay.close();
    await csms.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
