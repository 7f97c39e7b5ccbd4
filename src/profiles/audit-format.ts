/** The audit report as a terminal table: per station its KPIs beside the certified figures, then the findings. */
import type { AuditReport, KpiAudit } from './audit-types.js';

const sec = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(3));
const cert = (s: number | null | undefined): string => (s === null || s === undefined ? '-' : s.toFixed(2));

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

const kpiRow = (k: KpiAudit): string[] => [
  k.kpi,
  String(k.field?.count ?? 0),
  sec(k.field?.minMs),
  sec(k.field?.avgMs),
  sec(k.field?.p95Ms),
  sec(k.field?.maxMs),
  cert(k.certified?.minS),
  cert(k.certified?.avgS),
  cert(k.certified?.maxS),
  cert(k.certified?.declaredMaxS),
  k.verdict,
];

export function formatAuditTable(report: AuditReport): string {
  const out: string[] = [];
  for (const s of report.stations) {
    const p = s.profile;
    out.push(
      p
        ? `station ${s.station}  profile ${p.product}${p.certificateNumber ? ` (${p.certificateNumber})` : ''}  [${p.file}, via ${p.source}]`
        : `station ${s.station}  no profile`,
    );
    if (s.kpis.length > 0) {
      const head = ['  kpi (s)', 'n', 'min', 'avg', 'p95', 'max', 'cert min', 'cert avg', 'cert max', 'declared', 'verdict'];
      out.push(...table([head, ...s.kpis.map((k) => ['  ' + k.kpi, ...kpiRow(k).slice(1)])]));
    }
    for (const f of s.findings) {
      const ev = f.evidence[0];
      const where = ev ? ` [${[ev.seq !== undefined ? `seq ${ev.seq}` : '', ev.messageId ? `id ${ev.messageId}` : '', ev.sessionId ? `session ${ev.sessionId}` : '', ev.at].filter(Boolean).join(', ')}]` : '';
      out.push(`  ${f.level.toUpperCase().padEnd(7)} ${f.code}: ${f.message}${f.count > 1 ? ` (×${f.count})` : ''}${where}`);
    }
    out.push('');
  }
  const { stations, errors, warnings, infos } = report.summary;
  out.push(`${stations} station(s): ${errors} error(s), ${warnings} warning(s), ${infos} info`);
  return out.join('\n');
}
