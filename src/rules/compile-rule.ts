/** A loaded rule definition turned into its implementation: matcher, trigger and steps. Immutable once made. */
import type { Session } from '../core/addon.js';
import type { RelayMessage } from '../core/relay-message.js';
import { compileWhen, type Trigger } from './compile-when.js';
import { explainRule } from './explain.js';
import { compileMatch, type FrameMatcher } from './match-frame.js';
import { flush, type Step, type StepCtx, type StepEnv } from './actions/action-spec.js';
import { specOf, type RuleActionDef } from './actions/index.js';
import { payloadOf } from './match-frame.js';
import type { LoadedRule, RuleDef } from './rule-definition.js';

export interface CompiledRule {
  readonly id: string;
  readonly def: RuleDef;
  readonly file: string;
  readonly line: number;
  /** Same fingerprint = same behaviour: counters and generator survive a reload. */
  readonly fingerprint: string;
  readonly explain: string;
  readonly matches: FrameMatcher;
  readonly trigger: Trigger;
  /** Apply the actions, in order, to a frame the rule triggered on. */
  run(msg: RelayMessage, session: Session, env: StepEnv): void;
}

export function compileRule(loaded: LoadedRule, seed: number, startedAt: number): CompiledRule {
  const { def } = loaded;
  const { enabled: _ignored, description: _alsoIgnored, ...behaviour } = def;
  const steps: Step[] = def.actions.map(compileStep);
  return {
    id: def.id,
    def,
    file: loaded.file,
    line: loaded.line,
    fingerprint: JSON.stringify({ seed, behaviour }),
    explain: explainRule(def),
    matches: compileMatch(def.match),
    trigger: compileWhen(def.when, startedAt),
    run(msg, session, env) {
      const c = startCtx(def.id, msg, session, env);
      for (const step of steps) {
        step(c);
        if (msg.dropped) return;
      }
      flush(c);
    },
  };
}

function compileStep(a: RuleActionDef): Step {
  const { spec, value } = specOf(a);
  return spec.compile(value);
}

/** Start a rule's run on a frame: the working copy of its payload. */
function startCtx(ruleId: string, msg: RelayMessage, session: Session, env: StepEnv): StepCtx {
  const frame = msg.frame;
  return { ruleId, msg, session, env, payload: frame ? structuredClone(payloadOf(frame)) : undefined, dirty: false };
}
