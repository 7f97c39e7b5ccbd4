/**
 * KPI verdicts: field figures of one station beside its certified figures.
 * - no_data: no field sample, or the profile certifies neither a maximum nor a declared maximum for the KPI;
 * - exceeds_declared_max: the field maximum is above the vendor's declared maximum;
 * - slower_than_certified: the field p95 is above the maximum the lab measured;
 * - within_certified: otherwise.
 * The worst applicable verdict wins (exceeds before slower).
 */
import type { CertifiedKpi, CertifiedProfile } from './profile-types.js';
import type { AuditKpiRow, KpiAudit } from './audit-types.js';

const s = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(3)} s`);

export function kpiVerdict(kpi: CertifiedKpi, row: AuditKpiRow | undefined, profile: CertifiedProfile): KpiAudit {
  const c = profile.kpis?.[kpi] ?? null;
  const certified = c ? { declaredMaxS: c.declaredMaxS, minS: c.minS, avgS: c.avgS, maxS: c.maxS } : null;
  const field =
    row && row.count > 0
      ? { count: row.count, timeouts: row.timeouts, minMs: row.min_ms, avgMs: row.avg_ms, p95Ms: row.p95_ms, maxMs: row.max_ms }
      : null;
  const audit = (verdict: KpiAudit['verdict'], reason: string): KpiAudit => ({ kpi, field, certified, verdict, reason });
  if (!field) return audit('no_data', row && row.timeouts > 0 ? `only timeouts (${row.timeouts}) in the field` : 'no field samples');
  if (!certified || (certified.maxS === null && certified.declaredMaxS === null)) return audit('no_data', 'not measurable in the certificate');
  if (certified.declaredMaxS !== null && field.maxMs !== null && field.maxMs > certified.declaredMaxS * 1000) {
    return audit('exceeds_declared_max', `field max ${s(field.maxMs)} > declared max ${certified.declaredMaxS} s`);
  }
  if (certified.maxS !== null && field.p95Ms !== null && field.p95Ms > certified.maxS * 1000) {
    return audit('slower_than_certified', `field p95 ${s(field.p95Ms)} > certified max ${certified.maxS} s`);
  }
  return audit('within_certified', `field p95 ${s(field.p95Ms)}, max ${s(field.maxMs)} within certified figures`);
}
