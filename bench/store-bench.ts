/**
 * Store benchmark: rows/s into chDB and into a ClickHouse server, through the StoreWriter, as the proxy writes them.
 *
 *   node --import tsx bench/store-bench.ts [--rows 100000]
 *
 * What the store adds to the relay's latency is measured by the relay benchmark, with the proxy, the CSMS and the
 * stations each in their own process and the three configurations taking turns in one run:
 *   node --import tsx bench/relay-bench.ts --proxy 'nostore=full:--no-store,full,server=full:--clickhouse=${CLICKHOUSE}'
 *
 * The server part needs clickhouse-server (scripts/clickhouse-server.sh install); it is skipped without it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageRecord } from '../src/core/relay-message.js';
import { silentLogger } from '../src/log.js';
import type { StoreBackend } from '../src/store/backend.js';
import { openChdbProcess } from '../src/store/chdb-process-backend.js';
import { parseClickhouseTarget } from '../src/store/clickhouse-url.js';
import { frameRow } from '../src/store/rows.js';
import { capsOf, migrate, TABLES } from '../src/store/schema.js';
import { TsvEncoder } from '../src/store/tsv-encoder.js';
import { openServer } from '../src/store/server-backend.js';
import { Wal } from '../src/store/wal.js';
import { Spool } from '../src/store/spool.js';
import { StoreWriter } from '../src/store/writer.js';
import { TestClickhouse } from '../test/store/clickhouse-support.js';
import { benchArgs } from './bench-args.js';

const { rows: ROWS } = benchArgs({ rows: 100_000 });

const tmp = (): Promise<string> => mkdtemp(join(tmpdir(), 'ocpp-mitm-bench-'));

/** A typical frame: a MeterValues CALL of ~400 bytes. */
function sampleRecord(i: number): MessageRecord {
  const text = JSON.stringify([
    2,
    `id-${i}`,
    'MeterValues',
    { connectorId: 1, transactionId: 42, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: String(i), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, { value: '16.2', measurand: 'Current.Import', unit: 'A' }, { value: '230.1', measurand: 'Voltage', unit: 'V' }] }] },
  ]);
  return {
    seq: i, sessionId: `s-${i % 50}`, identity: `CP-${i % 50}`, direction: 'to-csms', origin: 'wire', madeBy: undefined, version: '1.6',
    receivedAt: Date.now() * 1000, sentAt: Date.now() * 1000 + 30, kind: 'CALL', messageId: `id-${i}`, action: 'MeterValues', text, original: undefined,
    size: text.length, valid: true, issues: [], errorCode: undefined, malformed: undefined, dropped: undefined, ruleDelayMs: 0, modified: false,
    changedBy: [], ruleIds: [], latencyMs: undefined, callAction: undefined,
  };
}

async function writerThroughput(backend: StoreBackend, dataDir: string): Promise<{ rowsPerSec: number; seconds: number }> {
  await migrate(backend, capsOf(await backend.version()));
  const writer = new StoreWriter({
    backend, wal: new Wal(join(dataDir, 'wal')), spool: new Spool(join(dataDir, 'spool')), encoder: new TsvEncoder(TABLES), logger: silentLogger(), batchRows: 20_000, flushMs: 200,
    prepare: async () => undefined,
  });
  await writer.start();
  const rows = Array.from({ length: 1000 }, (_, i) => sampleRecord(i));
  const t0 = performance.now();
  for (let i = 0; i < ROWS; i++) writer.add('frames', frameRow(rows[i % 1000]!, i + 1, 'full'));
  await writer.stop();
  const seconds = (performance.now() - t0) / 1000;
  const s = writer.stats();
  if (s.written !== ROWS) throw new Error(`wrote ${s.written} of ${ROWS} rows (spooled ${s.spooled}, failed ${s.failed})`);
  return { rowsPerSec: Math.round(ROWS / seconds), seconds: Math.round(seconds * 100) / 100 };
}

const results: Record<string, unknown> = { rows: ROWS };
const server = await TestClickhouse.launch();
try {
  // 1. rows/s into each back end
  {
    const dir = await tmp();
    // As the proxy runs it: in its helper process at idle priority.
    const be = await openChdbProcess(join(dir, 'clickhouse'));
    try {
      results.chdbRowsPerSec = await writerThroughput(be, dir);
    } finally {
      await be.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (server) {
    const dir = await tmp();
    const be = await openServer(parseClickhouseTarget({ clickhouse: `${server.url}/bench` }));
    try {
      results.serverVersion = await be.version();
      results.serverRowsPerSec = await writerThroughput(be, dir);
    } finally {
      await be.close();
      await rm(dir, { recursive: true, force: true });
    }
  } else results.serverRowsPerSec = 'skipped: clickhouse-server not installed';

} finally {
  await server?.destroy();
}
console.log(JSON.stringify(results, null, 2));
