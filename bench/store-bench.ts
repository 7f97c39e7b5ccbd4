/**
 * Store benchmark: rows/s into chDB and into a ClickHouse server (through the StoreWriter, as the proxy writes),
 * and the relay's added latency with the store off, on chDB, and on the server, in one run.
 *
 *   node --import tsx bench/store-bench.ts [--rows 100000] [--stations 20] [--rate 1000] [--seconds 5] [--rounds 3]
 *
 * Relay latency is measured under a paced load (--rate calls/s spread over --stations, each call and its answer are
 * two frames), round trip at the station, store off / chDB / server interleaved for --rounds; the figure compared is
 * the median over rounds of each configuration's p99.
 *
 * The server part needs clickhouse-server (scripts/clickhouse-server.sh install); it is skipped without it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { startRelay } from '../src/core/relay.js';
import type { MessageRecord } from '../src/core/relay-message.js';
import { silentLogger } from '../src/log.js';
import type { StoreBackend } from '../src/store/backend.js';
import { openChdb } from '../src/store/chdb-backend.js';
import { parseClickhouseTarget } from '../src/store/clickhouse-url.js';
import { frameRow } from '../src/store/rows.js';
import { capsOf, migrate } from '../src/store/schema.js';
import { openServer } from '../src/store/server-backend.js';
import { Spool } from '../src/store/spool.js';
import { createStoreAddon, type StoreAddonOptions } from '../src/store/store-addon.js';
import { StoreWriter } from '../src/store/writer.js';
import { TestClickhouse } from '../test/store/clickhouse-support.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    stations: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
  },
});
const ROWS = Number(args.rows);
const STATIONS = Number(args.stations);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);

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
    backend, spool: new Spool(join(dataDir, 'spool')), logger: silentLogger(), batchRows: 20_000, flushMs: 200,
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

/** A minimal CSMS on ws: answers every CALL at once. */
async function startEchoCsms(): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'ocpp1.6' });
  await new Promise((r) => wss.once('listening', r));
  wss.on('connection', (ws) => ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as [number, string];
    if (f[0] === 2) ws.send(JSON.stringify([3, f[1], { currentTime: new Date().toISOString() }]));
  }));
  const port = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}/ocpp/`, close: () => new Promise((r) => { for (const c of wss.clients) c.terminate(); wss.close(() => r()); }) };
}

/** STATIONS stations sending Heartbeats at RATE calls/s in total for SECONDS; round-trip times at the station. */
async function relayLoad(relayUrl: string): Promise<{ p50: number; p99: number; calls: number }> {
  const lat: number[] = [];
  const interval = (1000 * STATIONS) / RATE;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: STATIONS }, async (_, s) => {
      const ws = new WebSocket(`${relayUrl}/ocpp/BENCH-${s}`, ['ocpp1.6']);
      await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
      const sent = new Map<string, number>();
      ws.on('message', (d) => {
        const id = (JSON.parse(d.toString()) as [number, string])[1];
        const t = sent.get(id);
        if (t !== undefined) lat.push(performance.now() - t);
        sent.delete(id);
      });
      await new Promise((r) => setTimeout(r, (interval * s) / STATIONS));
      for (let i = 0; performance.now() < end; i++) {
        sent.set(`${s}-${i}`, performance.now());
        ws.send(`[2,"${s}-${i}","Heartbeat",{}]`);
        await new Promise((r) => setTimeout(r, interval));
      }
      await new Promise((r) => setTimeout(r, 200));
      ws.close();
    }),
  );
  lat.sort((a, b) => a - b);
  const at = (p: number): number => Math.round(lat[Math.max(0, Math.ceil(p * lat.length) - 1)]! * 1000) / 1000;
  return { p50: at(0.5), p99: at(0.99), calls: lat.length };
}

async function relayRun(label: string, store: StoreAddonOptions | undefined, csmsUrl: string): Promise<{ label: string; p50: number; p99: number; calls: number }> {
  const dataDir = await tmp();
  const addons = store ? [createStoreAddon(store)] : [];
  const relay = await startRelay({ upstream: csmsUrl, dataDir, addons, pingInterval: 0 });
  try {
    return { label, ...(await relayLoad(relay.url)) };
  } finally {
    await relay.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const results: Record<string, unknown> = { rows: ROWS, stations: STATIONS, callsPerSec: RATE, seconds: SECONDS, rounds: ROUNDS };
const server = await TestClickhouse.launch();
try {
  // 1. rows/s into each back end
  {
    const dir = await tmp();
    const be = await openChdb(join(dir, 'clickhouse'));
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

  // 2. the relay's latency: off / chDB / server, interleaved twice after a warm-up
  const csms = await startEchoCsms();
  try {
    await relayRun('warm-up', undefined, csms.url);
    const runs: Array<Awaited<ReturnType<typeof relayRun>>> = [];
    for (let round = 0; round < ROUNDS; round++) {
      runs.push(await relayRun('store off', undefined, csms.url));
      runs.push(await relayRun('store on (chDB)', {}, csms.url));
      if (server) runs.push(await relayRun('store on (server)', { clickhouse: `${server.url}/bench_relay` }, csms.url));
    }
    results.relay = runs;
    const median = (label: string): number => {
      const v = runs.filter((r) => r.label === label).map((r) => r.p99).sort((a, b) => a - b);
      return v[Math.floor(v.length / 2)]!;
    };
    const off = median('store off');
    results.medianP99Ms = { off, chdb: median('store on (chDB)'), ...(server ? { server: median('store on (server)') } : {}) };
    results.addedP99Percent = {
      chdb: Math.round(((median('store on (chDB)') - off) / off) * 1000) / 10,
      ...(server ? { server: Math.round(((median('store on (server)') - off) / off) * 1000) / 10 } : {}),
    };
  } finally {
    await csms.close();
  }
} finally {
  await server?.destroy();
}
console.log(JSON.stringify(results, null, 2));
