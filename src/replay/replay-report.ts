/** The difference report of a replay: printed for people, JSON for scripts, and rows for the store. */
import { textTable } from '../store/format.js';
import type { Difference } from './compare.js';
import type { PlayResult } from './play.js';

export interface ReplayReport extends PlayResult {
  replayId: string;
  /** The recorded session that was played. */
  session: string;
  station: string;
  as: 'station' | 'csms';
  /** Where it was played: the CSMS URL, or the address the station connected to. */
  peer: string;
  startedAt: string;
  /** Exchanges whose answer differs. */
  differing: number;
}

const value = (v: unknown): string => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export function describeDifference(d: Difference): string {
  const at = d.path || 'answer';
  switch (d.what) {
    case 'no-answer':
      return d.message ?? 'no answer';
    case 'missing':
      return `${at}: missing (recorded ${value(d.recorded)})`;
    case 'added':
      return `${at}: added (${value(d.live)})`;
    case 'changed':
      return `${at}: ${value(d.recorded)} → ${value(d.live)}`;
    case 'schema':
      return `${at}: schema: ${d.message ?? ''}`;
    default:
      return `${at}: ${value(d.recorded)} → ${value(d.live)}${d.message ? ` (${d.message})` : ''}`;
  }
}

const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(1));

export function formatReplayReport(r: ReplayReport): string {
  const head =
    `replay of ${r.station} session ${r.session} as ${r.as} against ${r.peer}: ` +
    `${r.exchanges.length} exchange(s), ${r.differing === 0 ? 'no differences' : `${r.differing} differ`}\n`;
  const rows = r.exchanges.map((e) => [
    String(e.n),
    e.action,
    e.liveKind,
    ms(e.recordedMs),
    ms(e.liveMs),
    e.differences.length ? e.differences.map(describeDifference).join('; ') : 'same',
  ]);
  const table = textTable(['#', 'action', 'answer', 'recorded ms', 'live ms', 'difference'], rows, new Set([0, 3, 4]));
  const other = r.otherCalls;
  const tail =
    other.recorded.length || other.live.length
      ? `${r.as === 'station' ? 'CSMS' : 'station'} CALLs: recorded ${other.recorded.join(', ') || 'none'}; now ${other.live.join(', ') || 'none'}\n`
      : '';
  return head + table + tail;
}
