/**
 * The audit's KPI verdict on live figures: the KPI engine's rows (GET /api/kpis, ms) beside a bound profile's
 * certified figures (GET /api/profiles/bound, s). Pure and free of Node APIs, so the live view imports it too:
 * the words and thresholds stay those of `audit` (audit-kpi.ts) instead of a second copy drifting apart.
 */
import { kpiVerdict } from './audit-kpi.js';
import type { AuditKpiRow, KpiAudit } from './audit-types.js';
import { CERTIFIED_KPIS, type CertifiedKpi, type KpiFigures } from './profile-types.js';

/** Field figures of one station and KPI in ms; null (or absent) where nothing was measured. */
export interface LiveFigures {
  count: number;
  timeouts: number;
  minMs?: number | null;
  avgMs?: number | null;
  p95Ms?: number | null;
  maxMs?: number | null;
}

export const isCertifiedKpi = (kpi: string): kpi is CertifiedKpi => (CERTIFIED_KPIS as readonly string[]).includes(kpi);

/**
 * The verdict for one KPI, or undefined when the KPI is not one a certificate measures (csms_response_time).
 * `certified` null: the profile has no row for the KPI (the audit's "not measurable" → no_data).
 */
export function liveVerdict(station: string, kpi: string, field: LiveFigures, certified: KpiFigures | null): KpiAudit | undefined {
  if (!isCertifiedKpi(kpi)) return undefined;
  const row: AuditKpiRow = {
    station,
    kpi,
    count: field.count,
    timeouts: field.timeouts,
    min_ms: field.minMs ?? null,
    avg_ms: field.avgMs ?? null,
    p50_ms: null,
    p95_ms: field.p95Ms ?? null,
    p99_ms: null,
    max_ms: field.maxMs ?? null,
  };
  // kpiVerdict reads only the profile's kpis: a stub keeps this module free of the profile loader.
  return kpiVerdict(kpi, row, { product: '', ocppVersion: '1.6', kpis: { [kpi]: certified } });
}
