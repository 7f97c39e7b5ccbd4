/** Test support: two proxy processes recording into a TestCluster through an outage, then checked row by row. */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { parseClickhouseTargets } from '../../src/store/clickhouse-url.js';
import { FailoverBackend } from '../../src/store/failover-backend.js';
import { openServer } from '../../src/store/server-backend.js';
import { openStoreReader } from '../../src/store/store-reader.js';
import { startCsms } from '../support/ocpp-peers.js';
import type { TestCluster } from './clickhouse-cluster-support.js';
import { tempDir, waitFor } from './clickhouse-support.js';
import { assertExactlyOnce, logCsms, PeerLog, ProxyProcess, runStations, storedFrames } from './recording-load.js';

async function openCluster(urls: string): Promise<FailoverBackend> {
  const targets = parseClickhouseTargets({ clickhouse: urls });
  return new FailoverBackend(await Promise.all(targets.map((t) => openServer(t))), { where: urls });
}

/** Both proxies idle with nothing left on disk or in memory, every row in ClickHouse. */
const settled = (p: ProxyProcess): boolean => p.latest?.state === 'up' && p.latest.spooled === 0 && p.latest.queued === 0;

/**
 * Two proxies record 2 × 10 stations into the cluster; `outage` takes a node away under load (and brings it back).
 * Then every frame the peers logged is in the Distributed table once, and the readers see both proxies' stations.
 */
export async function recordThroughOutage(cluster: TestCluster, database: string, outage: () => Promise<void>): Promise<void> {
  const log = new PeerLog();
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  logCsms(csms, log);
  const dirs = [await tempDir(), await tempDir()];
  const n = cluster.all().length;
  const proxies = [
    await ProxyProcess.spawn(csms.url, dirs[0]!, cluster.urls(database, 0), 'ocpp'),
    await ProxyProcess.spawn(csms.url, dirs[1]!, cluster.urls(database, n - 1), 'ocpp'),
  ];
  const loads: Array<Awaited<ReturnType<typeof runStations>>> = [];
  try {
    loads.push(await runStations(proxies[0]!.url, log, 'CP-A-', 10), await runStations(proxies[1]!.url, log, 'CP-B-', 10));
    await waitFor('both proxies writing', () => proxies.every((p) => (p.latest?.written ?? 0) > 100), 30_000);
    await outage();
    await waitFor('load after the outage', () => proxies.every((p) => (p.latest?.written ?? 0) > 400), 60_000);
    for (const l of loads) await l.stop();
    await waitFor('both proxies caught up', () => proxies.every(settled), 90_000);
    for (const p of proxies) assert.equal(p.latest!.lost, 0);
    for (const p of proxies) await p.stop();

    const be = await openCluster(cluster.urls(database));
    try {
      assertExactlyOnce(await storedFrames(be), log);
    } finally {
      await be.close();
    }
    // Sharded by station: both shards hold rows, and each station's frames sit on one shard only.
    const perShard = await Promise.all(
      cluster.nodes.map((row) => row[0]!.query(`SELECT count() FROM ${database}.frames_local`).then(Number)),
    );
    assert.ok(perShard.every((c) => c > 0), `rows on every shard: ${perShard.join(', ')}`);
    const split = await Promise.all(
      cluster.nodes.map((row) => row[0]!.query(`SELECT arrayStringConcat(groupUniqArray(identity), ',') FROM ${database}.frames_local`)),
    );
    const seenOn = split.map((s) => new Set(s.split(',').filter(Boolean)));
    for (const id of seenOn[0]!) assert.ok(!seenOn[1]!.has(id), `${id} is on one shard only`);

    // What `report` and `frames --clickhouse URL,URL` read: any node, through the Distributed tables.
    const reader = await openStoreReader({ clickhouse: cluster.urls(database, 1) });
    try {
      const frames = await reader.frames({ limit: 100_000 });
      const stations = new Set(frames.map((f) => f.identity));
      assert.ok([...stations].some((s) => s.startsWith('CP-A-')) && [...stations].some((s) => s.startsWith('CP-B-')), 'frames of both proxies');
      const report = await reader.kpiSummary({});
      const reported = new Set(report.map((r) => r.station));
      assert.ok([...reported].some((s) => s.startsWith('CP-A-')) && [...reported].some((s) => s.startsWith('CP-B-')), 'KPIs of both proxies');
    } finally {
      await reader.close();
    }
  } finally {
    for (const l of loads) await l.stop();
    for (const p of proxies) await p.kill();
    await csms.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  }
}

