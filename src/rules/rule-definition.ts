/**
 * What a rule *is*: plain, serialisable data as written in a rule file (after schema validation).
 * How a rule runs lives in compile-rule.ts; keeping the two apart (mockttp's idea) lets the control API,
 * `rules explain` and the store show a rule without touching its implementation.
 */
import type { Direction, MessageKind, OcppVersion } from '../core/types.js';
import type { RuleActionDef } from './actions/index.js';

export type { RuleActionDef } from './actions/index.js';

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
