/**
 * chDB's CPU per row by INSERT size: frames rows as the store writes them (TabSeparated), inserted into an
 * embedded chDB in this process in batches of each size, with the process's CPU (all threads: parsing, writing
 * parts, merging) divided by the rows. Separates what an INSERT costs once (a new part: a dozen files, their
 * directory, checksums) from what a row costs.
 *
 *   node --import tsx bench/chdb-insert-bench.ts [--rows 100000] [--batches 500,1250,2500,5000,20000] [--alter 'MODIFY COLUMN …;…']
 *
 * --alter: ALTER TABLE frames statements run before the inserts (e.g. to try a column type or codec).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { MessageRecord } from '../src/core/relay-message.js';
import { openChdb } from '../src/store/chdb-backend.js';
import { frameRow } from '../src/store/rows.js';
import { capsOf, migrate, TABLES } from '../src/store/schema.js';
import { TsvEncoder } from '../src/store/tsv-encoder.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    batches: { type: 'string', default: '500,1250,2500,5000,20000' },
    alter: { type: 'string', default: '' },
  },
});
const ROWS = Number(args.rows);
const enc = new TsvEncoder(TABLES);

/** `n` frames rows from `start`: a Heartbeat CALL and its (1.6-invalid) answer in turn, 50 stations. */
function lines(start: number, n: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = start; i < start + n; i++) {
    const answer = i % 2 === 1;
    const text = answer ? `[3,"${i >> 1}",{}]` : `[2,"${i >> 1}","Heartbeat",{}]`;
    const m: MessageRecord = {
      seq: i, sessionId: `s-${(i >> 1) % 50}`, identity: `BENCH-${(i >> 1) % 50}`, direction: answer ? 'to-station' : 'to-csms',
      origin: 'wire', madeBy: undefined, version: '1.6', receivedAt: 1_796_000_000_000_000 + i * 30, sentAt: 1_796_000_000_000_040 + i * 30,
      kind: answer ? 'CALLRESULT' : 'CALL', messageId: String(i >> 1), action: 'Heartbeat', text, original: undefined, size: text.length,
      valid: !answer, issues: answer ? [{ path: '/currentTime', rule: 'required', message: '/currentTime: required field missing (required)' }] : [],
      errorCode: answer ? 'FormationViolation' : undefined, malformed: undefined, dropped: undefined, ruleDelayMs: 0, modified: false,
      changedBy: [], ruleIds: [], latencyMs: answer ? 0.4 : undefined, callAction: answer ? 'Heartbeat' : undefined,
    };
    const row = frameRow(m, i + 1, 'full');
    row.wal_writer = 'mq1x2k3-0a1b2c3d';
    row.wal_seq = i + 1;
    parts.push(Buffer.from(enc.out.subarray(0, enc.encode('frames', row))));
  }
  return Buffer.concat(parts);
}

const results = [];
for (const batch of args.batches.split(',').map(Number)) {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-chdb-insert-'));
  const be = await openChdb(dir);
  try {
    await migrate(be, capsOf(await be.version()));
    for (const a of args.alter.split(';').filter((s) => s.trim())) await be.exec(`ALTER TABLE frames ${a}`);
    const bufs: Buffer[] = [];
    for (let s = 0; s < ROWS; s += batch) bufs.push(lines(s, Math.min(batch, ROWS - s)));
    const cpu0 = process.cpuUsage();
    for (const b of bufs) await be.insert('frames', b, 'TabSeparated', enc.columns('frames'));
    const cpu = process.cpuUsage(cpu0);
    results.push({ 'rows per INSERT': batch, INSERTs: bufs.length, 'CPU µs per row': ((cpu.user + cpu.system) / ROWS).toFixed(2) });
  } finally {
    await be.close();
    await rm(dir, { recursive: true, force: true });
  }
}
console.table(results);
