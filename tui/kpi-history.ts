/**
 * What the sparklines draw, kept as the stream brings it: the last KPI values per station and KPI (for the KPI
 * screen's distributions), and per session the slowest answer in each slot of the last minutes (for the station
 * table's latency sparkline). Bounded: a fixed number of values or slots each.
 */
import type { KpiSample } from '../src/kpi/kpi-types.js';

export const KPI_HISTORY_VALUES = 500;

export class KpiHistory {
  private readonly byKey = new Map<string, number[]>();

  add(s: Pick<KpiSample, 'identity' | 'kpi' | 'valueMs'>): void {
    if (s.valueMs === null) return;
    const key = `${s.identity}\u0000${s.kpi}`;
    let list = this.byKey.get(key);
    if (!list) this.byKey.set(key, (list = []));
    list.push(s.valueMs);
    if (list.length > KPI_HISTORY_VALUES) list.splice(0, list.length - KPI_HISTORY_VALUES);
  }

  /** The last values (ms) of one station's KPI, oldest first. */
  values(identity: string, kpi: string): readonly number[] {
    return this.byKey.get(`${identity}\u0000${kpi}`) ?? [];
  }
}

export const LATENCY_SLOT_MS = 10_000;
export const LATENCY_SLOTS = 30; // 5 minutes

export class LatencyHistory {
  /** session → slot number (time / slot) → slowest latency in it. */
  private readonly bySession = new Map<string, Map<number, number>>();

  add(sessionId: string, atMs: number, latencyMs: number): void {
    let slots = this.bySession.get(sessionId);
    if (!slots) this.bySession.set(sessionId, (slots = new Map()));
    const slot = Math.floor(atMs / LATENCY_SLOT_MS);
    slots.set(slot, Math.max(slots.get(slot) ?? 0, latencyMs));
    if (slots.size > LATENCY_SLOTS * 2) for (const k of slots.keys()) if (k <= slot - LATENCY_SLOTS) slots.delete(k);
  }

  /** The last `count` slots up to `nowMs`, oldest first: the slowest answer in each, null when none. */
  series(sessionId: string, nowMs: number, count = LATENCY_SLOTS): Array<number | null> {
    const slots = this.bySession.get(sessionId);
    const last = Math.floor(nowMs / LATENCY_SLOT_MS);
    return Array.from({ length: count }, (_, i) => slots?.get(last - count + 1 + i) ?? null);
  }

  forget(sessionId: string): void {
    this.bySession.delete(sessionId);
  }
}
