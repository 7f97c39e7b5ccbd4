/**
 * A proxy killed (SIGKILL) with rows in its write-ahead log: the next start replays them. And a chDB folder held by another
 * process is refused with a clear error.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { startRelay } from '../../src/core/relay.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { openStoreReader } from '../../src/store/store-reader.js';
import { chdbDir, walDir } from '../../src/store/store-paths.js';
import { Wal } from '../../src/store/wal.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { freePort, tempDir, waitFor } from './clickhouse-support.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function spawnTs(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

async function firstLine(child: ChildProcess): Promise<string> {
  const rl = createInterface({ input: child.stdout! });
  const [line] = (await once(rl, 'line')) as [string];
  rl.close();
  return line;
}

/** Rows of one table in the write-ahead log's files. */
const loggedRows = (dir: string, table: string): number => {
  let n = 0;
  try {
    for (const f of readdirSync(dir)) {
      if (f.endsWith('.wal')) for (const r of Wal.parse(readFileSync(join(dir, f))).records) if (r.table === table) n += r.rows;
    }
  } catch {
    /* not there yet */
  }
  return n;
};

it('replays the write-ahead log of a proxy that was killed while ClickHouse was down', { timeout: 90_000 }, async () => {
  const dataDir = await tempDir();
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const deadClickhouse = `http://127.0.0.1:${await freePort()}`;
  const child = spawnTs(fixture('spooling-proxy.ts'), [csms.url, dataDir, deadClickhouse]);
  try {
    const { url } = JSON.parse(await firstLine(child)) as { url: string };
    const station = await connectStation({ url: `${url}/ocpp/`, identity: 'CP-CRASH' });
    for (let i = 0; i < 25; i++) await station.call('Heartbeat', {});
    // 50 frames and the session's open row, in the log.
    await waitFor('50 frames and the session in the log', () => loggedRows(walDir(dataDir), 'frames') === 50 && loggedRows(walDir(dataDir), 'sessions') === 1);
    child.kill('SIGKILL');
    await once(child, 'exit');
    await station.close().catch(() => undefined);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  // Next start, embedded chDB this time: the log is replayed into it.
  const store = createStoreAddon({ flushMs: 20 });
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [store] });
  await waitFor('the log replayed', () => store.stats().spooled === 0 && store.stats().replayed >= 51);
  assert.equal(store.stats().lost, 0);
  await relay.close();
  await csms.close();
  assert.deepEqual(readdirSync(walDir(dataDir)).filter((f) => f.endsWith('.wal')), [], 'log segments removed once replayed');

  const reader = await openStoreReader({ dataDir });
  try {
    const frames = await reader.frames({ station: 'CP-CRASH', limit: 1000 });
    assert.equal(frames.length, 50);
    assert.equal(frames.filter((f) => f.kind === 'CALL' && f.action === 'Heartbeat').length, 25);
    const sessions = await reader.sessions({ station: 'CP-CRASH' });
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0]!.closedAt, null, 'the killed proxy never recorded the close');
  } finally {
    await reader.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('refuses a chDB folder another process holds, saying so', { timeout: 60_000 }, async () => {
  const dataDir = await tempDir();
  const holder = spawnTs(fixture('hold-chdb.ts'), [chdbDir(dataDir)]);
  try {
    assert.equal(await firstLine(holder), 'ready');
    const csms = await startCsms();
    try {
      await assert.rejects(
        startRelay({ upstream: csms.url, dataDir, addons: [createStoreAddon()] }),
        /the chDB store in .* is in use by another process \(pid \d+\)/,
      );
    } finally {
      await csms.close();
    }
    await assert.rejects(openStoreReader({ dataDir }), /is in use by another process/);
  } finally {
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    await rm(dataDir, { recursive: true, force: true });
  }
});
