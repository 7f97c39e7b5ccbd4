/**
 * `when:` compiled to a decision over a rule's running counters. The order is fixed so runs replay exactly:
 * window → count the match → after → every → times → probability (the generator is drawn only here, once per
 * frame that got this far, so the same seed and the same traffic give the same decisions).
 */
import type { RuleWhen } from './rule-definition.js';
import { parseTimeSpec, resolveTimeSpec } from './time-spec.js';

/** A rule's running counters. Kept across reloads while the rule's definition (and the seed) stay the same. */
export interface RuleState {
  /** Frames that matched `match` inside the window. */
  matched: number;
  /** Times the rule triggered (its actions ran). */
  fired: number;
  lastFiredAt: number | undefined;
  random: () => number;
}

export type Trigger = (state: RuleState, nowMs: number) => boolean;

export function compileWhen(when: RuleWhen = {}, startedAt: number): Trigger {
  const bound = (t: string | undefined): number | undefined => {
    const spec = t === undefined ? undefined : parseTimeSpec(t);
    return spec && resolveTimeSpec(spec, startedAt);
  };
  const from = bound(when.from);
  const until = bound(when.until);
  const after = when.after ?? 0;
  const every = when.every ?? 1;
  return (state, now) => {
    if (from !== undefined && now < from) return false;
    if (until !== undefined && now >= until) return false;
    state.matched++;
    const n = state.matched - after;
    if (n <= 0) return false;
    if (n % every !== 0) return false;
    if (when.times !== undefined && state.fired >= when.times) return false;
    if (when.probability !== undefined && !(state.random() < when.probability)) return false;
    state.fired++;
    state.lastFiredAt = now;
    return true;
  };
}
