/**
 * The store's part of the control API: its health, and the read routes that `report`, `frames`, `audit` and the
 * live view use while a proxy holds the data folder (the query is the one `toSearchParams` writes).
 */
import type { FrameRow, KpiSampleRow, KpiSummaryRow, MirrorSummaryRow, SessionRow } from './store-types.js';
import type { StoreStats } from './writer.js';

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
