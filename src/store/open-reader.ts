/** How a command reaches the store: the live proxy's control API, the chDB folder itself, or a ClickHouse server. */
import { existsSync } from 'node:fs';
import { controlFetch, readControlInfo, type ControlInfo } from '../control/control-client.js';
import { openChdb, StoreLockedError } from './chdb-backend.js';
import { parseClickhouseTarget } from './clickhouse-url.js';
import { BackendReader } from './queries.js';
import { toSearchParams } from './query-params.js';
import { capsOf, migrate } from './schema.js';
import { openServer } from './server-backend.js';
import type { FrameQuery, FrameRow, KpiQuery, KpiSampleQuery, KpiSampleRow, KpiSummaryRow, OpenStoreReaderOptions, SessionQuery, SessionRow, StoreReader } from './store-reader.js';
import { chdbDir } from './store-paths.js';

/** Reads through a running proxy: it owns the chDB folder, so it answers for it. */
export class ControlReader implements StoreReader {
  constructor(private readonly info: Pick<ControlInfo, 'url' | 'token'> & { pid?: number }) {}

  private async get<T>(path: string, q: KpiQuery | FrameQuery | SessionQuery): Promise<T> {
    const qs = toSearchParams(q).toString();
    try {
      return await controlFetch<T>(this.info, 'GET', qs ? `${path}?${qs}` : path);
    } catch (err) {
      if (/no route GET/.test((err as Error).message)) {
        throw new Error(`the proxy running on this data folder (pid ${this.info.pid ?? '?'}) records nothing: it was started with --no-store`);
      }
      throw err;
    }
  }

  kpiSummary(q: KpiQuery): Promise<KpiSummaryRow[]> {
    return this.get('/api/report', q);
  }
  kpiSamples(q: KpiSampleQuery): Promise<KpiSampleRow[]> {
    return this.get('/api/kpi-samples', q);
  }
  frames(q: FrameQuery): Promise<FrameRow[]> {
    return this.get('/api/frames', q);
  }
  sessions(q: SessionQuery): Promise<SessionRow[]> {
    return this.get('/api/sessions-history', q);
  }
  async close(): Promise<void> {}
}

export async function openReader(opts: OpenStoreReaderOptions): Promise<StoreReader> {
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
