/**
 * KPI rows for the KPI screen: what the KPI engine serves on GET /api/kpis (the view shows the server's figures,
 * it does not recompute them), beside the certified figures of the profile each station is bound to
 * (GET /api/profiles/bound) with the audit's verdict.
 */
import { KPI_NAMES, type KpiName } from '../src/core/addon.js';
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
