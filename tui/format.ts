/** Formatting shared by the panes: fixed-width cells, times, sizes, arrows, flags. Pure functions. */
import type { MessageRecord } from '../src/core/relay-message.js';
import { FLAG_LEGEND, flagString } from '../src/core/frame-flags.js';

/** Cut or pad `s` to exactly `width` columns (ASCII-wide; an ellipsis marks a cut). */
export function cell(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const t = s.length > width ? (width === 1 ? '…' : s.slice(0, width - 1) + '…') : s;
  return align === 'left' ? t.padEnd(width) : t.padStart(width);
}

/** HH:MM:SS.mmm (local time) from µs since the epoch. */
export function clock(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function bytes(n: number): string {
  if (n < 1000) return `${n}`;
  if (n < 1_000_000) return `${(n / 1024).toFixed(1)}k`;
  return `${(n / 1024 / 1024).toFixed(1)}M`;
}

export function ms(v: number | undefined | null): string {
  if (v === undefined || v === null) return '';
  if (v < 10) return `${v.toFixed(1)}ms`;
  if (v < 10_000) return `${Math.round(v)}ms`;
  return `${(v / 1000).toFixed(1)}s`;
}

/**
 * A KPI figure (given in ms) in seconds, so one column never mixes `8000ms` and `30.0s`: three significant
 * decimals below 10 s, two below 100 s, one above (the certificates print seconds).
 */
export function kpiSeconds(v: number | undefined | null): string {
  if (v === undefined || v === null) return '';
  const s = v / 1000;
  return `${s.toFixed(s < 10 ? 3 : s < 100 ? 2 : 1)}s`;
}

/**
 * A message of several lines ("… refused, the rules in force stay:" then each problem) on one line, its cause
 * first: a line cut to the terminal's width then loses the summary, not the reason.
 */
export function causeFirst(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length < 2) return lines[0] ?? '';
  return `${lines.slice(1).join(' · ')} — ${lines[0]!.replace(/:$/, '')}`;
}

export function rate(v: number | undefined): string {
  if (v === undefined) return '-';
  return v >= 100 ? String(Math.round(v)) : v.toFixed(1);
}

/** ↑ toward the CSMS, ↓ toward the station (the filter's dir:up / dir:down). */
export const arrow = (r: Pick<MessageRecord, 'direction'>): string => (r.direction === 'to-csms' ? '↑' : '↓');

/** Four columns each; OCPP 2.1's CALLRESULTERROR and SEND get their own (RERR, SEND). */
export const KIND_SHORT: Record<MessageRecord['kind'], string> = {
  CALL: 'CALL',
  CALLRESULT: 'RES',
  CALLERROR: 'ERR',
  CALLRESULTERROR: 'RERR',
  SEND: 'SEND',
  MALFORMED: 'BAD',
};

/** One character per flag, the same table `frames` prints (src/core/frame-flags.ts). */
export function flags(r: MessageRecord): string {
  return flagString({ valid: r.valid, modified: r.modified, dropped: Boolean(r.dropped), injected: r.origin !== 'wire', delayed: r.ruleDelayMs > 0 });
}

export { FLAG_LEGEND };

/** The payload part of an OCPP-J frame text, or the text itself when it does not parse. */
export function payloadOf(text: string): unknown {
  try {
    const v = JSON.parse(text) as unknown;
    if (!Array.isArray(v)) return v;
    if (v[0] === 2) return v[3];
    if (v[0] === 3) return v[2];
    if (v[0] === 4) return { errorCode: v[2], errorDescription: v[3], errorDetails: v[4] };
    return v;
  } catch {
    return text;
  }
}

/** Pretty-printed lines of a payload; raw text (malformed frames) is shown as is, line by line. */
export function prettyLines(text: string): string[] {
  const p = payloadOf(text);
  if (typeof p === 'string') return p.split('\n');
  return (JSON.stringify(p, null, 2) ?? 'undefined').split('\n');
}
