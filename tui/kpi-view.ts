/**
 * KPI rows for the KPI screen: what the stream's samples measured, merged with what the KPI engine serves on
 * GET /api/kpis (its own figures and, when a certified profile is bound, the declared maximum).
 * The engine's answer is read loosely: arrays of per-station summaries, or an object keyed by station.
 */
import type { KpiName, KpiSample } from '../src/core/addon.js';

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
  /** Certified maximum from a bound profile (seconds → ms), when known. */
  certifiedMaxMs?: number;
  profile?: string;
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

/** Flatten the engine's answer into figures (identity, kpi, stats, certified maximum). */
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
    const profile = str(st.profile) ?? str((st.profile as Loose | undefined)?.name);
    const kpis = st.kpis ?? st.figures ?? (str(st.kpi) ? [st] : undefined);
    const list: Loose[] = Array.isArray(kpis)
      ? (kpis as Loose[])
      : kpis && typeof kpis === 'object'
        ? Object.entries(kpis as Loose).map(([kpi, v]) => ({ kpi, ...(v as Loose) }))
        : [];
    for (const k of list) {
      const kpi = str(k.kpi) ?? str(k.name);
      if (!kpi) continue;
      const certifiedS = num(k.certifiedMaxS) ?? num(k.declaredMaxS) ?? num((k.certified as Loose | undefined)?.maxS);
      out.push({
        identity,
        kpi,
        count: num(k.count) ?? num(k.n) ?? 0,
        timeouts: num(k.timeouts) ?? num(k.timedOut) ?? 0,
        minMs: num(k.minMs) ?? num(k.min),
        maxMs: num(k.maxMs) ?? num(k.max),
        avgMs: num(k.avgMs) ?? num(k.avg) ?? num(k.meanMs),
        lastMs: num(k.lastMs) ?? num(k.last),
        certifiedMaxMs: num(k.certifiedMaxMs) ?? (certifiedS !== undefined ? certifiedS * 1000 : undefined),
        profile: str(k.profile) ?? profile,
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
