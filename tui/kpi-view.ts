/**
 * KPI rows for the KPI screen: what the KPI engine serves on GET /api/kpis (the view shows the server's figures,
 * it does not recompute them), beside the certified figures of the profile each station is bound to
 * (GET /api/profiles/bound) with the audit's verdict.
 */
import { KPI_NAMES, type KpiName } from '../src/kpi/kpi-types.js';
import type { KpiSummary } from '../src/kpi/kpi-stats.js';
import type { BoundStation } from '../src/profiles/profile-binding-addon.js';
import type { KpiVerdict } from '../src/profiles/audit-types.js';
import { isCertifiedKpi, liveVerdict } from '../src/profiles/live-verdict.js';
import { CERTIFIED_KPIS, type KpiFigures } from '../src/profiles/profile-types.js';

/** KPI figures per station and KPI, as the KPI engine serves them (GET /api/kpis). */
export interface KpiFigure {
  identity: string;
  kpi: KpiName | string;
  count: number;
  timeouts: number;
  minMs: number | undefined;
  maxMs: number | undefined;
  avgMs: number | undefined;
  lastMs: number | undefined;
  /** Undefined while nothing was measured. */
  p95Ms?: number;
}

/** The engine's rows as the screen's figures (ms; undefined while nothing was measured). */
export function figuresFromApi(api: readonly KpiSummary[]): KpiFigure[] {
  const ms = (v: number | null): number | undefined => v ?? undefined;
  return api
    .map((k) => ({
      identity: k.station,
      kpi: k.kpi,
      count: k.count,
      timeouts: k.timeouts,
      minMs: ms(k.min),
      maxMs: ms(k.max),
      avgMs: ms(k.avg),
      lastMs: ms(k.last),
      p95Ms: ms(k.p95),
    }))
    .sort((a, b) => a.identity.localeCompare(b.identity) || a.kpi.localeCompare(b.kpi));
}

/**
 * A fleet's KPI rows: one per station and KPI across the proxies a station was on (it may have moved). Counts and
 * timeouts add up, min and max are the extremes, avg is weighted by count; a percentile cannot be merged exactly,
 * so p50/p95/p99 are the highest of the proxies' (an upper bound: a verdict on it errs toward "slower").
 */
export function mergeKpiRows(perProxy: ReadonlyArray<readonly KpiSummary[]>): KpiSummary[] {
  const byKey = new Map<string, KpiSummary>();
  const hi = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));
  const lo = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
  for (const rows of perProxy) {
    for (const r of rows) {
      const key = `${r.station}\u0000${r.kpi}`;
      const m = byKey.get(key);
      if (!m) {
        byKey.set(key, { ...r, sends: { ...r.sends } });
        continue;
      }
      const count = m.count + r.count;
      const newer = (r.lastAt ?? 0) > (m.lastAt ?? 0);
      byKey.set(key, {
        ...m,
        version: newer ? r.version : m.version,
        count,
        timeouts: m.timeouts + r.timeouts,
        rejected: m.rejected + r.rejected,
        excluded: m.excluded + r.excluded,
        cancelled: m.cancelled + r.cancelled,
        min: lo(m.min, r.min),
        max: hi(m.max, r.max),
        avg: count === 0 ? null : ((m.avg ?? 0) * m.count + (r.avg ?? 0) * r.count) / count,
        p50: hi(m.p50, r.p50),
        p95: hi(m.p95, r.p95),
        p99: hi(m.p99, r.p99),
        last: newer ? r.last : m.last,
        lastAt: newer ? r.lastAt : m.lastAt,
        percentileOf: m.percentileOf + r.percentileOf,
        sends: { fromStation: m.sends.fromStation + r.sends.fromStation, toStation: m.sends.toStation + r.sends.toStation },
      });
    }
  }
  return [...byKey.values()];
}

/** A station's bound profile as GET /api/profiles/bound gives it; null: the proxy binds profiles, none applies. */
export interface StationProfile {
  name: string;
  product: string;
  certificateNumber?: string;
  /** identity, boot or only profile. */
  via?: string;
  kpis: Partial<Record<string, KpiFigures | null>>;
}

/** Stations → their bound profile (null when none binds them), from GET /api/profiles/bound. */
export function boundFromApi(api: readonly BoundStation[]): Map<string, StationProfile | null> {
  const out = new Map<string, StationProfile | null>();
  for (const row of api) {
    const p = row.profile;
    out.set(
      row.station,
      p
        ? { name: p.name, product: p.product, certificateNumber: p.certificateNumber ?? undefined, via: row.via ?? undefined, kpis: { ...(row.kpis ?? {}) } }
        : null,
    );
  }
  return out;
}

/** One KPI row of the screen: the field figures and, for a certified KPI of a bound station, what was certified. */
export interface KpiRow extends KpiFigure {
  /** undefined: no profile (or a KPI certificates do not measure); null: the profile has no row for this KPI. */
  certified?: KpiFigures | null;
  /** The audit's verdict; undefined without a profile. */
  verdict?: KpiVerdict;
  reason?: string;
}

export interface KpiGroup {
  identity: string;
  /** undefined: this proxy binds no profiles (GET /api/profiles/bound answered 404); null: none binds the station. */
  profile: StationProfile | null | undefined;
  rows: KpiRow[];
}

export interface KpiTable {
  /** The proxy binds certified profiles: the certified columns are shown. */
  certified: boolean;
  groups: KpiGroup[];
  /** Every row in display order (the cursor moves over these). */
  rows: KpiRow[];
}

const kpiOrder = (k: string): number => {
  const i = (KPI_NAMES as readonly string[]).indexOf(k);
  return i < 0 ? KPI_NAMES.length : i;
};

/**
 * The engine's figures per station, each station with its bound profile, every certified KPI
 * of a bound station present (a KPI never measured is the audit's no_data), verdicts from live-verdict.ts.
 */
export function kpiTable(api: readonly KpiSummary[] | undefined, boundApi: readonly BoundStation[] | undefined): KpiTable {
  const bound = boundApi === undefined ? undefined : boundFromApi(boundApi);
  const byStation = new Map<string, KpiFigure[]>();
  for (const f of figuresFromApi(api ?? [])) {
    let list = byStation.get(f.identity);
    if (!list) byStation.set(f.identity, (list = []));
    list.push(f);
  }
  for (const [station, p] of bound ?? []) if (p && !byStation.has(station)) byStation.set(station, []);
  const groups: KpiGroup[] = [];
  for (const identity of [...byStation.keys()].sort((a, b) => a.localeCompare(b))) {
    const profile = bound === undefined ? undefined : (bound.get(identity) ?? null);
    const figures = byStation.get(identity)!;
    if (profile) {
      for (const kpi of CERTIFIED_KPIS) {
        if (!figures.some((f) => f.kpi === kpi)) figures.push({ identity, kpi, count: 0, timeouts: 0, minMs: undefined, maxMs: undefined, avgMs: undefined, lastMs: undefined });
      }
    }
    const rows = figures
      .sort((a, b) => kpiOrder(a.kpi) - kpiOrder(b.kpi) || a.kpi.localeCompare(b.kpi))
      .map((f): KpiRow => {
        if (!profile || !isCertifiedKpi(f.kpi)) return f;
        const certified = profile.kpis[f.kpi] ?? null;
        const v = liveVerdict(identity, f.kpi, f, certified);
        return { ...f, certified, verdict: v?.verdict, reason: v?.reason };
      });
    groups.push({ identity, profile, rows });
  }
  return { certified: bound !== undefined, groups, rows: groups.flatMap((g) => g.rows) };
}
