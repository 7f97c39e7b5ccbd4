/**
 * What each action *does* to a frame in flight. Payload edits go to a working copy that is written back with one
 * `msg.replace` per rule (so the record shows the rule once, and the original stays in `raw`); everything the
 * proxy sends on its own goes through `session.inject` with the rule id, so the store shows who made it.
 */
import { randomUUID } from 'node:crypto';
import type { Session } from '../core/addon.js';
import type { RelayMessage } from '../core/relay-message.js';
import type { Direction, OcppFrame } from '../core/types.js';
import { opposite, speaksTypes5And6 } from '../core/types.js';
import { deleteAt, renameAt, setAt } from './json-pointer.js';
import { payloadOf } from './match-frame.js';
import type { MalformedPreset, RuleActionDef } from './rule-definition.js';
import { pointerSegments } from './yaml-locate.js';

/** What a running rule may call on its engine. */
export interface StepEnv {
  random(): number;
  /** Run later (after the current frame was written, or `ms` later), only while the session is open. */
  later(session: Session, ms: number, fn: () => void): void;
  /** The receiver will answer the copies of a duplicated CALL: forward the first answer, drop `extra` more. */
  swallowExtraAnswers(session: Session, callDirection: Direction, id: string, extra: number, ruleId: string): void;
  /** An answer to a CALL the rule injected (swallowed, for the log only). */
  injectedAnswer(ruleId: string, session: Session, answer: OcppFrame): void;
}

export interface StepCtx {
  readonly ruleId: string;
  readonly msg: RelayMessage;
  readonly session: Session;
  readonly env: StepEnv;
  /** Working copy of the payload; `dirty` once an edit touched it. */
  payload: unknown;
  dirty: boolean;
}

/** Delay held on the frame so far (by this rule and the ones before it): what a rule sends follows the held frame. */
const held = (c: StepCtx): number => c.msg.ruleDelayMs;

export type Step = (c: StepCtx) => void;

/** Write the edited payload back into the frame (once per rule, before anything reads the frame's text). */
export function flush(c: StepCtx): void {
  const frame = c.msg.frame;
  if (!c.dirty || !frame) return;
  c.dirty = false;
  const payload = structuredClone(c.payload);
  const next: OcppFrame =
    frame.type === 4 || frame.type === 5 ? { ...frame, details: payload } : { ...frame, payload } as OcppFrame;
  c.msg.replace(next, c.ruleId);
}

const edit =
  (fn: (payload: unknown) => void): Step =>
  (c) => {
    fn(c.payload);
    c.dirty = true;
  };

const towardOf = (t: 'csms' | 'station'): Direction => (t === 'csms' ? 'to-csms' : 'to-station');

/** A preset turned into text, from the frame as it would be sent. */
export function malformedText(preset: MalformedPreset, text: string): string {
  const arr = (() => {
    try {
      const v: unknown = JSON.parse(text);
      return Array.isArray(v) ? v : undefined;
    } catch {
      return undefined;
    }
  })();
  switch (preset) {
    case 'truncated':
      return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    case 'trailing-garbage':
      return `${text} }]#`;
    case 'not-array':
      return arr ? JSON.stringify({ ...arr }) : `{${text}}`;
    case 'bad-message-type':
      return arr ? JSON.stringify([7, ...arr.slice(1)]) : `[7${text.slice(2)}`;
    case 'missing-element':
      return arr ? JSON.stringify(arr.slice(0, -1)) : text;
    case 'payload-not-object':
      return arr ? JSON.stringify([...arr.slice(0, -1), 'payload']) : text;
    case 'empty':
      return '';
  }
}

export function compileStep(a: RuleActionDef): Step {
  if ('set' in a) {
    const sets = Object.entries(a.set).map(([p, v]) => ({ segs: pointerSegments(p), v }));
    return edit((payload) => sets.forEach(({ segs, v }) => setAt(payload, segs, structuredClone(v))));
  }
  if ('delete' in a) {
    const all = (Array.isArray(a.delete) ? a.delete : [a.delete]).map(pointerSegments);
    return edit((payload) => all.forEach((segs) => deleteAt(payload, segs)));
  }
  if ('rename' in a) {
    const all = Object.entries(a.rename).map(([p, name]) => ({ segs: pointerSegments(p), name }));
    return edit((payload) => all.forEach(({ segs, name }) => renameAt(payload, segs, name)));
  }
  if ('replace' in a) {
    const by = a.replace;
    return (c) => {
      c.payload = structuredClone(by);
      c.dirty = true;
    };
  }
  if ('delay' in a) {
    const { ms, jitter = 0 } = typeof a.delay === 'number' ? { ms: a.delay } : a.delay;
    return (c) => {
      // Jitter is drawn even when 0 would do, so adding jitter later never shifts other draws.
      const d = jitter ? Math.max(0, Math.round(ms + (c.env.random() * 2 - 1) * jitter)) : ms;
      c.msg.delay(d, c.ruleId);
    };
  }
  if ('drop' in a) {
    const reason = a.drop === true ? undefined : a.drop.reason;
    return (c) => c.msg.drop(c.ruleId, reason ?? `dropped by rule ${c.ruleId}`);
  }
  if ('duplicate' in a) {
    const d = a.duplicate === true ? {} : typeof a.duplicate === 'number' ? { count: a.duplicate } : a.duplicate;
    const count = d.count ?? 1;
    const gap = d.delayMs ?? 0;
    return (c) => {
      flush(c);
      const frame = c.msg.frame;
      if (!frame) return;
      const { session, msg, ruleId } = c;
      const dir = msg.direction;
      if (frame.type === 2) c.env.swallowExtraAnswers(session, dir, frame.id, count, ruleId);
      // Copies follow the original: scheduled after it was written (or after the delay that holds it).
      for (let i = 1; i <= count; i++) {
        c.env.later(session, 0, () => session.inject(dir, frame, { origin: 'rule', by: ruleId, delayMs: held(c) + gap * i || undefined }));
      }
    };
  }
  if ('answer' in a) {
    const ans = a.answer;
    return (c) => {
      const call = c.msg.frame;
      if (call?.type === 3 && ans.error && speaksTypes5And6(c.msg.senderVersion)) {
        // 2.1: refuse the CALLRESULT as its receiver would, with a CALLRESULTERROR to its sender; the CALLRESULT
        // goes no further (its caller times out, as it would had the receiver refused it).
        const refusal: OcppFrame = { type: 5, id: call.id, code: ans.error.code, description: ans.error.description ?? '', details: structuredClone(ans.error.details ?? {}) };
        c.session.inject(opposite(c.msg.direction), refusal, { origin: 'rule', by: c.ruleId, delayMs: held(c) || undefined, action: c.msg.action });
        c.msg.drop(c.ruleId, `CALLRESULT refused with a CALLRESULTERROR by rule ${c.ruleId}`);
        return;
      }
      if (call?.type !== 2) return; // only a CALL can be answered (and, on 2.1, a CALLRESULT refused)
      const frame: OcppFrame = ans.error
        ? { type: 4, id: call.id, code: ans.error.code, description: ans.error.description ?? '', details: structuredClone(ans.error.details ?? {}) }
        : { type: 3, id: call.id, payload: structuredClone(ans.payload ?? {}) };
      c.session.inject(opposite(c.msg.direction), frame, { origin: 'rule', by: c.ruleId, delayMs: held(c) || undefined, action: call.action });
      c.msg.drop(c.ruleId, `answered by rule ${c.ruleId} instead of forwarding`);
    };
  }
  if ('inject' in a) {
    const spec = a.inject;
    return (c) => {
      const { session, ruleId } = c;
      const frame: OcppFrame = { type: 2, id: randomUUID(), action: spec.action, payload: structuredClone(spec.payload ?? {}) };
      // Scheduled after the triggering frame (and whatever delay holds it, read once all rules ran), so e.g.
      // a TriggerMessage follows the BootNotification answer.
      c.env.later(session, 0, () =>
        session.inject(towardOf(spec.toward), frame, {
          origin: 'rule',
          by: ruleId,
          delayMs: held(c) + (spec.delayMs ?? 0) || undefined,
          onAnswer: (answer) => c.env.injectedAnswer(ruleId, session, answer),
        }),
      );
    };
  }
  if ('disconnect' in a) {
    const d = a.disconnect === true ? {} : a.disconnect;
    return (c) => {
      const { session, ruleId } = c;
      if (!d.afterForward) c.msg.drop(ruleId, `connection ${d.reset ? 'reset' : 'closed'} by rule ${ruleId}`);
      const close = (): void => {
        if (d.reset) session.terminate(ruleId);
        else session.close(d.code ?? 1000, d.reason ?? `closed by rule ${ruleId}`, ruleId);
      };
      // Closed from a timer, never inside the relay's hook, once every rule ran: the frame (when forwarded)
      // goes out first, after whatever delay holds it.
      c.env.later(session, 0, () => c.env.later(session, held(c), close));
    };
  }
  const m = typeof a.malformed === 'string' ? { preset: a.malformed } : a.malformed;
  return (c) => {
    flush(c);
    const text = m.text ?? malformedText(m.preset!, c.msg.text);
    if (m.replace === false) {
      c.session.inject(c.msg.direction, text, { origin: 'rule', by: c.ruleId, delayMs: held(c) || undefined });
    } else {
      c.msg.replaceText(text, c.ruleId);
    }
  };
}

/** Start a rule's run on a frame: the working copy of its payload. */
export function startCtx(ruleId: string, msg: RelayMessage, session: Session, env: StepEnv): StepCtx {
  const frame = msg.frame;
  return { ruleId, msg, session, env, payload: frame ? structuredClone(payloadOf(frame)) : undefined, dirty: false };
}
