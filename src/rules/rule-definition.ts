/**
 * What a rule *is*: plain, serialisable data as written in a rule file (after schema validation).
 * How a rule runs lives in compile-rule.ts; keeping the two apart (mockttp's idea) lets the control API,
 * `rules explain` and the store show a rule without touching its implementation.
 */
import type { Direction, MessageKind, OcppVersion } from '../core/types.js';

export type Scalar = string | number | boolean | null;

/** A test on one value of the payload, found by JSON Pointer. All the keys given must hold. */
export interface Predicate {
  equals?: unknown;
  /** ECMAScript regular expression, tested against strings (numbers are tested as their text). */
  regex?: string;
  exists?: boolean;
  lt?: number;
  lte?: number;
  gt?: number;
  gte?: number;
}

export interface RuleMatch {
  direction?: Direction | 'both';
  type?: MessageKind;
  /** Action name, glob, or list of them. For a CALLRESULT/CALLERROR/CALLRESULTERROR: the action of the CALL it answers. */
  action?: string | string[];
  /** Station identity glob(s). */
  station?: string | string[];
  version?: OcppVersion;
  /** JSON Pointer → predicate (a scalar is shorthand for `{ equals: scalar }`). */
  where?: Record<string, Predicate | Scalar>;
}

export interface RuleWhen {
  /** Chance (0..1) a matching frame triggers the rule, drawn from the seeded generator. */
  probability?: number;
  /** Trigger on every Nth match only. */
  every?: number;
  /** Skip the first N matches. */
  after?: number;
  /** Trigger at most N times. */
  times?: number;
  /** Active window: ISO date-time, or a duration after the proxy started ('30s', '5m', '1h30m'). */
  from?: string;
  until?: string;
  /** Count (and draw random numbers) per station identity instead of across all stations. */
  perStation?: boolean;
}

export type MalformedPreset =
  | 'truncated'
  | 'trailing-garbage'
  | 'not-array'
  | 'bad-message-type'
  | 'missing-element'
  | 'payload-not-object'
  | 'empty';

export interface MalformedSpec {
  preset?: MalformedPreset;
  text?: string;
  /** true (default): the malformed text replaces the frame (final). false: it is sent in addition, before the frame. */
  replace?: boolean;
}

export interface DisconnectSpec {
  code?: number;
  reason?: string;
  /** Abrupt TCP reset of both legs, no close frame. */
  reset?: boolean;
  /** Forward the frame first, then disconnect (default: the frame is lost with the connection). */
  afterForward?: boolean;
}

export interface AnswerSpec {
  /** Answer with a CALLRESULT carrying this payload. */
  payload?: Record<string, unknown>;
  /** Or with a CALLERROR; matched on a 2.1 CALLRESULT: refuse it with a CALLRESULTERROR toward its sender. */
  error?: { code: string; description?: string; details?: Record<string, unknown> };
}

export interface InjectSpec {
  toward: 'csms' | 'station';
  action: string;
  payload?: Record<string, unknown>;
  /** Wait this long after the triggering frame before sending (ms). */
  delayMs?: number;
}

export interface DuplicateSpec {
  /** How many extra copies (default 1). */
  count?: number;
  /** How long after the original each copy follows (ms, default 0). */
  delayMs?: number;
}

/** One step of a rule. Exactly one key per step; the file schema enforces it. */
export type RuleActionDef =
  | { set: Record<string, unknown> }
  | { delete: string | string[] }
  | { rename: Record<string, string> }
  | { replace: Record<string, unknown> }
  | { delay: number | { ms: number; jitter?: number } }
  | { drop: true | { reason?: string } }
  | { duplicate: true | number | DuplicateSpec }
  | { answer: AnswerSpec }
  | { inject: InjectSpec }
  | { disconnect: true | DisconnectSpec }
  | { malformed: MalformedPreset | MalformedSpec };

export type ActionName =
  | 'set'
  | 'delete'
  | 'rename'
  | 'replace'
  | 'delay'
  | 'drop'
  | 'duplicate'
  | 'answer'
  | 'inject'
  | 'disconnect'
  | 'malformed';

export const ACTION_NAMES: readonly ActionName[] = [
  'set',
  'delete',
  'rename',
  'replace',
  'delay',
  'drop',
  'duplicate',
  'answer',
  'inject',
  'disconnect',
  'malformed',
];

export interface RuleDef {
  id: string;
  description?: string;
  enabled?: boolean;
  match?: RuleMatch;
  when?: RuleWhen;
  actions: RuleActionDef[];
}

/** A rule file as written. */
export interface RuleFileDef {
  seed?: number;
  rules: RuleDef[];
}

/** A rule as loaded, with where it came from (for messages and the control API). */
export interface LoadedRule {
  def: RuleDef;
  file: string;
  line: number;
}

export const actionName = (a: RuleActionDef): ActionName => Object.keys(a)[0] as ActionName;

/** Does this step end the frame's journey (nothing may follow it)? */
export function isFinal(a: RuleActionDef): boolean {
  if ('drop' in a || 'answer' in a || 'disconnect' in a) return true;
  if ('malformed' in a) return typeof a.malformed === 'string' || a.malformed.replace !== false;
  return false;
}
