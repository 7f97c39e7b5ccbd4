/** `report --html`: the field figures of every station, with no certificate bound (the audit adds those). */
import { KPI_NAMES } from '../../kpi/kpi-types.js';
import { describeTarget, parseClickhouseTarget } from '../clickhouse-url.js';
import { MAX_FRAME_LIMIT } from '../queries.js';
import type { FrameRow, KpiQuery, OpenStoreReaderOptions, StoreReader } from '../store-reader.js';
import { firmwareChanges, type HtmlKpi, type HtmlReport } from './html-model.js';

/** Where the figures came from, as the header prints it: never a password. */
export function describeSource(o: OpenStoreReaderOptions): string {
  if (o.clickhouse) return describeTarget(parseClickhouseTarget({ ...o, clickhouse: o.clickhouse, clickhousePassword: '' }));
  return `data folder ${o.dataDir ?? './data'}`;
}

/** Every BootNotification (and its answer) of the selection: enough to place firmware changes. */
export function bootFrames(reader: StoreReader, q: KpiQuery): Promise<FrameRow[]> {
  return reader.frames({ station: q.station, sinceMicros: q.sinceMicros, action: 'BootNotification', limit: MAX_FRAME_LIMIT });
}

export async function fieldHtmlReport(reader: StoreReader, q: KpiQuery, source: string, now = new Date()): Promise<HtmlReport> {
  const [summary, samples, boots] = await Promise.all([reader.kpiSummary(q), reader.kpiSamples(q), bootFrames(reader, q)]);
  const fw = firmwareChanges(boots);
  const names = new Set([...summary.map((r) => r.station), ...fw.keys()]);
  const kpis = KPI_NAMES.filter((k) => summary.some((r) => r.kpi === k));
  const stations = [...names].sort().map((station) => {
    const changes = fw.get(station) ?? [];
    const rows: HtmlKpi[] = kpis.map((kpi) => {
      const r = summary.find((x) => x.station === station && x.kpi === kpi);
      const field = r && r.count > 0 ? { count: r.count, timeouts: r.timeouts, minMs: r.min_ms, avgMs: r.avg_ms, p95Ms: r.p95_ms, maxMs: r.max_ms } : null;
      return field
        ? { kpi, field, certified: null, verdict: 'field_only', reason: 'no certificate bound: run `audit --html` for verdicts' }
        : { kpi, field: null, certified: null, verdict: 'no_data', reason: 'no field samples' };
    });
    return { station, firmware: changes[changes.length - 1]?.firmware, firmwareChanges: changes, kpis: rows };
  });
  return { mode: 'report', title: 'ocpp-mitm KPI report', generatedAt: now.toISOString(), source, kpis, stations, samples };
}
