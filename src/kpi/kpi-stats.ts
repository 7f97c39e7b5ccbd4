/**
 * Live figures per station and KPI, in bounded memory: count, sum, min and max run over every sample since the
 * proxy started; percentiles come from a ring of the last RING_SIZE measured values, so they describe recent
 * behaviour and cost nothing to keep up to date. The ring (4 KiB) is allocated on a figure's first value: a
 * station that never sees a remote start pays nothing for that KPI.
 */
import { KPI_NAMES, type KpiName, type KpiSample } from './kpi-types.js';
import type { NotCounted } from './session-tracker.js';

export const RING_SIZE = 512;

export interface KpiSummary {
  station: string;
  kpi: KpiName;
  /** OCPP version of the station leg, as last seen. */
  version: string;
  /** Window after which a measurement counts as a timeout (ms). */
  windowMs: number;
  /** Measured samples (timeouts not included). */
  count: number;
  timeouts: number;
  /** Measurements that ended without a sample, and why (see docs/kpis.md). */
  rejected: number;
  excluded: number;
  cancelled: number;
  /** Milliseconds, null while nothing was measured. min, max and avg: every sample; p50/p95/p99: the ring. */
  min: number | null;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  /** The most recent sample's value, null when it timed out (or none yet). */
  last: number | null;
  /** Start of the most recent sample, µs since the epoch. */
  lastAt: number | null;
  /** How many values the percentiles were taken from (at most RING_SIZE). */
  percentileOf: number;
  /** OCPP 2.1 SENDs the station sent and received (per station, the same on each of its rows): counted, never timed. */
  sends: { fromStation: number; toStation: number };
}

class Figure {
  count = 0;
  timeouts = 0;
  rejected = 0;
  excluded = 0;
  cancelled = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  last: number | null = null;
  lastAt: number | null = null;
  private ring: Float64Array | undefined;
  private filled = 0;
  private next = 0;

  add(sample: KpiSample): void {
    this.lastAt = sample.at;
    this.last = sample.valueMs;
    if (sample.valueMs === null) {
      this.timeouts++;
      return;
    }
    const v = sample.valueMs;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.ring ??= new Float64Array(RING_SIZE);
    this.ring[this.next] = v;
    this.next = (this.next + 1) % RING_SIZE;
    if (this.filled < RING_SIZE) this.filled++;
  }

  /** Nearest-rank percentiles of the ring. */
  percentiles(ps: number[]): Array<number | null> {
    if (this.ring === undefined || this.filled === 0) return ps.map(() => null);
    const sorted = this.ring.slice(0, this.filled).sort();
    return ps.map((p) => sorted[Math.max(0, Math.ceil((p / 100) * this.filled) - 1)]!);
  }
}

const round3 = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);

export class KpiBoard {
  private readonly stations = new Map<string, { version: string; figures: Map<KpiName, Figure>; sends: { fromStation: number; toStation: number } }>();

  constructor(private readonly windowsMs: Readonly<Record<KpiName, number>>) {}

  /** A station was seen: it gets a row per KPI even before its first sample. */
  touch(identity: string, version: string): void {
    const s = this.stations.get(identity);
    if (s) {
      if (version) s.version = version;
      return;
    }
    this.stations.set(identity, { version, figures: new Map(KPI_NAMES.map((k) => [k, new Figure()])), sends: { fromStation: 0, toStation: 0 } });
  }

  /** A SEND crossed (2.1): counted, never a measurement. */
  countSend(identity: string, version: string, direction: 'to-csms' | 'to-station'): void {
    this.touch(identity, version);
    const sends = this.stations.get(identity)!.sends;
    if (direction === 'to-csms') sends.fromStation++;
    else sends.toStation++;
  }

  record(sample: KpiSample): void {
    this.figure(sample.identity, sample.version, sample.kpi).add(sample);
  }

  notCounted(identity: string, version: string, kpi: KpiName, why: NotCounted): void {
    this.figure(identity, version, kpi)[why]++;
  }

  summary(accept: (identity: string) => boolean = () => true): KpiSummary[] {
    const out: KpiSummary[] = [];
    for (const [station, s] of this.stations) {
      if (!accept(station)) continue;
      for (const kpi of KPI_NAMES) {
        const f = s.figures.get(kpi)!;
        const [p50, p95, p99] = f.percentiles([50, 95, 99]);
        out.push({
          station,
          kpi,
          version: s.version,
          windowMs: this.windowsMs[kpi],
          count: f.count,
          timeouts: f.timeouts,
          rejected: f.rejected,
          excluded: f.excluded,
          cancelled: f.cancelled,
          min: f.count ? round3(f.min) : null,
          avg: f.count ? round3(f.sum / f.count) : null,
          p50: round3(p50 ?? null),
          p95: round3(p95 ?? null),
          p99: round3(p99 ?? null),
          max: f.count ? round3(f.max) : null,
          last: round3(f.last),
          lastAt: f.lastAt,
          percentileOf: Math.min(f.count, RING_SIZE),
          sends: { ...s.sends },
        });
      }
    }
    return out;
  }

  private figure(identity: string, version: string, kpi: KpiName): Figure {
    this.touch(identity, version);
    return this.stations.get(identity)!.figures.get(kpi)!;
  }
}
