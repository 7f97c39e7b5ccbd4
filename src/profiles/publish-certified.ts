/**
 * `audit --publish`: the certified figures each station is audited against, written into the ClickHouse server's
 * `certified_kpis` table, so a dashboard (docker/grafana) can draw field percentiles against them. One row per
 * station and KPI; a later publish replaces it (ReplacingMergeTree on updated_at; readers take argMax).
 * SQL as ClickHouse 18.16 takes it: no Nullable (has_cert says whether the figures are there), text literals only.
 */
import type { StoreBackend } from '../store/backend.js';
import { num, str } from '../store/sql.js';
import type { AuditReport } from './audit-types.js';

export const CERTIFIED_KPIS_DDL = `CREATE TABLE IF NOT EXISTS certified_kpis (
  updated_at UInt64,
  station String,
  kpi String,
  product String,
  certificate String,
  has_cert UInt8,
  min_s Float64,
  avg_s Float64,
  max_s Float64,
  declared_max_s Float64,
  verdict String
) ENGINE = ReplacingMergeTree(updated_at) ORDER BY (station, kpi)`;

/** -1 stands for "the certificate gives none" (Float64 has no null in this schema). */
const orMinus = (v: number | null | undefined): string => num(v ?? -1);

export function certifiedRowsSql(report: AuditReport, updatedAtMicros: number): string | undefined {
  const rows: string[] = [];
  for (const s of report.stations) {
    if (!s.profile) continue;
    for (const k of s.kpis) {
      const c = k.certified;
      rows.push(
        `(${num(Math.trunc(updatedAtMicros))}, ${str(s.station)}, ${str(k.kpi)}, ${str(s.profile.product)}, ${str(s.profile.certificateNumber ?? '')}, ` +
          `${c ? 1 : 0}, ${orMinus(c?.minS)}, ${orMinus(c?.avgS)}, ${orMinus(c?.maxS)}, ${orMinus(c?.declaredMaxS)}, ${str(k.verdict)})`,
      );
    }
  }
  if (rows.length === 0) return undefined;
  return `INSERT INTO certified_kpis (updated_at, station, kpi, product, certificate, has_cert, min_s, avg_s, max_s, declared_max_s, verdict) VALUES ${rows.join(', ')}`;
}

/** Creates the table when missing and writes the report's rows; returns how many were written. */
export async function publishCertified(backend: StoreBackend, report: AuditReport, now = Date.now()): Promise<number> {
  await backend.exec(CERTIFIED_KPIS_DDL);
  const sql = certifiedRowsSql(report, now * 1000);
  if (!sql) return 0;
  await backend.exec(sql);
  return report.stations.filter((s) => s.profile).reduce((n, s) => n + s.kpis.length, 0);
}
