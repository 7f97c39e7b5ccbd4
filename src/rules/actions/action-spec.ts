/**
 * What one rule action is, in one place: the JSON Schema of its value in a rule file, the checks a schema cannot
 * express, whether it ends the frame's journey, how it runs on a frame and how it reads in a sentence (mockttp's
 * step lookup is the model). The registry (`index.ts`) lists them; nothing else knows an action by name.
 */
import type { Session } from '../../core/addon.js';
import type { RelayMessage } from '../../core/relay-message.js';
import type { Direction, MessageKind, OcppFrame } from '../../core/types.js';

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

export type Step = (c: StepCtx) => void;

/** A problem an action's own check finds: where under the step (path below it) and what to do. */
export interface ActionProblem {
  /** Below the step's value, e.g. ['code'] for `disconnect: { code }`. */
  path: string[];
  message: string;
  /** Point at the whole step instead (the problem is the step's place in the rule, not its value). */
  atStep?: boolean;
}

/** What a check may know of the rule around the step. */
export interface ActionCheckCtx {
  /** The rule's `match.type`, when it names one. */
  matchType: MessageKind | undefined;
}

export interface ActionSpec<V> {
  /** JSON Schema of the step's value (the part after `name:`); `#/definitions/...` refers to the rule-file schema. */
  readonly schema: Record<string, unknown>;
  /** What the schema cannot say. */
  check?(value: V, ctx: ActionCheckCtx): ActionProblem[];
  /** Nothing may follow this step in a rule (the frame is gone, answered or replaced after it). */
  isFinal(value: V): boolean;
  /** Later rules skip the frame once this step ended a rule (default: isFinal). */
  endsFrame?(value: V): boolean;
  compile(value: V): Step;
  /** A verb phrase; `subject` is what the rule acts on ("BootNotification CALLs", later "them"). */
  explain(value: V, subject: string): string;
}

/** Delay held on the frame so far (by this rule and the ones before it): what a rule sends follows the held frame. */
export const held = (c: StepCtx): number => c.msg.ruleDelayMs;

/** A step that edits the payload's working copy (written back once per rule by `flush`). */
export const edit =
  (fn: (payload: unknown) => void): Step =>
  (c) => {
    fn(c.payload);
    c.dirty = true;
  };

/** Write the edited payload back into the frame (once per rule, before anything reads the frame's text). */
export function flush(c: StepCtx): void {
  const frame = c.msg.frame;
  if (!c.dirty || !frame) return;
  c.dirty = false;
  const payload = structuredClone(c.payload);
  const next: OcppFrame = frame.type === 4 || frame.type === 5 ? { ...frame, details: payload } : ({ ...frame, payload } as OcppFrame);
  c.msg.replace(next, c.ruleId);
}

const MAX_SHOWN = 60;
/** A value as a sentence shows it: JSON, cut at 60 characters. */
export const short = (v: unknown): string => {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN - 3)}...` : s;
};

export const listOf = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
