/** The store's small parts: SQL quoting, globs, redaction, durations, URLs, the call pairing, the spool, the schema. */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { openChdb } from '../../src/store/chdb-backend.js';
import { parseClickhouseTarget, redactUrl } from '../../src/store/clickhouse-url.js';
import { parseDuration, parseTimeMicros } from '../../src/store/duration.js';
import { BadQueryError, fromSearchParams, toSearchParams } from '../../src/store/query-params.js';
import { redactFrameText, retainPayload } from '../../src/store/redact.js';
import { CallTracker, type Row } from '../../src/store/rows.js';
import { capsOf, createTableSql, migrate, SCHEMA_VERSION, TABLES } from '../../src/store/schema.js';
import { Spool } from '../../src/store/spool.js';
import { globToRegex, str } from '../../src/store/sql.js';
import { tempDir } from './clickhouse-support.js';
import { messageRecord } from '../support/message-record.js';

describe('sql', () => {
  it('quotes strings so that no value leaves its literal', () => {
    assert.equal(str("it's"), "'it\\'s'");
    assert.equal(str('a\\'), "'a\\\\'");
  });
  it('turns identity globs into anchored RE2 patterns', () => {
    const re = (g: string): RegExp => new RegExp(globToRegex(g));
    assert.ok(re('CP-*').test('CP-12') && !re('CP-*').test('XCP-12'));
    assert.ok(re('CP-?').test('CP-1') && !re('CP-?').test('CP-12'));
    assert.ok(re('CP-[12]').test('CP-2') && !re('CP-[12]').test('CP-3'));
    assert.ok(re('CP-[!12]').test('CP-3') && !re('CP-[!12]').test('CP-1'));
    assert.ok(re('a.b(c)').test('a.b(c)') && !re('a.b(c)').test('axb(c)'));
  });
});

describe('redaction', () => {
  it('masks idTag, idToken and secrets, and keeps the shape', () => {
    assert.equal(redactFrameText('[2,"1","Authorize",{"idTag":"ABC"}]'), '[2,"1","Authorize",{"idTag":"***"}]');
    const tx = JSON.parse(redactFrameText(JSON.stringify([2, '1', 'TransactionEvent', { idToken: { idToken: 'T1', type: 'ISO14443' }, seqNo: 1 }])));
    assert.deepEqual(tx[3], { idToken: { idToken: '***', type: 'ISO14443' }, seqNo: 1 });
    const cfg = JSON.parse(redactFrameText('[2,"1","ChangeConfiguration",{"key":"AuthorizationKey","value":"s3cret"}]'));
    assert.deepEqual(cfg[3], { key: 'AuthorizationKey', value: '***' });
    const vars = JSON.parse(
      redactFrameText(JSON.stringify([2, '1', 'SetVariables', { setVariableData: [{ variable: { name: 'BasicAuthPassword' }, attributeValue: 'pw' }, { variable: { name: 'HeartbeatInterval' }, attributeValue: '30' }] }])),
    );
    assert.deepEqual(vars[3].setVariableData.map((d: { attributeValue: string }) => d.attributeValue), ['***', '30']);
    assert.equal(redactFrameText('not json {idTag: ABC}'), '<not JSON, 21 bytes, not kept>');
    assert.equal(retainPayload('[2,"1","Heartbeat",{}]', 'none'), '');
    assert.equal(retainPayload('[2,"1","Heartbeat",{}]', 'full'), '[2,"1","Heartbeat",{}]');
  });
});

describe('durations and URLs', () => {
  it('parses --since values', () => {
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('7d'), 604_800_000);
    assert.throws(() => parseDuration('15 minutes'), /not a duration/);
    assert.equal(parseTimeMicros('2h', 10_000_000), (10_000_000 - 7_200_000) * 1000);
    assert.equal(parseTimeMicros('2026-01-31T12:00:00Z'), Date.parse('2026-01-31T12:00:00Z') * 1000);
    assert.throws(() => parseTimeMicros('yesterday'), /not a duration or a date/);
  });
  it('reads credentials and database from the URL, options first, and never prints the password', () => {
    assert.deepEqual(parseClickhouseTarget({ clickhouse: 'http://u:p%40ss@h:8123/db' }), { url: 'http://h:8123', username: 'u', password: 'p@ss', database: 'db' });
    assert.deepEqual(parseClickhouseTarget({ clickhouse: 'h:8123', clickhouseUser: 'x', clickhousePassword: 'y', clickhouseDatabase: 'z' }), {
      url: 'http://h:8123',
      username: 'x',
      password: 'y',
      database: 'z',
    });
    assert.throws(() => parseClickhouseTarget({ clickhouse: 'tcp://h:9000' }), /HTTP interface/);
    assert.equal(redactUrl('http://u:secret@h:8123/db?password=x'), 'http://h:8123/db?password=***');
  });
  it('carries queries over the control API and refuses malformed ones', () => {
    const q = { station: 'CP-*', session: 'S-1', direction: 'to-csms' as const, sinceMicros: 5, invalidOnly: true, afterSeq: 9, limit: 3 };
    assert.deepEqual(fromSearchParams(toSearchParams(q)), { ...q, action: undefined, untilMicros: undefined, kind: undefined });
    assert.equal(fromSearchParams(toSearchParams({ kind: 'SEND' })).kind, 'SEND');
    assert.equal(fromSearchParams(new URLSearchParams('kind=callresulterror')).kind, 'CALLRESULTERROR');
    assert.throws(() => fromSearchParams(new URLSearchParams('kind=PING')), /kind: expected one of CALL, CALLRESULT, CALLERROR, CALLRESULTERROR, SEND, MALFORMED/);
    assert.throws(() => fromSearchParams(new URLSearchParams('since=-1')), BadQueryError);
    assert.throws(() => fromSearchParams(new URLSearchParams('direction=up')), /direction/);
  });
});

const record = (over: Partial<MessageRecord>): MessageRecord =>
  messageRecord({ direction: 'to-station', action: 'Reset', ...over });

describe('call pairing', () => {
  it('pairs answers, and writes off CALLs that time out or whose session closes', () => {
    const rows: Row[] = [];
    const t = new CallTracker((r) => rows.push(r), 1000);
    t.onMessage(record({ messageId: 'a' }));
    t.onMessage(record({ messageId: 'b', sentAt: 5_000_000 }));
    t.onMessage(record({ messageId: 'c', sessionId: 'S2' }));
    t.onMessage(record({ kind: 'CALLERROR', direction: 'to-csms', messageId: 'a', callAction: 'Reset', latencyMs: 12.5, receivedAt: 1_012_600, text: '[4,"a","NotSupported","",{}]' }));
    assert.deepEqual([rows[0]!.outcome, rows[0]!.error_code, rows[0]!.latency_ms, rows[0]!.called_at], ['error', 'NotSupported', 12.5, 1_000_100]);
    t.sweep(5_500_000); // c (called at 1.0001 s) is older than 1 s; b is not
    assert.deepEqual(rows.slice(1).map((r) => [r.message_id, r.outcome]), [['c', 'timeout']]);
    t.onSessionClose('S1');
    assert.deepEqual(rows.slice(2).map((r) => [r.message_id, r.outcome]), [['b', 'timeout']]);
    assert.equal(t.waiting, 0);
  });

  it('past its bound writes off the oldest CALL of any session; a repeated id counts once, from its last copy', () => {
    const rows: Row[] = [];
    const t = new CallTracker((r) => rows.push(r), 60_000, 2);
    t.onMessage(record({ messageId: 'x', sessionId: 'S2', sentAt: 3_000_000 }));
    t.onMessage(record({ messageId: 'y', sessionId: 'S1', sentAt: 2_000_000 }));
    t.onMessage(record({ messageId: 'y', sessionId: 'S1', sentAt: 4_000_000 })); // the same id again
    assert.equal(t.waiting, 2);
    t.onMessage(record({ messageId: 'z', sessionId: 'S3', sentAt: 5_000_000 }));
    assert.deepEqual(rows.map((r) => [r.session_id, r.message_id, r.outcome, r.called_at]), [['S2', 'x', 'timeout', 3_000_000]]);
    t.onMessage(record({ kind: 'CALLRESULT', direction: 'to-csms', sessionId: 'S1', messageId: 'y', callAction: 'Reset', latencyMs: 1, receivedAt: 4_001_000 }));
    assert.deepEqual([rows[1]!.outcome, rows[1]!.called_at], ['result', 4_000_000]);
    assert.equal(t.waiting, 1);
  });
});

describe('spool of earlier versions', () => {
  it('finds the files an earlier version left, oldest first, counts their rows, removes and rejects them', async () => {
    const dir = await tempDir();
    try {
      const spool = join(dir, 'spool');
      mkdirSync(spool);
      writeFileSync(join(spool, '1700000000001-000001-frames.tsv'), '3\tc\n'.repeat(16));
      writeFileSync(join(spool, '1700000000000-000000-frames.tsv'), '1\ta\n2\tb\n');
      writeFileSync(join(spool, '1700000000002-000002-calls.jsonl'), '{"c":1}\n');
      writeFileSync(join(spool, 'notes.txt'), 'not a spool file');
      const s = new Spool(spool);
      assert.equal(s.rows, 19);
      const files = s.pending();
      assert.deepEqual(files.map((f) => `${f.table} ${f.rows} ${f.format}`), ['frames 2 TabSeparated', 'frames 16 TabSeparated', 'calls 1 JSONEachRow']);
      await s.remove(files[0]!);
      await s.remove(files[1]!);
      const to = await s.reject(files[2]!);
      assert.equal(s.rows, 0);
      assert.equal(s.rejectedRows, 1);
      assert.ok(to.endsWith(join('rejected', '1700000000002-000002-calls.jsonl')));
      assert.deepEqual(readdirSync(spool).sort(), ['notes.txt', 'rejected']);
      assert.deepEqual(new Spool(spool).pending(), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('schema', () => {
  it('uses plain types on 18.16 and LowCardinality and TTL where the server has them', () => {
    const frames = TABLES.find((t) => t.name === 'frames')!;
    const old = createTableSql(frames, capsOf('18.16.1'), 30);
    assert.doesNotMatch(old, /LowCardinality|TTL|DateTime64|Nullable|Map\(/);
    const cur = createTableSql(frames, capsOf('26.7.2.1'), 30);
    assert.match(cur, /identity LowCardinality\(String\)/);
    assert.match(cur, /TTL toDateTime\(intDiv\(received_at, 1000000\)\) \+ INTERVAL 30 DAY$/);
  });
  it('creates, records and re-opens a versioned schema in chDB, with retention', async () => {
    const dir = await tempDir();
    const be = await openChdb(join(dir, 'clickhouse'));
    try {
      const caps = capsOf(await be.version());
      assert.equal(await migrate(be, caps, 7), 0);
      assert.equal(await migrate(be, caps, 7), SCHEMA_VERSION, 'the second start finds the current version and changes nothing');
      const t = await be.query<{ q: string }>("SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'frames'");
      assert.match(t[0]!.q, /TTL .*toIntervalDay\(7\)|TTL .*INTERVAL 7 DAY/);
      assert.equal(await migrate(be, caps, 30), SCHEMA_VERSION, 'a new retention on an existing store');
      const t30 = await be.query<{ q: string }>("SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = 'frames'");
      assert.match(t30[0]!.q, /TTL .*toIntervalDay\(30\)|TTL .*INTERVAL 30 DAY/);
      const v = await be.query<{ n: number }>('SELECT count() AS n FROM schema_version');
      assert.equal(Number(v[0]!.n), 1);
      // A second user of the folder in this process (a reader beside the store) shares the session; closing it
      // leaves the first one working.
      const second = await openChdb(join(dir, 'clickhouse'));
      await second.close();
      assert.equal(Number((await be.query<{ n: number }>('SELECT count() AS n FROM schema_version'))[0]!.n), 1);
    } finally {
      await be.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('adds the write-ahead columns to a version-1 store', async () => {
    const dir = await tempDir();
    const be = await openChdb(join(dir, 'clickhouse'));
    try {
      const caps = capsOf(await be.version());
      await be.exec('CREATE TABLE schema_version (version UInt32, applied_at UInt64, description String) ENGINE = MergeTree() ORDER BY version');
      await be.exec("INSERT INTO schema_version VALUES (1, 1, 'v1')");
      for (const t of TABLES) await be.exec(createTableSql({ ...t, columns: t.columns.filter(([n]) => !n.startsWith('wal_')) }, caps));
      await be.exec("INSERT INTO calls (called_at, session_id) VALUES (1, 'old')");
      assert.equal(await migrate(be, caps), 1);
      const cols = await be.query<{ table: string; name: string }>("SELECT table, name FROM system.columns WHERE database = currentDatabase() AND name LIKE 'wal%' ORDER BY table, name");
      assert.equal(cols.length, TABLES.length * 2);
      const old = await be.query<{ w: string; s: string | number }>("SELECT wal_writer AS w, wal_seq AS s FROM calls WHERE session_id = 'old'");
      assert.deepEqual(old.map((r) => [r.w, Number(r.s)]), [['', 0]], 'old rows read with empty write-ahead columns');
      assert.equal(await migrate(be, caps), SCHEMA_VERSION);
    } finally {
      await be.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
