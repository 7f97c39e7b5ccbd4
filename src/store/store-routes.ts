/**
 * The store's part of the control API: its health, and the read routes that `report`, `frames`, `audit` and the
 * live view use while a proxy holds the data folder (the query is the one `toSearchParams` writes).
 */
import { ControlError, typedRoutes, type ControlRequest, type ControlRoutes } from '../core/control-routes.js';
import { causeOf, isUnavailable } from './backend.js';
import { BadQueryError, fromSearchParams } from './query-params.js';
import type { FrameRow, KpiSampleRow, KpiSummaryRow, MirrorSummaryRow, SessionRow, StoreReader } from './store-types.js';
import type { StoreStats, StoreWriter } from './writer.js';

/** A read route's query: the URL form of FrameQuery / KpiQuery / SessionQuery (query-params.ts). */
type ReadQuery = Record<string, string | undefined>;

export interface StoreRoutes {
  'GET /api/store/stats': { response: StoreStats };
  'GET /api/report': { query: ReadQuery; response: KpiSummaryRow[] };
  /** KPI samples one by one (oldest first), for distributions and KPIs over time. */
  'GET /api/kpi-samples': { query: ReadQuery; response: KpiSampleRow[] };
  'GET /api/frames': { query: ReadQuery; response: FrameRow[] };
  'GET /api/sessions-history': { query: ReadQuery; response: SessionRow[] };
  /** Per action: how often a shadow CSMS (start --mirror) answered otherwise than the primary. */
  'GET /api/mirror-summary': { query: ReadQuery; response: MirrorSummaryRow[] };
}

/** What the routes need of the store addon (declared here so the addon may import this file). */
export interface StoreControl {
  /** The writer; throws a 503 ControlError until the store has started. */
  writer(): StoreWriter;
  reader(): StoreReader;
  /** The backend's name, for "unreachable" answers. */
  where: string;
}

export function registerStoreRoutes(control: ControlRoutes, store: StoreControl): void {
  /** Read routes: flush first so a report includes what just happened, and say plainly when ClickHouse is away. */
  const read =
    <T>(query: (r: StoreReader, q: ReturnType<typeof fromSearchParams>) => Promise<T>) =>
    async (req: ControlRequest): Promise<T> => {
      let q: ReturnType<typeof fromSearchParams>;
      try {
        q = fromSearchParams(req.query);
      } catch (err) {
        if (err instanceof BadQueryError) throw new ControlError(400, err.message);
        throw err;
      }
      const w = store.writer();
      await Promise.race([w.flush(), new Promise((r) => setTimeout(r, 2000).unref())]);
      try {
        return await query(store.reader(), q);
      } catch (err) {
        if (isUnavailable(err)) throw new ControlError(503, `${store.where} unreachable: ${causeOf(err).replace(/^.* unreachable: /, '')}`);
        throw err;
      }
    };
  const route = typedRoutes<StoreRoutes>(control);
  route('GET /api/store/stats', () => store.writer().stats());
  route('GET /api/report', read((r, q) => r.kpiSummary(q)));
  route('GET /api/frames', read((r, q) => r.frames(q)));
  route('GET /api/sessions-history', read((r, q) => r.sessions(q)));
  route('GET /api/mirror-summary', read((r, q) => r.mirrorSummary(q)));
  route('GET /api/kpi-samples', read((r, q) => r.kpiSamples(q)));
}
