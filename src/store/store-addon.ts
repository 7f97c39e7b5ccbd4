/**
 * The store as a relay addon: it records sessions, frames and KPI samples, writes them to ClickHouse through the
 * StoreWriter, and answers the store's read routes on the control API. With its write-ahead log on (the default)
 * it is a recorder: rows are built as frames are relayed and the turn's rows are in the log before the turn's frames
 * leave the process, so a kill loses none. Without the log it observes off the relay path (nothing to be durable).
 */
import { mkdirSync } from 'node:fs';
import type { Addon, AddonContext, RelayEvent } from '../core/addon.js';
import { ControlError } from '../core/control-routes.js';
import { causeOf, type StoreBackend } from './backend.js';
import { openChdbProcess, type StorePriority } from './chdb-process-backend.js';
import { parseClickhouseTarget, parseClickhouseTargets, type ClickhouseOptions } from './clickhouse-url.js';
import { checkClusterName, migrateCluster } from './cluster-schema.js';
import { FailoverBackend } from './failover-backend.js';
import { BackendReader } from './queries.js';
import type { PayloadMode } from './redact.js';
import { CallTracker, frameRow, kpiRow, sessionRow } from './rows.js';
import { capsOf, migrate, TABLES } from './schema.js';
import { TsvEncoder } from './tsv-encoder.js';
import { openServer } from './server-backend.js';
import { Spool } from './spool.js';
import type { StoreReader } from './store-reader.js';
import { chdbDir, spoolDir, walDir } from './store-paths.js';
import { registerStoreRoutes } from './store-routes.js';
import { Wal, type FsyncMode } from './wal.js';
import { StoreWriter, type StoreStats } from './writer.js';

export interface StoreAddonOptions extends ClickhouseOptions {
  /** Record into this cluster (named in the servers' remote_servers) through Distributed tables; --clickhouse lists its nodes. */
  clickhouseCluster?: string;
  /** Data folder (default: the relay's). */
  dataDir?: string;
  payloads?: PayloadMode;
  batchRows?: number;
  flushMs?: number;
  /** Drop rows older than this many days (TTL; ClickHouse 20.1 and later). */
  retentionDays?: number;
  /** A CALL unanswered this long is recorded as a timeout in `calls` (ms). */
  callTimeoutMs?: number;
  /** A server request slower than this counts as ClickHouse unavailable (ms). */
  requestTimeoutMs?: number;
  /** How long `start` waits for ClickHouse before the relay goes on without it (rows queue, then spool). */
  startWaitMs?: number;
  /** CPU priority of the embedded chDB's helper process (default idle). */
  priority?: StorePriority;
  /** When the write-ahead log is flushed to the disk (default never: the page cache survives a process crash). */
  fsync?: FsyncMode;
  /** Bound of the write-ahead log in bytes (default 1 GiB). */
  walMaxBytes?: number;
  /** false: no write-ahead log (rows not yet inserted are lost in a crash or an outage); for comparison. */
  wal?: boolean;
}

export interface StoreAddon extends Addon {
  stats(): StoreStats;
  /** Write what is queued (into ClickHouse, or the spool when it is away). */
  flush(): Promise<void>;
  /** Read the store in this process (the control routes use it). */
  reader(): StoreReader;
}

export const STORE_DEFAULTS = { payloads: 'full' as PayloadMode, batchRows: 20_000, flushMs: 1000, callTimeoutMs: 60_000, fsync: 'never' as FsyncMode, walMaxMiB: 1024 };

export function createStoreAddon(opts: StoreAddonOptions = {}): StoreAddon {
  const payloads = opts.payloads ?? STORE_DEFAULTS.payloads;
  let backend: StoreBackend | undefined;
  let writer: StoreWriter | undefined;
  let reader: BackendReader | undefined;
  let ctx: AddonContext | undefined;
  let sweep: NodeJS.Timeout | undefined;
  let lastSeq = 0;
  let warnedTtl = false;
  // The store's own sequence: relay seqs restart with each process, this one keeps increasing across restarts.
  const nextSeq = (): number => (lastSeq = Math.max(lastSeq + 1, Date.now() * 1000));

  const calls = new CallTracker((row) => writer?.add('calls', row), opts.callTimeoutMs ?? STORE_DEFAULTS.callTimeoutMs);

  const needWriter = (): StoreWriter => {
    if (!writer) throw new ControlError(503, 'the store has not started');
    return writer;
  };

  const addon: StoreAddon = {
    name: 'store',

    async start(c: AddonContext): Promise<void> {
      ctx = c;
      const dataDir = opts.dataDir ?? c.options.dataDir;
      mkdirSync(dataDir, { recursive: true });
      let prepareSchema: (be: StoreBackend) => Promise<void> = async (be) => {
        const caps = capsOf(await be.version());
        if (opts.retentionDays && !caps.ttl && !warnedTtl) {
          warnedTtl = true;
          c.logger.warn(`store: ${be.where} runs ClickHouse ${caps.version}, which has no TTL: --store-retention is not applied`);
        }
        await migrate(be, caps, opts.retentionDays);
      };
      if (opts.clickhouseCluster) {
        const cluster = checkClusterName(opts.clickhouseCluster);
        if (!opts.clickhouse) throw new Error('--clickhouse-cluster needs --clickhouse URL[,URL…]: the nodes to record through');
        const targets = parseClickhouseTargets({ ...opts, clickhouse: opts.clickhouse });
        // insert_distributed_sync: an INSERT is acknowledged once every shard holds its rows, so the log is trimmed
        // only for rows really stored (asynchronous Distributed inserts would be acknowledged from the node's queue).
        const nodes = await Promise.all(
          targets.map(async (t) => ({ backend: await openServer(t, { requestTimeoutMs: opts.requestTimeoutMs, insertSettings: { insert_distributed_sync: 1 } }), database: t.database })),
        );
        const failover = new FailoverBackend(
          nodes.map((n) => n.backend),
          {
            where: `ClickHouse cluster ${cluster} at ${targets.map((t) => t.url).join(', ')}${targets[0]!.database === 'default' ? '' : `/${targets[0]!.database}`}`,
            onSwitch: (from, to) => c.logger.warn(`store: ${from} unreachable; using ${to}`),
          },
        );
        backend = failover;
        prepareSchema = async () => {
          await migrateCluster(nodes, cluster, opts.retentionDays);
          // Through the Distributed table: fails while a shard has no live replica, so the store stays down (rows wait
          // in the log) rather than flapping between up and down on every INSERT.
          await failover.query('SELECT count() AS n FROM sessions WHERE at = 0');
        };
      } else if (opts.clickhouse?.includes(',')) {
        throw new Error('--clickhouse: several URLs are the nodes of a cluster; name it with --clickhouse-cluster');
      }
      backend ??= opts.clickhouse
        ? await openServer(parseClickhouseTarget({ ...opts, clickhouse: opts.clickhouse }), { requestTimeoutMs: opts.requestTimeoutMs })
        : await openChdbProcess(chdbDir(dataDir), {
            priority: opts.priority,
            onExit: (why) => {
              const text = `store: the chDB helper process ${why}; rows spool until a new one has started`;
              c.logger.error(text);
              c.publish({ type: 'notice', level: 'error', source: 'store', text });
            },
          });
      const be = backend;
      reader = new BackendReader(be);
      writer = new StoreWriter({
        backend: be,
        wal: new Wal(walDir(dataDir), {
          fsync: opts.fsync ?? STORE_DEFAULTS.fsync,
          maxBytes: opts.walMaxBytes ?? STORE_DEFAULTS.walMaxMiB * 1024 * 1024,
          disabled: opts.wal === false,
        }),
        spool: new Spool(spoolDir(dataDir)),
        encoder: new TsvEncoder(TABLES),
        logger: c.logger,
        batchRows: Math.max(1, opts.batchRows ?? STORE_DEFAULTS.batchRows),
        flushMs: Math.max(10, opts.flushMs ?? STORE_DEFAULTS.flushMs),
        prepare: () => prepareSchema(be),
        onStateChange: (state, text) => c.publish({ type: 'notice', level: state === 'down' ? 'error' : 'info', source: 'store', text }),
        onNotice: (level, text) => c.publish({ type: 'notice', level, source: 'store', text }),
      });

      registerStoreRoutes(c.control, { writer: needWriter, reader: () => reader!, where: be.where });

      // A server that does not answer must not hold the relay's start: rows queue, then spool, until it does.
      const started = writer.start();
      const waited = await Promise.race([
        started.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), opts.startWaitMs ?? 3000).unref()),
      ]);
      if (!waited) {
        started.catch((err: unknown) => {
          c.logger.error(`store: ${be.where}: ${causeOf(err)}`);
          writer?.markDown(err);
        });
        c.logger.warn(`store: ${be.where} is slow to answer; the relay starts, rows wait in memory and then in the spool`);
      }
      c.logger.info({ store: be.where, payloads }, 'store: recording');

      sweep = setInterval(() => calls.sweep(Date.now() * 1000), 5000);
      sweep.unref();
    },

    stop: async (): Promise<void> => {
      if (sweep) clearInterval(sweep);
      await writer?.stop();
      await backend?.close();
    },

    stats: () => needWriter().stats(),
    flush: () => needWriter().flush(),
    reader: () => {
      if (!reader) throw new Error('the store has not started');
      return reader;
    },
  };

  /** The rows an event makes; a recorder (on the relay path) with the log on, an observer without it. */
  const rowsOf = (event: RelayEvent): void => {
    const w = writer;
    if (!w) return;
    try {
      switch (event.type) {
        case 'message':
          w.add('frames', frameRow(event.message, nextSeq(), payloads));
          calls.onMessage(event.message);
          break;
        case 'session-open':
          w.add('sessions', sessionRow(event.session));
          break;
        case 'session-close':
          w.add('sessions', sessionRow(event.session, event.close));
          calls.onSessionClose(event.session.id);
          break;
        case 'kpi':
          w.add('kpi_samples', kpiRow(event.sample));
          break;
        default:
          break;
      }
    } catch (err) {
      // A row that cannot be built (odd input) is logged, never thrown into the relay.
      ctx?.logger.warn(`store: could not record a ${event.type} event: ${causeOf(err)}`);
    }
  };
  if (opts.wal === false) addon.observe = rowsOf;
  else {
    addon.record = rowsOf;
    addon.commitTurn = () => writer?.commit();
  }
  return addon;
}
