/**
 * A recorded session as a script for one side to play: that side's CALLs in order, each with the answer the other
 * side gave (and how long it took), and the answers that side gave to the other's CALLs, by action, to answer
 * them again the same way.
 */
import { decodeFrame } from '../core/frame-codec.js';
import type { CallErrorFrame, CallFrame, CallResultFrame, Direction, OcppFrame } from '../core/types.js';
import { stationText, type FrameRecord } from '../capture/capture-record.js';

export type Side = 'station' | 'csms';

export interface ScriptCall {
  /** 1-based position among the played side's CALLs. */
  n: number;
  call: CallFrame;
  /** µs since the first frame of the session. */
  at: number;
  /** How many of the other side's CALLs came before it in the recording. */
  afterOtherCalls: number;
  answer: CallResultFrame | CallErrorFrame | undefined;
  latencyMs: number | null;
}

export interface Script {
  side: Side;
  calls: ScriptCall[];
  /** The played side's answers to the other side's CALLs, by action, in recorded order. */
  answers: Map<string, Array<CallResultFrame | CallErrorFrame>>;
  /** The other side's CALLs as recorded, in order (for learning what it hands out). */
  otherCalls: CallFrame[];
}

/** The frame as the station saw it (what the station leg carried). */
function frameOf(f: FrameRecord): OcppFrame | undefined {
  return decodeFrame(stationText(f)).frame;
}

export function buildScript(frames: FrameRecord[], side: Side): Script {
  const ours: Direction = side === 'station' ? 'to-csms' : 'to-station';
  const wire = frames.filter((f) => f.origin === 'wire' && !f.dropped);
  const t0 = wire[0]?.receivedAt ?? 0;
  const calls: ScriptCall[] = [];
  const answers = new Map<string, Array<CallResultFrame | CallErrorFrame>>();
  const otherCalls: CallFrame[] = [];
  const byId = new Map<string, ScriptCall>();
  const otherById = new Map<string, string>();
  for (const f of wire) {
    const frame = frameOf(f);
    if (!frame) continue;
    if (frame.type === 2) {
      if (f.direction === ours) {
        const c: ScriptCall = { n: calls.length + 1, call: frame, at: f.receivedAt - t0, afterOtherCalls: otherCalls.length, answer: undefined, latencyMs: null };
        calls.push(c);
        byId.set(frame.id, c);
      } else {
        otherCalls.push(frame);
        otherById.set(frame.id, frame.action);
      }
      continue;
    }
    if (frame.type !== 3 && frame.type !== 4) continue; // a SEND or CALLRESULTERROR answers no CALL
    if (f.direction !== ours) {
      const c = byId.get(frame.id);
      if (c && !c.answer) {
        c.answer = frame;
        c.latencyMs = f.latencyMs;
      }
    } else {
      const action = otherById.get(frame.id);
      if (action === undefined) continue;
      let list = answers.get(action);
      if (!list) answers.set(action, (list = []));
      list.push(frame);
    }
  }
  return { side, calls, answers, otherCalls };
}
