/**
 * The write-ahead log's edges: records round-trip and a damaged one stops the reader; a torn last record (a crash
 * mid-append) is skipped and the whole ones before it are replayed into chDB; a full log counts lost rows and says
 * so, without throwing into the caller.
 */
import assert from 'node:assert/strict';
import { readdirSync, truncateSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import type { StoreBackend } from '../../src/store/backend.js';
import { openChdb } from '../../src/store/chdb-backend.js';
import { parseClickhouseTarget } from '../../src/store/clickhouse-url.js';
import { frameRow } from '../../src/store/rows.js';
import { capsOf, migrate, TABLES } from '../../src/store/schema.js';
import { openServer } from '../../src/store/server-backend.js';
import { Spool } from '../../src/store/spool.js';
import { TsvEncoder } from '../../src/store/tsv-encoder.js';
import { Wal } from '../../src/store/wal.js';
import { StoreWriter } from '../../src/store/writer.js';
import { captureLogger } from '../support/capture-log.js';
import { messageRecord } from '../support/message-record.js';
import { freePort, tempDir } from './clickhouse-support.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

function writerOn(be: StoreBackend, dir: string, wal: Wal, logger = captureLogger().logger, onNotice?: (level: string, text: string) => void): StoreWriter {
  return new StoreWriter({
    backend: be,
    wal,
    spool: new Spool(join(dir, 'spool')),
    encoder: new TsvEncoder(TABLES),
    logger,
    batchRows: 1000,
    flushMs: 50,
    prepare: async () => {
      await migrate(be, capsOf(await be.version()));
    },
    onNotice,
  });
}

/** A server back end on a port nothing listens on: every request is refused, as when ClickHouse is down. */
async function deadServer(): Promise<StoreBackend> {
  return openServer(parseClickhouseTarget({ clickhouse: `http://127.0.0.1:${await freePort()}` }), { requestTimeoutMs: 1000 });
}

it('reads records back and stops at a damaged one', () => {
  const a = { table: 'frames', writer: 'w1', firstSeq: 1, rows: 2, lines: Buffer.from('a\nb\n') };
  const b = { table: 'calls', writer: 'w1', firstSeq: 7, rows: 1, lines: Buffer.from('c\n') };
  const buf = Wal.encode([a, b, a]);
  const all = Wal.parse(buf);
  assert.equal(all.tornBytes, 0);
  assert.deepEqual(
    all.records.map((r) => [r.table, r.writer, r.firstSeq, r.rows, r.lines.toString()]),
    [
      ['frames', 'w1', 1, 2, 'a\nb\n'],
      ['calls', 'w1', 7, 1, 'c\n'],
      ['frames', 'w1', 1, 2, 'a\nb\n'],
    ],
  );
  const damaged = Buffer.from(buf);
  const second = Wal.encode([a]).length;
  damaged[second + 20] = damaged[second + 20]! ^ 0xff; // a byte inside the second record's body: its CRC no longer matches
  const read = Wal.parse(damaged);
  assert.equal(read.records.length, 1);
  assert.equal(read.tornBytes, damaged.length - second);
});

it('skips a torn last record and replays the whole ones before it into chDB', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const dead = await deadServer();
  const w1 = writerOn(dead, dir, new Wal(join(dir, 'wal')));
  await w1.start();
  assert.equal(w1.stats().state, 'down');
  for (let t = 0; t < 3; t++) {
    for (let i = 0; i < 10; i++) w1.add('frames', frameRow(messageRecord({ messageId: `m-${t}-${i}`, identity: 'CP-TORN' }), t * 10 + i + 1, 'full'));
    await turn();
  }
  await w1.stop();
  await dead.close();
  const files = readdirSync(join(dir, 'wal')).filter((f) => f.endsWith('.wal'));
  assert.equal(files.length, 1, 'three turns, one segment');
  const path = join(dir, 'wal', files[0]!);
  truncateSync(path, statSync(path).size - 7); // the process died in the middle of the third append

  const reopened = new Wal(join(dir, 'wal'));
  assert.equal(reopened.replayRows, 20, 'the torn record does not count');
  const log = captureLogger();
  const be = await openChdb(join(dir, 'clickhouse'));
  try {
    const w2 = writerOn(be, dir, reopened, log.logger);
    await w2.start();
    await w2.replay();
    await w2.stop();
    assert.equal(w2.stats().replayed, 20);
    assert.match(log.text(), /ends in \d+ bytes that are not a whole record .*: skipped/);
    const rows = await be.query<{ n: number | string }>("SELECT count() AS n FROM frames WHERE identity = 'CP-TORN'");
    assert.equal(Number(rows[0]!.n), 20);
    assert.deepEqual(readdirSync(join(dir, 'wal')).filter((f) => f.endsWith('.wal')), [], 'the replayed segment is removed');
  } finally {
    await be.close();
    await rm(dir, { recursive: true, force: true });
  }
});

it('a full log counts the rows it could not take as lost and says so once, without throwing', { timeout: 30_000 }, async () => {
  const dir = await tempDir();
  const dead = await deadServer();
  const notices: string[] = [];
  const wal = new Wal(join(dir, 'wal'), { maxBytes: 8192 });
  const w = writerOn(dead, dir, wal, undefined, (_level, text) => notices.push(text));
  try {
    await w.start();
    let added = 0;
    for (let t = 0; t < 20; t++) {
      for (let i = 0; i < 5; i++, added++) w.add('frames', frameRow(messageRecord({ messageId: `f-${added}` }), added + 1, 'full'));
      await turn();
    }
    const s = w.stats();
    assert.ok(s.lost > 0, 'some rows did not fit');
    assert.equal(s.lost + s.spooled, added, 'every row is either waiting in the log or counted as lost');
    assert.ok(wal.bytes <= 8192);
    assert.equal(notices.length, 1, 'one notice for the episode');
    assert.match(notices[0]!, /rows are being lost: cannot write the write-ahead log in .*: the write-ahead log in .* is full \(8192 bytes, --store-wal-max\)/);
  } finally {
    await w.stop();
    await dead.close();
    await rm(dir, { recursive: true, force: true });
  }
});

it('with the log disabled (--no-store-wal) nothing is written, and rows ClickHouse cannot take are counted as lost', { timeout: 30_000 }, async () => {
  const dir = await tempDir();
  const dead = await deadServer();
  const w = writerOn(dead, dir, new Wal(join(dir, 'wal'), { disabled: true }));
  try {
    await w.start();
    for (let i = 0; i < 12; i++) w.add('frames', frameRow(messageRecord({ messageId: `n-${i}` }), i + 1, 'full'));
    await turn();
    assert.equal(w.stats().lost, 12);
    assert.equal(w.stats().spooled, 0);
    assert.ok(!readdirSync(dir).includes('wal'), 'no log folder');
  } finally {
    await w.stop();
    await dead.close();
    await rm(dir, { recursive: true, force: true });
  }
});

it('appends, rotates and reads back the same in every --store-fsync mode', async () => {
  const dir = await tempDir();
  try {
    for (const fsync of ['never', 'interval', 'always'] as const) {
      const wal = new Wal(join(dir, fsync), { fsync, segmentBytes: 100, fsyncIntervalMs: 5 });
      const seg1 = wal.append([{ table: 'frames', writer: 'w', firstSeq: 1, rows: 2, lines: Buffer.from('a\nb\n') }]);
      await new Promise((r) => setTimeout(r, 20)); // an interval flush in between
      const big = Buffer.from('x'.repeat(120) + '\n');
      const seg2 = wal.append([{ table: 'frames', writer: 'w', firstSeq: 3, rows: 1, lines: big }]);
      assert.notEqual(seg1, seg2, `${fsync}: past segmentBytes the next append opens a new segment`);
      wal.close();
      const again = new Wal(join(dir, fsync));
      assert.deepEqual(again.segments().map((s) => s.rows), [2, 1], fsync);
      assert.equal((await again.read(again.segments()[1]!)).records[0]!.lines.toString(), big.toString());
      again.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
