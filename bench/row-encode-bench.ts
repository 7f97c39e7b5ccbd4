/**
 * What the store's rows cost on the relay's thread, per frame: building the row of a frame record (frameRow), the
 * calls row of an answer (CallTracker), a KPI sample's row, and encoding them as TabSeparated lines, as the
 * store's writer does (numbered, then encoded into its buffer). No database: only the CPU of rows.ts and
 * tsv-encoder.ts.
 *
 *   node --import tsx bench/row-encode-bench.ts [--frames 400000] [--rounds 5]
 *
 * The frames are a Heartbeat exchange as compare-bench makes it (the CALL, and an answer its 1.6 schema finds
 * invalid: echo-csms answers `{}`) and a MeterValues exchange (a CALL of ~400 bytes), each answer with its KPI
 * sample; fresh records each, as the relay makes them.
 */
import { parseArgs } from 'node:util';
import type { MessageRecord } from '../src/core/relay-message.js';
import type { KpiSample } from '../src/kpi/kpi-types.js';
import { CallTracker, frameRow, kpiRow, type Row } from '../src/store/rows.js';
import { TABLES } from '../src/store/schema.js';
import { TsvEncoder } from '../src/store/tsv-encoder.js';

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '400000' },
    rounds: { type: 'string', default: '5' },
  },
});
const FRAMES = Number(args.frames) - (Number(args.frames) % 4);
const ROUNDS = Number(args.rounds);

const METER = JSON.stringify([2, 'x', 'MeterValues', {
  connectorId: 1, transactionId: 42,
  meterValue: [{ timestamp: '2026-01-01T00:00:00.000Z', sampledValue: [
    { value: '1234.5', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
    { value: '7.2', measurand: 'Power.Active.Import', unit: 'kW' },
    { value: '16.0', measurand: 'Current.Import', unit: 'A', phase: 'L1' },
  ] }],
}]);

/** Four frames in turn: a Heartbeat CALL, its answer, a MeterValues CALL, its answer. */
function record(i: number): MessageRecord {
  const now = 1_796_000_000_000_000 + i * 37;
  const kind = i % 4;
  const answer = kind % 2 === 1;
  const id = String(answer ? i - 1 : i);
  const action = kind < 2 ? 'Heartbeat' : 'MeterValues';
  const text = answer ? `[3,"${id}",{}]` : kind === 0 ? `[2,"${id}","Heartbeat",{}]` : METER.replace('"x"', `"${id}"`);
  const invalid = kind === 1; // a 1.6 Heartbeat answer needs currentTime
  return {
    seq: i, sessionId: `s-${(i >> 1) % 50}`, identity: `BENCH-${(i >> 1) % 50}`, direction: answer ? 'to-station' : 'to-csms', origin: 'wire',
    madeBy: undefined, version: '1.6', receivedAt: now, sentAt: now + 41, kind: answer ? 'CALLRESULT' : 'CALL',
    messageId: id, action, text, original: undefined, size: text.length, valid: !invalid,
    issues: invalid ? [{ path: '/currentTime', rule: 'required', message: '/currentTime: required field missing (required)' }] : [],
    errorCode: invalid ? 'FormationViolation' : undefined, malformed: undefined, dropped: undefined, ruleDelayMs: 0,
    modified: false, changedBy: [], ruleIds: [], latencyMs: answer ? 0.412 + (i % 7) / 1000 : undefined,
    callAction: answer ? action : undefined,
  };
}

const sample = (i: number): KpiSample => ({
  kpi: 'response_time', sessionId: `s-${i % 50}`, identity: `BENCH-${i % 50}`, version: '1.6', action: 'Heartbeat',
  endAction: 'Heartbeat', messageId: String(i), valueMs: 0.412, timedOut: false, at: 1_796_000_000_000_000 + i * 37,
} as KpiSample);

const enc = new TsvEncoder(TABLES);
const seqs = new Map<string, number>();
let bytes = 0;
/** As StoreWriter.add: number the row, encode it (the copy into the turn's buffer left out). */
const add = (table: string, row: Row): void => {
  const seq = (seqs.get(table) ?? 0) + 1;
  seqs.set(table, seq);
  row.wal_writer = 'mq1x2k3-0a1b2c3d';
  row.wal_seq = seq;
  bytes += enc.encode(table, row);
};
const calls = new CallTracker((row) => add('calls', row));

const perFrame: number[] = [];
for (let r = 0; r < ROUNDS + 1; r++) {
  // The sessions and message ids are the same each round: 50 stations, each with its own CALLs.
  const records = Array.from({ length: FRAMES }, (_, i) => record(i));
  const samples = Array.from({ length: FRAMES / 2 }, (_, i) => sample(i));
  bytes = 0;
  const t0 = process.cpuUsage();
  for (let i = 0; i < FRAMES; i++) {
    const m = records[i]!;
    add('frames', frameRow(m, i + 1, 'full'));
    calls.onMessage(m);
    if (i % 2 === 1) add('kpi_samples', kpiRow(samples[(i - 1) / 2]!));
  }
  const t = process.cpuUsage(t0);
  if (r > 0) perFrame.push(((t.user + t.system) * 1000) / FRAMES); // the first round warms up
  if (r === ROUNDS) console.log(`${(bytes / FRAMES).toFixed(0)} bytes of TSV per frame`);
}
perFrame.sort((a, b) => a - b);
console.log(`ns per frame (rows + TSV), rounds: ${perFrame.map((x) => x.toFixed(0)).join(' ')}; median ${perFrame[Math.floor(perFrame.length / 2)]!.toFixed(0)}`);
