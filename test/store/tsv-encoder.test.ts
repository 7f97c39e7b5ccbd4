/**
 * The store writes rows as TabSeparated. The lines are checked byte for byte, and rows holding everything that
 * needs escaping go into chDB and into a real clickhouse-server and come back equal. An old JSONEachRow spool file
 * is still replayed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { StoreBackend } from '../../src/store/backend.js';
import { openChdbProcess } from '../../src/store/chdb-process-backend.js';
import { parseClickhouseTarget } from '../../src/store/clickhouse-url.js';
import { frameRow, type Row } from '../../src/store/rows.js';
import { capsOf, migrate, TABLES } from '../../src/store/schema.js';
import { openServer } from '../../src/store/server-backend.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { startRelay } from '../../src/core/relay.js';
import { chdbDir, spoolDir } from '../../src/store/store-paths.js';
import { TsvEncoder } from '../../src/store/tsv-encoder.js';
import { messageRecord } from '../support/message-record.js';
import { startCsms } from '../support/ocpp-peers.js';
import { SKIP_MESSAGE, tempDir, TestClickhouse, waitFor } from './clickhouse-support.js';

const server = await TestClickhouse.launch();
after(async () => server?.destroy());

/** Encode first: a long row replaces `out` with a bigger buffer. */
const encoded = (enc: TsvEncoder, table: string, row: Row): Buffer => {
  const length = enc.encode(table, row);
  return Buffer.from(enc.out.subarray(0, length));
};
const line = (enc: TsvEncoder, table: string, row: Row): string => encoded(enc, table, row).toString('utf8');

const TRICKY = [
  '',
  'plain',
  'tab\there',
  'new\nline',
  'carriage\rreturn',
  'nul\u0000byte',
  'back\\slash',
  String.raw`{"msg":"quoted \"text\" and \\n escapes"}`,
  "it's",
  'ünïcödé – 漢字 – 🚗⚡',
  '\\t is not a tab',
];

describe('TabSeparated encoding', () => {
  const enc = new TsvEncoder([
    { name: 't', columns: [['n', 'UInt64'], ['f', 'Float64'], ['s', 'String'], ['l', 'LC'], ['a', 'Array(String)']] },
  ]);

  it('writes numbers as digits, escapes only what TabSeparated needs, quotes array elements', () => {
    assert.equal(line(enc, 't', { n: 1_795_309_998_017_123, f: -1, s: 'a\tb\\c', l: 'x', a: [] }), '1795309998017123\t-1\ta\\tb\\\\c\tx\t[]\n');
    assert.equal(line(enc, 't', { n: 0, f: 12.375, s: '{"a":"b"}', l: '', a: ['r1', "it's", 'a\nb'] }), "0\t12.375\t{\"a\":\"b\"}\t\t['r1','it\\'s','a\\nb']\n");
    assert.equal(line(enc, 't', { n: 9_007_199_254_740_991, f: 1e-7, s: 'ü', a: ['漢'] }), '9007199254740991\t1e-7\tü\t\t[\'漢\']\n', 'missing values are empty');
  });

  it('grows its buffer for a row larger than it', () => {
    const big = 'x'.repeat(200_000) + '\t' + '€'.repeat(100_000);
    const text = line(enc, 't', { n: 1, f: 0, s: big, l: '', a: [] });
    assert.equal(text, `1\t0\t${big.replace('\t', '\\t')}\t\t[]\n`);
  });

  it('agrees byte for byte with plain String() digits and regex escaping, on numbers and strings of every sort', () => {
    const esc: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\\': '\\\\', "'": "\\'" };
    const ref = (v: { n: number; s: string; a: string[] }): Buffer =>
      Buffer.from(
        `${String(Math.trunc(v.n))}\t0\t${v.s.replace(/[\t\n\r\0\\]/g, (c) => esc[c]!)}\t\t` +
          `[${v.a.map((x) => `'${x.replace(/[\t\n\r\0\\']/g, (c) => esc[c]!)}'`).join(',')}]\n`,
        'utf8',
      );
    let seed = 5;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor(seed / 65536) % n);
    const alphabet = ['a', 'Z', '0', '"', "'", '\\', '\t', '\n', '\r', '\0', '\u0001', ']', '^', '\u007f', 'é', '€', '漢', '😀', '\ud800'];
    const text = (max: number): string => Array.from({ length: rand(max) }, () => alphabet[rand(alphabet.length)]).join('');
    const edges = [0, 1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 99_999_999, 100_000_000, 100_000_001, 1_795_309_998_017_123, 2 ** 53 - 1, -1, -(2 ** 31), -(2 ** 53 - 1)];
    for (let i = 0; i < 5000; i++) {
      const n = i < edges.length ? edges[i]! : (rand(2) ? 1 : -1) * Math.floor(Math.random() * 10 ** rand(17));
      // Short strings take the encoder's byte-by-byte way, long ones Buffer.write: both, and the border.
      const v = { n, s: text(rand(4) === 0 ? 300 : 100), a: Array.from({ length: rand(3) }, () => text(20)) };
      assert.deepEqual(encoded(enc, 't', { n: v.n, f: 0, s: v.s, l: '', a: v.a }), ref(v), JSON.stringify(v));
    }
  });

  it('refuses a table or column type it has no rule for', () => {
    assert.throws(() => enc.encode('nope', {}), /unknown table nope/);
    assert.throws(() => new TsvEncoder([{ name: 'x', columns: [['d', 'DateTime64(6)']] }]), /no rule for column type DateTime64/);
  });
});

describe('TabSeparated rows in ClickHouse', () => {
  const rows: Row[] = TRICKY.map((text, i) => {
    const m = messageRecord({ seq: i, messageId: text || 'id', action: 'DataTransfer', text, original: i % 2 ? text : undefined });
    const row = frameRow(m, 1_000_000 + i, 'full');
    return { ...row, rule_ids: [text, 'r2'], changed_by: i % 3 ? [text] : [], latency_ms: i + 0.25, rule_delay_ms: -1 };
  });

  const roundTrip = async (backend: StoreBackend): Promise<void> => {
    await migrate(backend, capsOf(await backend.version()));
    const enc = new TsvEncoder(TABLES);
    const buf = Buffer.concat(rows.map((r) => encoded(enc, 'frames', r)));
    await backend.insert('frames', buf, 'TabSeparated', enc.columns('frames'));
    const back = await backend.query<Record<string, unknown>>(
      'SELECT store_seq, message_id, payload, original, rule_ids, changed_by, latency_ms, rule_delay_ms, received_at FROM frames ORDER BY store_seq',
    );
    assert.equal(back.length, rows.length);
    back.forEach((b, i) => {
      const r = rows[i]!;
      assert.deepEqual(
        [Number(b.store_seq), b.message_id, b.payload, b.original, b.rule_ids, b.changed_by, Number(b.latency_ms), Number(b.rule_delay_ms), Number(b.received_at)],
        [r.store_seq, r.message_id, r.payload, r.original, r.rule_ids, r.changed_by, r.latency_ms, r.rule_delay_ms, r.received_at],
        `row ${i}: ${JSON.stringify(TRICKY[i])}`,
      );
    });
  };

  it('come back as they went into chDB', { timeout: 60_000 }, async () => {
    const dir = await tempDir();
    const backend = await openChdbProcess(chdbDir(dir));
    try {
      await roundTrip(backend);
    } finally {
      await backend.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('come back as they went into clickhouse-server', { skip: server ? undefined : SKIP_MESSAGE, timeout: 60_000 }, async () => {
    const backend = await openServer(parseClickhouseTarget({ clickhouse: `${server!.url}/tsv` }));
    try {
      await roundTrip(backend);
    } finally {
      await backend.close();
    }
  });
});

it('replays the JSONEachRow and TabSeparated spool files an earlier version left', { timeout: 60_000 }, async () => {
  const dataDir = await tempDir();
  const csms = await startCsms();
  const rows = [0, 1, 2].map((i) => frameRow(messageRecord({ seq: i, identity: 'CP-OLD', text: '[2,"x","Heartbeat",{}]' }), 500 + i, 'full'));
  mkdirSync(spoolDir(dataDir), { recursive: true });
  writeFileSync(join(spoolDir(dataDir), '1700000000000-000000-frames.jsonl'), rows.map((r) => JSON.stringify(r) + '\n').join(''));
  // A .tsv file as version 1 wrote it: the columns before wal_writer/wal_seq existed.
  const v1 = new TsvEncoder(TABLES.map((t) => ({ ...t, columns: t.columns.filter(([n]) => !n.startsWith('wal_')) })));
  const tsv = [3, 4].map((i) => {
    const n = v1.encode('frames', frameRow(messageRecord({ seq: i, identity: 'CP-OLD', text: '[2,"y","Heartbeat",{}]' }), 500 + i, 'full'));
    return Buffer.from(v1.out.subarray(0, n));
  });
  writeFileSync(join(spoolDir(dataDir), '1700000000001-000001-frames.tsv'), Buffer.concat(tsv));
  const store = createStoreAddon({ flushMs: 20 });
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [store] });
  try {
    await waitFor('the old spool replayed', () => store.stats().spooled === 0 && store.stats().replayed === 5);
    const frames = await store.reader().frames({ station: 'CP-OLD' });
    assert.deepEqual(frames.map((f) => f.seq), [500, 501, 502, 503, 504]);
  } finally {
    await relay.close();
    await csms.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
