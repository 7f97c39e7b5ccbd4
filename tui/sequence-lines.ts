/**
 * One frame as a row of a sequence diagram with three lanes, station ↔ proxy ↔ CSMS (Wireshark's flow graph):
 * an arrow on each leg the frame crossed, the proxy's steps (rules, translation, operator) in the middle, the
 * answer's latency at the end. A frame the proxy kept stops at it (✗); one it made starts at it.
 */
import type { MessageRecord } from '../src/core/relay-message.js';
import { clock, KIND_SHORT, ms } from './format.js';

export interface SequenceRow {
  time: string;
  /** e.g. "station ──▶ proxy ──▶ CSMS". */
  lanes: string;
  label: string;
  steps: string;
  latency: string;
}

const LEG = 5;

export function sequenceRow(r: MessageRecord): SequenceRow {
  const fromWire = r.origin === 'wire';
  const kept = r.dropped !== undefined;
  const line = (on: boolean, right: boolean): string => (on ? (right ? `${'─'.repeat(LEG - 1)}▶` : `◀${'─'.repeat(LEG - 1)}`) : ' '.repeat(LEG));
  let left: string;
  let right: string;
  if (r.direction === 'to-csms') {
    left = line(fromWire, true);
    right = kept ? ' ✗   ' : line(true, true);
  } else {
    right = line(fromWire, false);
    left = kept ? '   ✗ ' : line(true, false);
  }
  const steps = [...new Set([...(r.origin !== 'wire' ? [`made by ${r.madeBy ?? r.origin}`] : []), ...r.changedBy, ...(kept ? [`kept: ${r.dropped!.by}`] : [])])];
  return {
    time: clock(r.receivedAt),
    lanes: `station ${left} proxy ${right} CSMS`,
    label: `${KIND_SHORT[r.kind]} ${r.action ?? r.callAction ?? ''}`.trim(),
    steps: steps.join(', '),
    latency: ms(r.latencyMs),
  };
}
