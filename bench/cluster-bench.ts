/**
 * Cluster benchmark: rows/s through the store's writer into one clickhouse-server and into a 2-shard cluster of them
 * (Distributed tables, synchronous distributed inserts, as `--clickhouse-cluster` records), and into one node with
 * the write-ahead log off (`--no-store-wal`), taking turns in one run. All servers run on this machine, so the
 * cluster's figure says what sharding costs here (every row crosses one more hop), not what more machines gain.
 *
 *   node --import tsx bench/cluster-bench.ts [--rows 200000] [--rounds 2]
 *
 * Needs Debian's clickhouse-server (scripts/clickhouse-server.sh install).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageRecord } from '../src/core/relay-message.js';
import { silentLogger } from '../src/log.js';
import type { StoreBackend } from '../src/store/backend.js';
import { parseClickhouseTarget, parseClickhouseTargets } from '../src/store/clickhouse-url.js';
import { migrateCluster } from '../src/store/cluster-schema.js';
import { FailoverBackend } from '../src/store/failover-backend.js';
import { frameRow } from '../src/store/rows.js';
import { capsOf, migrate, TABLES } from '../src/store/schema.js';
import { openServer } from '../src/store/server-backend.js';
import { Spool } from '../src/store/spool.js';
import { TsvEncoder } from '../src/store/tsv-encoder.js';
import { Wal } from '../src/store/wal.js';
import { StoreWriter } from '../src/store/writer.js';
import { TestCluster } from '../test/store/clickhouse-cluster-support.js';
import { TestClickhouse } from '../test/store/clickhouse-support.js';
import { benchArgs } from './bench-args.js';

const { rows: ROWS, rounds: ROUNDS } = benchArgs({ rows: 200_000, rounds: 2 });

function sampleRecord(i: number): MessageRecord {
  const text = JSON.stringify([2, `id-${i}`, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }]);
  return {
    seq: i, sessionId: `s-${i % 200}`, identity: `CP-${i % 200}`, direction: 'to-csms', origin: 'wire', madeBy: undefined, version: '1.6',
    receivedAt: Date.now() * 1000, sentAt: Date.now() * 1000 + 30, kind: 'CALL', messageId: `id-${i}`, action: 'StatusNotification', text,
    original: undefined, size: text.length, valid: true, issues: [], errorCode: undefined, malformed: undefined, dropped: undefined, ruleDelayMs: 0,
    modified: false, changedBy: [], ruleIds: [], latencyMs: undefined, callAction: undefined,
  } as MessageRecord;
}

/** Rows/s through the writer (log on or off), added in event-loop turns of 500 rows as the observer queue hands them. */
async function throughput(backend: StoreBackend, wal: boolean): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-bench-'));
  const writer = new StoreWriter({
    backend, wal: new Wal(join(dir, 'wal'), { disabled: !wal }), spool: new Spool(join(dir, 'spool')), encoder: new TsvEncoder(TABLES),
    logger: silentLogger(), batchRows: 5000, flushMs: 200, prepare: async () => undefined,
  });
  await writer.start();
  const records = Array.from({ length: 1000 }, (_, i) => sampleRecord(i));
  const t0 = performance.now();
  for (let i = 0; i < ROWS; i++) {
    writer.add('frames', frameRow(records[i % 1000]!, i + 1, 'full'));
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
  await writer.stop();
  const s = writer.stats();
  if (s.written !== ROWS) throw new Error(`wrote ${s.written} of ${ROWS} rows (lost ${s.lost}, waiting ${s.spooled})`);
  await rm(dir, { recursive: true, force: true });
  return Math.round(ROWS / ((performance.now() - t0) / 1000));
}

const single = await TestClickhouse.launch();
const cluster = await TestCluster.launch({ shards: 2, replicas: 1 });
if (!single || !cluster) {
  console.log('skipped: clickhouse-server not installed');
  process.exit(0);
}
const results: Record<string, unknown> = { rows: ROWS, rounds: ROUNDS };
try {
  const one = await openServer(parseClickhouseTarget({ clickhouse: `${single.url}/bench` }));
  await migrate(one, capsOf(await one.version()));
  const targets = parseClickhouseTargets({ clickhouse: cluster.urls('bench') });
  const nodes = await Promise.all(targets.map(async (t) => ({ backend: await openServer(t, { insertSettings: { insert_distributed_sync: 1 } }), database: t.database })));
  await migrateCluster(nodes, 'ocpp');
  const many = new FailoverBackend(nodes.map((n) => n.backend), { where: 'cluster' });
  const runs: Record<string, number[]> = { oneNode: [], twoShards: [], oneNodeNoWal: [] };
  for (let r = 0; r < ROUNDS; r++) {
    runs.oneNode!.push(await throughput(one, true));
    runs.twoShards!.push(await throughput(many, true));
    runs.oneNodeNoWal!.push(await throughput(one, false));
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  results.rowsPerSec = runs;
  results.twoShardsVsOneNode = Math.round((median(runs.twoShards!) / median(runs.oneNode!)) * 100) / 100;
  results.walOnVsOff = Math.round((median(runs.oneNode!) / median(runs.oneNodeNoWal!)) * 100) / 100;
  await one.close();
  await many.close();
} finally {
  await single.destroy();
  await cluster.destroy();
}
console.log(JSON.stringify(results, null, 2));
