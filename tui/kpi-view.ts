/**
 * KPI rows for the KPI screen: what the stream's samples measured, merged with what the KPI engine serves on
 * GET /api/kpis, beside the certified figures of the profile each station is bound to (GET /api/profiles/bound)
 * with the audit's verdict. Answers are read loosely (older or newer proxies may send more or less).
 */
import { KPI_NAMES, type KpiName, type KpiSample } from '../src/core/addon.js';
import type { KpiVerdict } from '../src/profiles/audit-types.js';
import { isCertifiedKpi, liveVerdict } from '../src/profiles/live-verdict.js';
import { CERTIFIED_KPIS, type KpiFigures } from '../src/profiles/profile-types.js';

/** KPI figures per station and KPI, from the stream's samples (and /api/kpis when the KPI engine serves it). */
export interface KpiFigure {
  identity: string;
  kpi: KpiName | string;
  count: number;
  timeouts: number;
  minMs: number | undefined;
  maxMs: number | undefined;
  avgMs: number | undefined;
  lastMs: number | undefined;
  /** From the KPI engine only: the stream's samples are not kept, so they give no percentile. */
  p95Ms?: number;
}

/** KPI samples from the stream, summed per station and KPI (min, max, avg, last, timeouts). */
export class KpiBoard {
  private readonly byKey = new Map<string, KpiFigure & { sum: number }>();

  add(s: KpiSample): void {
    const key = `${s.identity}\u0000${s.kpi}`;
    let f = this.byKey.get(key);
    if (!f) {
      f = { identity: s.identity, kpi: s.kpi, count: 0, timeouts: 0, minMs: undefined, maxMs: undefined, avgMs: undefined, lastMs: undefined, sum: 0 };
      this.byKey.set(key, f);
    }
    if (s.valueMs === null) {
      f.timeouts++;
      return;
    }
    f.count++;
    f.sum += s.valueMs;
    f.lastMs = s.valueMs;
    f.minMs = f.minMs === undefined ? s.valueMs : Math.min(f.minMs, s.valueMs);
    f.maxMs = f.maxMs === undefined ? s.valueMs : Math.max(f.maxMs, s.valueMs);
    f.avgMs = f.sum / f.count;
  }

  figures(): KpiFigure[] {
    return [...this.byKey.values()]
      .map(({ sum: _sum, ...f }) => f)
      .sort((a, b) => a.identity.localeCompare(b.identity) || String(a.kpi).localeCompare(String(b.kpi)));
  }
}


type Loose = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Flatten the engine's answer into figures (identity, kpi, stats). */
export function figuresFromApi(api: unknown): KpiFigure[] {
  const out: KpiFigure[] = [];
  const stations: Loose[] = Array.isArray(api)
    ? (api as Loose[])
    : api && typeof api === 'object'
      ? Array.isArray((api as Loose).stations)
        ? ((api as Loose).stations as Loose[])
        : Object.entries(api as Loose).map(([identity, v]) => ({ identity, ...(v as Loose) }))
      : [];
  for (const st of stations) {
    if (!st || typeof st !== 'object') continue;
    const identity = str(st.identity) ?? str(st.station) ?? '?';
    const kpis = st.kpis ?? st.figures ?? (str(st.kpi) ? [st] : undefined);
    const list: Loose[] = Array.isArray(kpis)
      ? (kpis as Loose[])
      : kpis && typeof kpis === 'object'
        ? Object.entries(kpis as Loose).map(([kpi, v]) => ({ kpi, ...(v as Loose) }))
        : [];
    for (const k of list) {
      const kpi = str(k.kpi) ?? str(k.name);
      if (!kpi) continue;
      out.push({
        identity,
        kpi,
        count: num(k.count) ?? num(k.n) ?? 0,
        timeouts: num(k.timeouts) ?? num(k.timedOut) ?? 0,
        minMs: num(k.minMs) ?? num(k.min),
        maxMs: num(k.maxMs) ?? num(k.max),
        avgMs: num(k.avgMs) ?? num(k.avg) ?? num(k.meanMs),
        lastMs: num(k.lastMs) ?? num(k.last),
        p95Ms: num(k.p95Ms) ?? num(k.p95),
      });
    }
  }
  return out;
}

/** The engine's figures win (they span the whole capture); stream figures fill in what it lacks. */
export function mergeKpis(stream: KpiFigure[], api: unknown): KpiFigure[] {
  const byKey = new Map<string, KpiFigure>();
  for (const f of stream) byKey.set(`${f.identity}\u0000${f.kpi}`, f);
  for (const f of figuresFromApi(api)) {
    const key = `${f.identity}\u0000${f.kpi}`;
    const s = byKey.get(key);
    byKey.set(key, s ? { ...s, ...defined(f) } : f);
  }
  return [...byKey.values()].sort((a, b) => a.identity.localeCompare(b.identity) || a.kpi.localeCompare(b.kpi));
}

function defined(f: KpiFigure): Partial<KpiFigure> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && !(typeof v === 'number' && v === 0))) as Partial<KpiFigure>;
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

const figuresOf = (v: unknown): KpiFigures | null => {
  if (!v || typeof v !== 'object') return null;
  const k = v as Loose;
  const n = (x: unknown): number | null => num(x) ?? null;
  return { declaredMaxS: n(k.declaredMaxS), minS: n(k.minS), maxS: n(k.maxS), avgS: n(k.avgS) };
};

/** Stations → their bound profile (null when none binds them), from GET /api/profiles/bound. */
export function boundFromApi(api: unknown): Map<string, StationProfile | null> {
  const out = new Map<string, StationProfile | null>();
  for (const row of Array.isArray(api) ? (api as Loose[]) : []) {
    const station = str(row?.station) ?? str(row?.identity);
    if (!station) continue;
    const p = row.profile as Loose | null | undefined;
    if (!p || typeof p !== 'object') {
      out.set(station, null);
      continue;
    }
    const kpis = (row.kpis && typeof row.kpis === 'object' ? row.kpis : {}) as Loose;
    out.set(station, {
      name: str(p.name) ?? str(p.product) ?? '?',
      product: str(p.product) ?? '',
      certificateNumber: str(p.certificateNumber),
      via: str(row.via),
      kpis: Object.fromEntries(Object.entries(kpis).map(([k, v]) => [k, figuresOf(v)])),
    });
  }
  return out;
}

/** One KPI row of the screen: the field figures and, for a certified KPI of a bound station, what was certified. */
export interface KpiRow extends KpiFigure {
  /** undefined: no profile (or a KPI certificates do not measure); null: the profile has no row for this KPI. */
  certified?: KpiFigures | null;
  /** The audit's verdict; undefined without a profile, or while only stream samples (no p95) are known. */
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
 * Figures per station (stream merged with the engine), each station with its bound profile, every certified KPI
 * of a bound station present (a KPI never measured is the audit's no_data), verdicts from live-verdict.ts.
 */
export function kpiTable(stream: KpiFigure[], api: unknown, boundApi: unknown): KpiTable {
  const bound = boundApi === undefined ? undefined : boundFromApi(boundApi);
  const byStation = new Map<string, KpiFigure[]>();
  for (const f of mergeKpis(stream, api)) {
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
        // Stream samples give no p95: judging them would skip the "slower" check and could say within wrongly.
        if (f.count > 0 && f.p95Ms === undefined) return { ...f, certified };
        const v = liveVerdict(identity, f.kpi, f, certified);
        return { ...f, certified, verdict: v?.verdict, reason: v?.reason };
      });
    groups.push({ identity, profile, rows });
  }
  return { certified: bound !== undefined, groups, rows: groups.flatMap((g) => g.rows) };
}
