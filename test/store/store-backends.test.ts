/**
 * The same recording scenario over both back ends (embedded chDB, a real clickhouse-server): real relay, real
 * ocpp-rpc peers in strict mode, KPI samples published through the relay's addon context. Checks every table and
 * the report's exact figures.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, describe, it } from 'node:test';
import type { Addon, AddonContext } from '../../src/core/addon.js';
import type { KpiSample } from '../../src/kpi/kpi-types.js';
import { startRelay } from '../../src/core/relay.js';
import type { StoreBackend } from '../../src/store/backend.js';
import { openChdb } from '../../src/store/chdb-backend.js';
import { parseClickhouseTarget } from '../../src/store/clickhouse-url.js';
import { openServer } from '../../src/store/server-backend.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { openStoreReader, type OpenStoreReaderOptions } from '../../src/store/store-reader.js';
import { chdbDir } from '../../src/store/store-paths.js';
import { connectRawStation, connectStation, startCsms } from '../support/ocpp-peers.js';
import { SKIP_MESSAGE, tempDir, TestClickhouse } from './clickhouse-support.js';

/** A stand-in for the KPI engine's publishing side: the test hands it samples, it publishes them like the engine. */
function kpiPublisher(): Addon & { publish(s: KpiSample): void } {
  let ctx: AddonContext | undefined;
  return {
    name: 'test-kpi-publisher',
    start(c) {
      ctx = c;
    },
    publish(sample) {
      ctx!.publish({ type: 'kpi', sample });
    },
  };
}

const sample = (identity: string, kpi: KpiSample['kpi'], valueMs: number | null, at: number): KpiSample => ({
  kpi,
  sessionId: `s-${identity}`,
  identity,
  version: '1.6',
  action: 'GetConfiguration',
  endAction: valueMs === null ? '' : 'GetConfiguration',
  messageId: `m-${at}`,
  valueMs,
  timedOut: valueMs === null,
  at,
});

interface Backend {
  name: string;
  skip?: string;
  /** Options for the store addon and for a reader of the same store. */
  setup(dataDir: string): Promise<{ store: Parameters<typeof createStoreAddon>[0]; reader: OpenStoreReaderOptions; raw: () => Promise<StoreBackend> }>;
}

const server = await TestClickhouse.launch();
after(async () => server?.destroy());

const backends: Backend[] = [
  {
    name: 'chDB (embedded)',
    async setup(dataDir) {
      return { store: { payloads: 'full' }, reader: { dataDir }, raw: () => openChdb(chdbDir(dataDir)) };
    },
  },
  {
    name: 'clickhouse-server',
    skip: server ? undefined : SKIP_MESSAGE,
    async setup() {
      // Credentials and a database that does not exist yet, all in the URL.
      const url = `http://mitm:mitm-secret@127.0.0.1:${server!.httpPort}/mitm_${process.pid}`;
      return {
        store: { clickhouse: url, payloads: 'redacted' },
        reader: { clickhouse: url },
        raw: () => openServer(parseClickhouseTarget({ clickhouse: url })),
      };
    },
  },
];

for (const b of backends) {
  describe(`store on ${b.name}`, { skip: b.skip }, () => {
    it('records sessions, frames, calls and KPI samples, and reports exact figures', async () => {
      const dataDir = await tempDir();
      const { store: storeOpts, reader: readerOpts, raw } = await b.setup(dataDir);
      const csms = await startCsms({ protocols: ['ocpp1.6'] });
      const publisher = kpiPublisher();
      const store = createStoreAddon({ ...storeOpts, flushMs: 50 });
      const relay = await startRelay({ upstream: csms.url, dataDir, addons: [publisher, store] }).catch(async (err: unknown) => {
        await csms.close();
        throw err;
      });
      try {
        const station = await connectStation({
          url: `${relay.url}/ocpp/`,
          identity: 'CP-1',
          handlers: {
            GetConfiguration: () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }),
            Reset: () => {
              throw Object.assign(new Error('not now'), { rpcErrorCode: 'InternalError' });
            },
          },
        });
        await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
        for (let i = 0; i < 3; i++) await station.call('Heartbeat', {});
        await station.call('Authorize', { idTag: 'SECRET-TAG-42' });
        const cp = await csms.waitForClient('CP-1');
        await cp.call('GetConfiguration', {});
        await assert.rejects(cp.call('Reset', { type: 'Soft' }));

        // A malformed frame from another station.
        const rawStation = await connectRawStation(`${relay.url}/ocpp/CP-RAW`);
        rawStation.send('this is not OCPP');
        await rawStation.next().catch(() => undefined);
        rawStation.close();

        // KPI samples: response_time 1.5, 3.0, …, 30.0 ms (20 values, shuffled) plus 2 timeouts; one other KPI.
        const t0 = Date.now() * 1000;
        const values = Array.from({ length: 20 }, (_, i) => (i + 1) * 1.5);
        const shuffled = values.map((v, i) => values[(i * 7) % 20]!);
        shuffled.forEach((v, i) => publisher.publish(sample('CP-1', 'response_time', v, t0 + i)));
        publisher.publish(sample('CP-1', 'response_time', null, t0 + 100));
        publisher.publish(sample('CP-1', 'response_time', null, t0 + 101));
        publisher.publish(sample('CP-1', 'remote_start_authorization', 1234.5, t0 + 102));
        await station.close();
      } finally {
        await relay.close();
        await csms.close();
      }

      // After the proxy stopped: the reader opens the store itself.
      const reader = await openStoreReader(readerOpts);
      try {
        const frames = await reader.frames({ station: 'CP-1', limit: 1000 });
        // 5 station CALLs + 5 answers, 2 CSMS CALLs + 2 answers.
        assert.equal(frames.length, 14, JSON.stringify(frames.map((f) => [f.kind, f.action, f.direction])));
        const seqs = frames.map((f) => f.seq);
        assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'frames come oldest first');
        assert.equal(new Set(seqs).size, 14, 'store sequence is unique');
        const boot = frames.filter((f) => f.action === 'BootNotification');
        assert.deepEqual(boot.map((f) => [f.kind, f.direction]), [['CALL', 'to-csms'], ['CALLRESULT', 'to-station']]);
        assert.ok(boot[1]!.latencyMs !== null && boot[1]!.latencyMs >= 0);
        assert.equal(boot[0]!.latencyMs, null);
        assert.ok(frames.every((f) => f.valid && !f.dropped && !f.injected && f.version === '1.6'));
        const authorize = frames.find((f) => f.kind === 'CALL' && f.action === 'Authorize')!;
        if (storeOpts?.payloads === 'redacted') {
          assert.ok(!authorize.text.includes('SECRET-TAG-42'), authorize.text);
          assert.deepEqual(JSON.parse(authorize.text)[3], { idTag: '***' });
        } else {
          assert.deepEqual(JSON.parse(authorize.text)[3], { idTag: 'SECRET-TAG-42' });
        }
        assert.equal(authorize.size, Buffer.byteLength(`[2,"${authorize.messageId}","Authorize",{"idTag":"SECRET-TAG-42"}]`));

        assert.equal((await reader.frames({ station: 'CP-1', action: 'Heartbeat' })).length, 6);
        assert.equal((await reader.frames({ station: 'CP-1', direction: 'to-station', limit: 1000 })).length, 7);
        assert.equal((await reader.frames({ station: 'CP-*', limit: 3 })).length, 3);
        const invalid = await reader.frames({ invalidOnly: true });
        assert.ok(invalid.length >= 1 && invalid.every((f) => !f.valid), 'malformed frames are flagged invalid');
        assert.ok(invalid.some((f) => f.identity === 'CP-RAW' && f.kind === 'MALFORMED'));
        const last = frames.at(-1)!;
        assert.equal((await reader.frames({ station: 'CP-1', afterSeq: last.seq })).length, 0);

        const sessions = await reader.sessions({ station: 'CP-1' });
        assert.equal(sessions.length, 1);
        const s = sessions[0]!;
        assert.equal(s.identity, 'CP-1');
        assert.deepEqual(s.offeredProtocols, ['ocpp1.6']);
        assert.equal(s.stationProtocol, 'ocpp1.6');
        assert.equal(s.csmsProtocol, 'ocpp1.6');
        assert.ok(s.closedAt !== null && s.closedAt >= s.openedAt);
        assert.equal(typeof s.closeCode, 'number');
        assert.match(s.remoteAddress, /127\.0\.0\.1/);

        const report = await reader.kpiSummary({ station: 'CP-1' });
        const rt = report.find((r) => r.kpi === 'response_time')!;
        // Nearest rank over 1.5 … 30: p50 = 10th value, p95 = 19th, p99 = 20th.
        assert.deepEqual(rt, {
          station: 'CP-1',
          kpi: 'response_time',
          count: 22,
          timeouts: 2,
          min_ms: 1.5,
          avg_ms: 15.75,
          p50_ms: 15,
          p95_ms: 28.5,
          p99_ms: 30,
          max_ms: 30,
        });
        const rs = report.find((r) => r.kpi === 'remote_start_authorization')!;
        assert.deepEqual([rs.count, rs.min_ms, rs.p50_ms, rs.max_ms], [1, 1234.5, 1234.5, 1234.5]);
        assert.deepEqual(await reader.kpiSummary({ station: 'CP-9*' }), []);
        assert.deepEqual(await reader.kpiSummary({ sinceMicros: Date.now() * 1000 + 60e6 }), []);
      } finally {
        await reader.close();
      }

      // The calls table, read directly: 7 answered pairs with outcome and latency.
      const be = await raw();
      try {
        const calls = await be.query<{ action: string; outcome: string; error_code: string; latency_ms: number; direction: string }>(
          "SELECT action, outcome, error_code, latency_ms, direction FROM calls WHERE identity = 'CP-1' ORDER BY called_at",
        );
        assert.deepEqual(
          calls.map((c) => [c.action, c.outcome, c.direction]),
          [
            ['BootNotification', 'result', 'to-csms'],
            ['Heartbeat', 'result', 'to-csms'],
            ['Heartbeat', 'result', 'to-csms'],
            ['Heartbeat', 'result', 'to-csms'],
            ['Authorize', 'result', 'to-csms'],
            ['GetConfiguration', 'result', 'to-station'],
            ['Reset', 'error', 'to-station'],
          ],
        );
        assert.equal(calls.at(-1)!.error_code, 'InternalError');
        assert.ok(calls.every((c) => Number(c.latency_ms) >= 0));
        const versions = await be.query<{ version: number }>('SELECT max(version) AS version FROM schema_version');
        assert.equal(Number(versions[0]!.version), SCHEMA_VERSION);
      } finally {
        await be.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  });
}
