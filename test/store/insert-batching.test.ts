/**
 * When the writer sends an INSERT: once one table holds --store-batch-rows rows (ClickHouse's cost is per INSERT and
 * per row, so small tables must not cut the big one's INSERTs short), or at --store-flush-ms. Real chDB behind a
 * wrapper that counts the INSERTs it is sent.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import type { StoreBackend } from '../../src/store/backend.js';
import { openChdb } from '../../src/store/chdb-backend.js';
import { frameRow, sessionRow } from '../../src/store/rows.js';
import { capsOf, migrate, TABLES } from '../../src/store/schema.js';
import { Spool } from '../../src/store/spool.js';
import { TsvEncoder } from '../../src/store/tsv-encoder.js';
import { Wal } from '../../src/store/wal.js';
import { StoreWriter } from '../../src/store/writer.js';
import { captureLogger } from '../support/capture-log.js';
import { messageRecord } from '../support/message-record.js';
import { tempDir } from './clickhouse-support.js';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

it('an INSERT is due once one table holds batch-rows rows, not once all tables together do', { timeout: 60_000 }, async () => {
  const dir = await tempDir();
  const be = await openChdb(join(dir, 'clickhouse'));
  const inserts: Array<[string, number]> = [];
  const counting: StoreBackend = Object.create(be, {
    insert: {
      value: (table: string, lines: Buffer, format: Parameters<StoreBackend['insert']>[2], columns?: readonly string[]) => {
        inserts.push([table, lines.toString().split('\n').filter(Boolean).length]);
        return be.insert(table, lines, format, columns);
      },
    },
  });
  const writer = new StoreWriter({
    backend: counting,
    wal: new Wal(join(dir, 'wal')),
    spool: new Spool(join(dir, 'spool')),
    encoder: new TsvEncoder(TABLES),
    logger: captureLogger().logger,
    batchRows: 10,
    flushMs: 60_000, // no timer flush within the test
    prepare: async () => {
      await migrate(be, capsOf(await be.version()));
    },
  });
  try {
    await writer.start();
    const session = { id: 'S1', identity: 'CP', path: '/ocpp/CP', remoteAddress: '', offeredProtocols: ['ocpp1.6'], stationProtocol: 'ocpp1.6', csmsProtocol: 'ocpp1.6', stationVersion: '1.6', csmsVersion: '1.6', upstreamUrl: 'ws://x/CP', tls: undefined, securityProfile: 0, basicAuthUser: undefined, openedAt: 1 } as const;
    const frame = (i: number) => writer.add('frames', frameRow(messageRecord({ messageId: `m${i}`, identity: 'CP' }), i, 'full'));
    for (let i = 1; i <= 6; i++) {
      frame(i);
      writer.add('sessions', sessionRow(session));
    }
    await turn();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(inserts, [], '12 rows queued, but no table holds 10: nothing is sent yet');
    for (let i = 7; i <= 10; i++) frame(i);
    await turn();
    const deadline = Date.now() + 10_000;
    while (writer.stats().written < 16 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(inserts.sort(), [['frames', 10], ['sessions', 6]], 'the frames table reached 10: the whole queue goes, one INSERT per table');
    assert.equal(writer.stats().written, 16);
  } finally {
    await writer.stop();
    await be.close();
    await rm(dir, { recursive: true, force: true });
  }
});
