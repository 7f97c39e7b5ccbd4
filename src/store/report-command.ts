/** `ocpp-mitm report`: the KPIs per station (count, timeouts, min, avg, p50, p95, p99, max in ms). */
import { KPI_NAMES } from '../kpi/kpi-types.js';
import { parseTimeMicros } from './duration.js';
import { writeFile } from 'node:fs/promises';
import { csv, ms, textTable } from './format.js';
import { describeSource, fieldHtmlReport } from './html/field-report.js';
import { renderHtmlReport } from './html/html-page.js';
import { openStoreReader, type KpiSummaryRow, type MirrorSummaryRow, type OpenStoreReaderOptions } from './store-reader.js';

export type ReportFormat = 'table' | 'json' | 'csv';

export interface ReportOptions extends OpenStoreReaderOptions {
  station?: string;
  since?: string;
  format?: ReportFormat;
  /** Shadow-CSMS differences per action (`start --mirror`) instead of the KPIs. */
  mirror?: boolean;
  /** Also write the self-contained HTML report to this file. */
  html?: string;
}

const COLUMNS = ['station', 'kpi', 'count', 'timeouts', 'min_ms', 'avg_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'max_ms'] as const;

export function formatReport(rows: KpiSummaryRow[], format: ReportFormat): string {
  const sorted = [...rows].sort((a, b) => a.station.localeCompare(b.station) || KPI_NAMES.indexOf(a.kpi) - KPI_NAMES.indexOf(b.kpi));
  if (format === 'json') return JSON.stringify(sorted, null, 2) + '\n';
  if (format === 'csv') return csv([...COLUMNS], sorted.map((r) => COLUMNS.map((c) => r[c])));
  if (sorted.length === 0) return 'no KPI samples recorded (for this selection)\n';
  return textTable(
    ['station', 'kpi', 'count', 'timeouts', 'min ms', 'avg ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    sorted.map((r) => [r.station, r.kpi, String(r.count), String(r.timeouts), ms(r.min_ms), ms(r.avg_ms), ms(r.p50_ms), ms(r.p95_ms), ms(r.p99_ms), ms(r.max_ms)]),
    new Set([2, 3, 4, 5, 6, 7, 8, 9]),
  );
}

const MIRROR_COLUMNS = ['mirror', 'action', 'compared', 'differing'] as const;

export function formatMirrorReport(rows: MirrorSummaryRow[], format: ReportFormat): string {
  if (format === 'json') return JSON.stringify(rows, null, 2) + '\n';
  if (format === 'csv') return csv([...MIRROR_COLUMNS], rows.map((r) => MIRROR_COLUMNS.map((c) => r[c])));
  if (rows.length === 0) return 'no shadow answers recorded (start --mirror URL records them)\n';
  return textTable([...MIRROR_COLUMNS], rows.map((r) => [r.mirror, r.action, String(r.compared), String(r.differing)]), new Set([2, 3]));
}

/** Runs the command; output goes to `write` (stdout by default). */
export async function runReport(opts: ReportOptions, write: (s: string) => void = (s) => void process.stdout.write(s)): Promise<void> {
  const format = opts.format ?? 'table';
  if (!['table', 'json', 'csv'].includes(format)) throw new Error(`--format: expected table, json or csv, got "${format}"`);
  const sinceMicros = opts.since ? parseTimeMicros(opts.since) : undefined;
  const reader = await openStoreReader(opts);
  try {
    const q = { station: opts.station, sinceMicros };
    if (opts.html) {
      await writeFile(opts.html, renderHtmlReport(await fieldHtmlReport(reader, q, describeSource(opts))));
      write(`wrote ${opts.html}\n`);
      return;
    }
    write(opts.mirror ? formatMirrorReport(await reader.mirrorSummary(q), format) : formatReport(await reader.kpiSummary(q), format));
  } finally {
    await reader.close();
  }
}
