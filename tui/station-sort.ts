/**
 * How the station table is ordered (k9s-style sortable columns): by identity or version (A→Z), or by errors,
 * latency, frames or last seen (largest first). Open stations stay above closed ones either way.
 */
import type { SessionCounters } from '../src/control/traffic-counters.js';
import type { SessionInfo } from '../src/core/types.js';

/** What sorting reads of a station row (the view store's StationRow; declared here so the store may import this). */
interface StationRow {
  info: SessionInfo;
  counters: SessionCounters | undefined;
  open: boolean;
}

export const STATION_SORTS = ['identity', 'version', 'errors', 'latency', 'frames', 'seen'] as const;
export type StationSortKey = (typeof STATION_SORTS)[number];

export interface StationSort {
  key: StationSortKey;
  /** Reverse the key's natural order. */
  reverse: boolean;
}

const versionOf = (r: StationRow): string => `${r.info.stationVersion ?? ''}→${r.info.csmsVersion ?? ''}`;
const errorsOf = (r: StationRow): number => (r.counters?.invalid ?? 0) + (r.counters?.callErrors ?? 0);
const framesOf = (r: StationRow): number => (r.counters?.toCsms ?? 0) + (r.counters?.toStation ?? 0);

/** Each key's natural order: names A→Z, measures largest first. */
const COMPARE: Record<StationSortKey, (a: StationRow, b: StationRow) => number> = {
  identity: (a, b) => a.info.identity.localeCompare(b.info.identity),
  version: (a, b) => versionOf(a).localeCompare(versionOf(b)),
  errors: (a, b) => errorsOf(b) - errorsOf(a),
  latency: (a, b) => (b.counters?.lastLatencyMs ?? -1) - (a.counters?.lastLatencyMs ?? -1),
  frames: (a, b) => framesOf(b) - framesOf(a),
  seen: (a, b) => (b.counters?.lastFrameAt ?? b.info.openedAt) - (a.counters?.lastFrameAt ?? a.info.openedAt),
};

export function sortStations<R extends StationRow>(rows: R[], sort: StationSort): R[] {
  const by = COMPARE[sort.key];
  const sign = sort.reverse ? -1 : 1;
  return rows.sort((a, b) => Number(b.open) - Number(a.open) || sign * by(a, b) || a.info.identity.localeCompare(b.info.identity));
}

/** The next key (the `S` key cycles through them). */
export const nextSortKey = (key: StationSortKey): StationSortKey => STATION_SORTS[(STATION_SORTS.indexOf(key) + 1) % STATION_SORTS.length]!;

/** What the table's title says, e.g. "by errors ↓". */
export function sortLabel(sort: StationSort): string {
  const ascending = (sort.key === 'identity' || sort.key === 'version') !== sort.reverse;
  return `by ${sort.key} ${ascending ? '↑' : '↓'}`;
}
