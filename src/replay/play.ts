/**
 * Plays one side of a recorded session against a live peer: the side's CALLs in order (at the recorded pace, N
 * times faster, or as fast as answers come), ids the peer hands out carried forward, the peer's CALLs answered with
 * the recorded answers of the same action, and each answer compared with the recorded one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallFrame, OcppFrame, OcppVersion } from '../core/types.js';
import { ValueCarry } from './carry.js';
import { compareAnswers, type Difference } from './compare.js';
import type { ReplayPeer } from './replay-peer.js';
import type { Script, ScriptCall } from './script.js';

export interface Exchange {
  n: number;
  action: string;
  /** The message id the replay used. */
  messageId: string;
  recordedMs: number | null;
  liveMs: number | null;
  recordedKind: string;
  liveKind: string;
  differences: Difference[];
}

export interface PlayResult {
  exchanges: Exchange[];
  /** The other side's CALLs: actions as recorded and as they came now (information, not differences). */
  otherCalls: { recorded: string[]; live: string[] };
}

export interface PlayOptions {
  /** 1 = recorded pace; 10 = ten times faster; 'max' = the next CALL as soon as the last is answered. */
  speed: number | 'max';
  /** How long an answer may take (ms). */
  timeoutMs: number;
  /** Version of the played leg, for checking answers against their schemas. */
  version: OcppVersion | undefined;
  /** For the CSMS side: wait for the station's CALLs that came before each CALL in the recording. */
  followOtherSide: boolean;
}

const kindOf = (a: { type: number } | undefined): string => (a ? (a.type === 3 ? 'CALLRESULT' : 'CALLERROR') : 'none');

/** The answer handler for the peer's CALLs: recorded answers by action, in order (the last one repeats). */
export function answerer(script: Script, carry: ValueCarry): (call: CallFrame) => OcppFrame {
  const used = new Map<string, number>();
  const seen = new Map<string, number>();
  return (call) => {
    // The k-th CALL of an action stands for the k-th recorded one: learn the ids it carries.
    const k = seen.get(call.action) ?? 0;
    seen.set(call.action, k + 1);
    const recordedCall = script.otherCalls.filter((c) => c.action === call.action)[k];
    if (recordedCall) carry.learn(recordedCall.payload, call.payload);
    const list = script.answers.get(call.action);
    if (!list?.length) {
      return { type: 4, id: call.id, code: 'NotImplemented', description: `no recorded answer to ${call.action}`, details: {} };
    }
    const i = used.get(call.action) ?? 0;
    used.set(call.action, i + 1);
    const a = list[Math.min(i, list.length - 1)]!;
    return a.type === 3 ? { type: 3, id: call.id, payload: carry.apply(a.payload) } : { ...a, id: call.id };
  };
}

export async function play(peer: ReplayPeer, script: Script, carry: ValueCarry, opts: PlayOptions): Promise<PlayResult> {
  const exchanges: Exchange[] = [];
  const started = performance.now();
  for (const c of script.calls) {
    if (!peer.open) {
      exchanges.push(unanswered(c, 'the connection closed before this CALL'));
      continue;
    }
    if (opts.followOtherSide) await peer.receivedAtLeast(c.afterOtherCalls, opts.timeoutMs);
    if (opts.speed !== 'max') {
      const due = started + c.at / 1000 / opts.speed;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
    const out = await peer.call(c.call.action, carry.apply(c.call.payload), opts.timeoutMs);
    if (c.answer?.type === 3 && out.answer?.type === 3) carry.learn(c.answer.payload, out.answer.payload);
    exchanges.push({
      n: c.n,
      action: c.call.action,
      messageId: out.id,
      recordedMs: c.latencyMs,
      liveMs: out.ms === null ? null : Math.round(out.ms * 1000) / 1000,
      recordedKind: kindOf(c.answer),
      liveKind: kindOf(out.answer),
      differences: compareAnswers(c.answer, out.answer, opts.version, c.call.action),
    });
  }
  // The other side may still owe CALLs it made in the recording (the station side of a CSMS replay, mostly).
  if (opts.followOtherSide) await peer.receivedAtLeast(script.otherCalls.length, opts.timeoutMs);
  return { exchanges, otherCalls: { recorded: script.otherCalls.map((c) => c.action), live: peer.received.map((c) => c.action) } };
}

function unanswered(c: ScriptCall, message: string): Exchange {
  return {
    n: c.n,
    action: c.call.action,
    messageId: '',
    recordedMs: c.latencyMs,
    liveMs: null,
    recordedKind: kindOf(c.answer),
    liveKind: 'none',
    differences: [{ path: '', what: 'no-answer', message }],
  };
}
