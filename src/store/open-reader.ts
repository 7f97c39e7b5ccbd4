/** How a command reaches the store: the live proxy's control API, the chDB folder itself, or a ClickHouse server. */
import { existsSync } from 'node:fs';
import { callControl, ControlApiError } from '../control/api-client.js';
import { readControlInfo, type ControlInfo } from '../control/control-client.js';
import { openChdb, StoreLockedError } from './chdb-backend.js';
import { parseClickhouseTarget, parseClickhouseTargets } from './clickhouse-url.js';
import { FailoverBackend } from './failover-backend.js';
import { BackendReader } from './queries.js';
import { toSearchParams } from './query-params.js';
import { capsOf, migrate } from './schema.js';
import { openServer } from './server-backend.js';
import type { FrameQuery, FrameRow, KpiQuery, KpiSampleQuery, KpiSampleRow, KpiSummaryRow, MirrorSummaryRow, OpenStoreReaderOptions, SessionQuery, SessionRow, StoreReader } from './store-types.js';
import { chdbDir } from './store-paths.js';

/** Reads through a running proxy: it owns the chDB folder, so it answers for it. */
export class ControlReader implements StoreReader {
  constructor(private readonly info: Pick<ControlInfo, 'url' | 'token'> & { pid?: number }) {}

  /** Map a missing read route (404) to what it means: that proxy records nothing. */
  private async read<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ControlApiError && err.status === 404) {
        throw new Error(`the proxy running on this data folder (pid ${this.info.pid ?? '?'}) records nothing: it was started with --no-store`);
      }
      throw err;
    }
  }

  kpiSummary(q: KpiQuery): Promise<KpiSummaryRow[]> {
    return this.read(() => callControl(this.info, 'GET /api/report', { query: queryOf(q) }));
  }
  kpiSamples(q: KpiSampleQuery): Promise<KpiSampleRow[]> {
    return this.read(() => callControl(this.info, 'GET /api/kpi-samples', { query: queryOf(q) }));
  }
  frames(q: FrameQuery): Promise<FrameRow[]> {
    return this.read(() => callControl(this.info, 'GET /api/frames', { query: queryOf(q) }));
  }
  sessions(q: SessionQuery): Promise<SessionRow[]> {
    return this.read(() => callControl(this.info, 'GET /api/sessions-history', { query: queryOf(q) }));
  }
  mirrorSummary(q: KpiQuery): Promise<MirrorSummaryRow[]> {
    return this.read(() => callControl(this.info, 'GET /api/mirror-summary', { query: queryOf(q) }));
  }
  async close(): Promise<void> {}
}

const queryOf = (q: KpiQuery | KpiSampleQuery | FrameQuery | SessionQuery): Record<string, string> => Object.fromEntries(toSearchParams(q));

export async function openReader(opts: OpenStoreReaderOptions): Promise<StoreReader> {
  if (opts.clickhouse && opts.clickhouse.includes(',')) {
    // A cluster's nodes: any of them answers for the whole fleet through its Distributed tables.
    const targets = parseClickhouseTargets({ ...opts, clickhouse: opts.clickhouse });
    const nodes = await Promise.all(targets.map((t) => openServer(t)));
    const backend = new FailoverBackend(nodes, { where: `ClickHouse at ${targets.map((t) => t.url).join(', ')}` });
    return new BackendReader(backend, () => backend.close());
  }
  if (opts.clickhouse) {
    const backend = await openServer(parseClickhouseTarget({ ...opts, clickhouse: opts.clickhouse }));
    // A store nobody wrote to yet still answers (empty). A read-only user may not create tables, and an unreachable
    // server is reported by the first query, so a failure here is not an error yet.
    await backend
      .version()
      .then((v) => migrate(backend, capsOf(v)))
      .catch(() => undefined);
    return new BackendReader(backend, () => backend.close());
  }
  const dataDir = opts.dataDir ?? './data';
  const live = await readControlInfo(dataDir);
  if (live) return new ControlReader(live);
  const dir = chdbDir(dataDir);
  if (!existsSync(dir)) {
    throw new Error(`no store in ${dataDir} (no ${dir}): start the proxy with --data ${dataDir}, or give --clickhouse URL`);
  }
  try {
    const backend = await openChdb(dir);
    return new BackendReader(backend, () => backend.close());
  } catch (err) {
    // A proxy may have started between the two looks.
    const late = err instanceof StoreLockedError ? await readControlInfo(dataDir) : undefined;
    if (late) return new ControlReader(late);
    throw err;
  }
}
