/** The KPI engine's part of the control API: live figures per station and KPI. */
import { KPI_NAMES, type KpiName } from './kpi-types.js';
import { ControlError, typedRoutes, type ControlRoutes } from '../core/control-routes.js';
import type { KpiSummary } from './kpi-stats.js';

export interface KpiRoutes {
  /** `station`: an identity or a glob; `kpi`: one KPI name. */
  'GET /api/kpis': { query: { station?: string; kpi?: KpiName }; response: KpiSummary[] };
}

export function registerKpiRoutes(control: ControlRoutes, summary: (station?: string) => KpiSummary[]): void {
  typedRoutes<KpiRoutes>(control)('GET /api/kpis', (req) => {
    const kpi = req.query.get('kpi');
    if (kpi !== null && !KPI_NAMES.includes(kpi as KpiName)) {
      throw new ControlError(400, `unknown kpi '${kpi}': one of ${KPI_NAMES.join(', ')}`);
    }
    const rows = summary(req.query.get('station') ?? undefined);
    return kpi === null ? rows : rows.filter((r) => r.kpi === kpi);
  });
}
