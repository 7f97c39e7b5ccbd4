/**
 * Lossless recording through many crashes: a proxy process on one data folder (embedded chDB) recording 20 ocpp-rpc
 * stations is killed with SIGKILL at a random moment, started again on the same folder, killed again, … Then a last
 * start replays what the kills left, and every frame the peers logged is looked up in the store: lost and duplicated
 * are counted (both must be 0). The CI tests kill once per backend; this repeats the kill to hit every moment of the
 * relay's loop.
 *
 *   node --import tsx bench/kill-loop.ts [--kills 20] [--min-ms 300] [--max-ms 2500]
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startRelay } from '../src/core/relay.js';
import { openChdb } from '../src/store/chdb-backend.js';
import { createStoreAddon } from '../src/store/store-addon.js';
import { chdbDir } from '../src/store/store-paths.js';
import { startCsms } from '../test/support/ocpp-peers.js';
import { tempDir, waitFor } from '../test/store/clickhouse-support.js';
import { logCsms, PeerLog, ProxyProcess, runStations, storedFrames } from '../test/store/recording-load.js';

const { values: args } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    'min-ms': { type: 'string', default: '300' },
    'max-ms': { type: 'string', default: '2500' },
  },
});
const KILLS = Number(args.kills);
const MIN_MS = Number(args['min-ms']);
const MAX_MS = Number(args['max-ms']);

const dataDir = await tempDir();
const log = new PeerLog();
const csms = await startCsms({ protocols: ['ocpp1.6'] });
logCsms(csms, log);
try {
  for (let k = 1; k <= KILLS; k++) {
    const proxy = await ProxyProcess.spawn(csms.url, dataDir);
    const load = await runStations(proxy.url, log, `K${k}-`);
    const after = MIN_MS + Math.random() * (MAX_MS - MIN_MS);
    await new Promise((r) => setTimeout(r, after));
    await proxy.kill();
    await load.stop();
    process.stdout.write(`kill ${k}/${KILLS} after ${Math.round(after)} ms: ${load.calls()} CALLs answered; ${log.seen.size} frames logged in all\n`);
  }
  // A last start replays every log the kills left.
  const store = createStoreAddon({ flushMs: 50 });
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [store] });
  await waitFor('the write-ahead log replayed', () => store.stats().spooled === 0 && store.stats().state === 'up', 120_000);
  const stats = store.stats();
  await relay.close();
  const be = await openChdb(chdbDir(dataDir));
  const stored = await storedFrames(be);
  await be.close();
  const lost = [...log.seen.keys()].filter((key) => !stored.has(key));
  const twice = [...stored].filter(([, n]) => n > 1).map(([key]) => key);
  console.table({ kills: KILLS, framesLogged: log.seen.size, rowsReplayedAtLastStart: stats.replayed, duplicatesSkipped: stats.duplicatesSkipped, lost: lost.length, duplicated: twice.length });
  if (lost.length > 0) console.log('lost:', lost.slice(0, 20).join(', '));
  if (twice.length > 0) console.log('duplicated:', twice.slice(0, 20).join(', '));
  process.exitCode = lost.length + twice.length > 0 ? 1 : 0;
} finally {
  await csms.close();
  await rm(dataDir, { recursive: true, force: true });
}
