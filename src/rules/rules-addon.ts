/**
 * The rules addon: holds one immutable compiled rule set and applies it to every frame read from the wire.
 * A reload (file change, control API) builds a whole new set and swaps it in with one assignment, so a frame is
 * handled by the old set or the new one, never half of each; an invalid folder is refused whole and the set in
 * force stays.
 */
import type { Logger } from 'pino';
import type { Addon, AddonContext, Session } from '../core/addon.js';
import type { RelayMessage } from '../core/relay-message.js';
import type { OcppFrame } from '../core/types.js';
import { opposite } from '../core/types.js';
import { silentLogger } from '../log.js';
import { compileRule, type CompiledRule } from './compile-rule.js';
import type { RuleState } from './compile-when.js';
import { formatProblem, loadRuleDir, type RuleSource } from './load-rules.js';
import { randomSeed, ruleRandom } from './prng.js';
import type { StepEnv } from './actions/action-spec.js';
import { endsFrame } from './actions/index.js';
import type { RuleDef } from './rule-definition.js';
import { registerRulesRoutes } from './rules-routes.js';
import type { ReloadResult, RulesView, RuleView } from './rule-views.js';
import { watchDir, type DirWatch } from './watch-dir.js';
import { StateKey } from '../core/session-state.js';
import { BoundedMap } from '../core/bounded-map.js';

export interface RulesAddonOptions {
  /** Folder of rule files (top level only). Missing = no rules. */
  dir: string;
  /** Overrides the files' `seed:`. Without either, a random seed is chosen and logged. */
  seed?: number;
  /** Watch the folder and apply valid changes live (default true). */
  watch?: boolean;
  debounceMs?: number;
  logger?: Logger;
}

interface ActiveRule {
  readonly rule: CompiledRule;
  readonly enabled: boolean;
  /** Set when the control API switched the rule on or off. */
  readonly override: boolean | undefined;
  /** Its last action ends the frame's journey: later rules do not see the frame. */
  readonly final: boolean;
  readonly counters: RuleCounters;
}

/** A rule's counters and generators: one set for the whole fleet, or one per station (`when.perStation`). */
interface RuleCounters {
  readonly all: RuleState;
  readonly byStation: Map<string, RuleState>;
}

interface RuleSet {
  readonly rules: readonly ActiveRule[];
  readonly files: readonly string[];
  readonly seed: number;
  readonly loadedAt: Date;
}


/** Per session: answers to copies of duplicated CALLs, by `${direction}:${id}`. */
const SWALLOWED = new StateKey<Map<string, Swallow>>('rules.swallowed');

/** Answers to copies of a duplicated CALL: the first passes, the rest are dropped (the sender expects one). */
interface Swallow {
  passed: boolean;
  extra: number;
  ruleId: string;
}
const MAX_SWALLOWS = 1000;

export class RulesAddon implements Addon {
  readonly name = 'rules';
  private active: RuleSet;
  private readonly logger: Logger;
  private ctx: AddonContext | undefined;
  private readonly fallbackSeed = randomSeed();
  private startedAt = Date.now();
  private overrides = new Map<string, { enabled: boolean; def: string }>();
  private lastError: RulesView['lastError'] = null;
  private reloads: Promise<unknown> = Promise.resolve();
  private watcher: DirWatch | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly opts: RulesAddonOptions) {
    this.logger = opts.logger ?? silentLogger();
    this.active = { rules: [], files: [], seed: opts.seed ?? this.fallbackSeed, loadedAt: new Date() };
  }

  async start(ctx: AddonContext): Promise<void> {
    this.ctx = ctx;
    this.startedAt = Date.now();
    const result = await this.reload();
    // Refusing to start beats running with rules the user did not mean.
    if (!result.ok) throw new Error(`rules in ${this.opts.dir} are invalid:\n${result.problems.join('\n')}`);
    registerRulesRoutes(ctx.control, this);
    if (this.opts.watch !== false) {
      this.watcher = watchDir(this.opts.dir, () => void this.reload(), {
        debounceMs: this.opts.debounceMs,
        onError: (err) => this.logger.warn({ err: err.message, dir: this.opts.dir }, 'rules: watching the rule folder failed'),
      });
    }
  }

  stop(): void {
    this.watcher?.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  message(msg: RelayMessage, session: Session): void {
    if (!msg.frame || msg.origin !== 'wire') return;
    if (msg.frame.type !== 2 && this.swallowed(msg, session)) return;
    const set = this.active; // one read: the whole frame sees one rule set
    const now = Date.now();
    for (const a of set.rules) {
      if (!a.enabled || !a.rule.matches(msg, session)) continue;
      const state = this.stateFor(a, session, set.seed);
      if (!a.rule.trigger(state, now)) continue;
      msg.hit(a.rule.id);
      try {
        a.rule.run(msg, session, { ...this.env, random: state.random });
      } catch (err) {
        this.logger.error({ err, rule: a.rule.id, station: session.identity }, `rules: rule ${a.rule.id} failed`);
      }
      if (a.final || msg.dropped) return;
    }
  }

  // ---- loading ----------------------------------------------------------------------------------------

  /** Re-read the folder; swap in the new set if it is valid. Reloads run one at a time, in call order. */
  reload(): Promise<ReloadResult> {
    const run = this.reloads.then(() => this.doReload());
    this.reloads = run.catch(() => undefined);
    return run;
  }

  private async doReload(): Promise<ReloadResult> {
    const loaded = await loadRuleDir(this.opts.dir);
    let next: RuleSet | undefined;
    let problems: string[] = [];
    if (!loaded.ok) problems = loaded.problems.map(formatProblem);
    else {
      try {
        next = this.build(loaded.source, this.opts.seed ?? loaded.source.seed ?? this.fallbackSeed);
      } catch (err) {
        problems = [`${this.opts.dir}: ${(err as Error).message}`]; // a rule the checks let through but cannot compile
      }
    }
    if (!next) {
      this.lastError = { at: new Date().toISOString(), problems };
      const text = `rules: change in ${this.opts.dir} refused, the ${this.active.rules.length} rules in force stay:\n${problems.join('\n')}`;
      this.logger.error({ dir: this.opts.dir, problems }, text);
      this.ctx?.publish({ type: 'notice', level: 'error', source: 'rules', text });
      return { ok: false, problems };
    }
    const seed = next.seed;
    this.swap(next);
    this.lastError = null;
    const enabled = this.active.rules.filter((r) => r.enabled).length;
    const chosen = this.opts.seed === undefined && seed === this.fallbackSeed ? ` (random: pass --rules-seed ${seed} to replay this run)` : '';
    const text = `rules: ${this.active.rules.length} rules (${enabled} enabled) from ${this.opts.dir}, seed ${seed}${chosen}`;
    this.logger.info({ dir: this.opts.dir, rules: this.active.rules.length, enabled, seed }, text);
    this.ctx?.publish({ type: 'notice', level: 'info', source: 'rules', text });
    return { ok: true, rules: this.active.rules.length, enabled };
  }

  private build(source: RuleSource, seed: number): RuleSet {
    const previous = new Map(this.active.rules.map((a) => [a.rule.id, a]));
    const rules = source.rules.map((loaded) => {
      const rule = compileRule(loaded, seed, this.startedAt);
      const before = previous.get(rule.id);
      // Unchanged behaviour keeps its counters and its place in the random sequence.
      const counters =
        before && before.rule.fingerprint === rule.fingerprint ? before.counters : { all: freshState(seed, rule.id), byStation: new Map() };
      return this.activate(rule, counters);
    });
    return { rules, files: source.files, seed, loadedAt: new Date() };
  }

  private activate(rule: CompiledRule, counters: RuleCounters): ActiveRule {
    const o = this.overrides.get(rule.id);
    const override = o && o.def === JSON.stringify(rule.def) ? o.enabled : undefined;
    if (o && override === undefined) this.overrides.delete(rule.id); // the file changed: it speaks again
    return {
      rule,
      counters,
      override,
      enabled: override ?? rule.def.enabled ?? true,
      final: stopsChain(rule.def),
    };
  }

  private swap(next: RuleSet): void {
    this.active = Object.freeze({ ...next, rules: Object.freeze([...next.rules]) });
  }

  // ---- control ----------------------------------------------------------------------------------------

  /** Switch a rule on or off at run time; undefined when there is no such rule. */
  setEnabled(id: string, enabled: boolean): RuleView | undefined {
    const i = this.active.rules.findIndex((a) => a.rule.id === id);
    if (i < 0) return undefined;
    const current = this.active.rules[i]!;
    this.overrides.set(id, { enabled, def: JSON.stringify(current.rule.def) });
    const rules = [...this.active.rules];
    rules[i] = this.activate(current.rule, current.counters);
    this.swap({ ...this.active, rules });
    const text = `rules: rule ${id} ${enabled ? 'enabled' : 'disabled'} through the control API`;
    this.logger.info({ rule: id, enabled }, text);
    this.ctx?.publish({ type: 'notice', level: 'info', source: 'rules', text });
    return this.view(rules[i]!);
  }

  list(): RulesView {
    const set = this.active;
    return {
      dir: this.opts.dir,
      seed: set.seed,
      loadedAt: set.loadedAt.toISOString(),
      files: [...set.files],
      lastError: this.lastError,
      rules: set.rules.map((a) => this.view(a)),
    };
  }

  rule(id: string): RuleView | undefined {
    const a = this.active.rules.find((r) => r.rule.id === id);
    return a && this.view(a);
  }

  private view(a: ActiveRule): RuleView {
    const states = [a.counters.all, ...a.counters.byStation.values()];
    const last = Math.max(...states.map((s) => s.lastFiredAt ?? -1));
    return {
      id: a.rule.id,
      description: a.rule.def.description,
      file: a.rule.file,
      line: a.rule.line,
      enabled: a.enabled,
      enabledInFile: a.rule.def.enabled ?? true,
      overridden: a.override !== undefined,
      explain: a.rule.explain,
      matched: states.reduce((n, s) => n + s.matched, 0),
      hits: states.reduce((n, s) => n + s.fired, 0),
      lastHitAt: last < 0 ? null : new Date(last).toISOString(),
      definition: a.rule.def,
    };
  }

  // ---- what running rules may do ----------------------------------------------------------------------

  private stateFor(a: ActiveRule, session: Session, seed: number): RuleState {
    if (!a.rule.def.when?.perStation) return a.counters.all;
    let s = a.counters.byStation.get(session.identity);
    // Seeded by station too: a station's decisions do not depend on how its traffic interleaves with others'.
    if (!s) a.counters.byStation.set(session.identity, (s = freshState(seed, `${a.rule.id}\u0000${session.identity}`)));
    return s;
  }

  /** What running rules may do (the generator is added per run: it belongs to the rule's counters). */
  private readonly env: Omit<StepEnv, 'random'> = {
    later: (session, ms, fn) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        if (session.isOpen) fn();
      }, ms);
      this.timers.add(t);
    },
    swallowExtraAnswers: (session, callDirection, id, extra, ruleId) => {
      this.swallows(session).set(`${opposite(callDirection)}:${id}`, { passed: false, extra, ruleId });
    },
    injectedAnswer: (ruleId, session, answer) => this.injectedAnswer(ruleId, session, answer),
  };

  private injectedAnswer(ruleId: string, session: Session, answer: OcppFrame): void {
    const what = answer.type === 4 ? `CALLERROR ${answer.code}` : 'CALLRESULT';
    this.logger.debug({ rule: ruleId, station: session.identity, id: answer.id }, `rules: ${what} to the CALL rule ${ruleId} injected (not forwarded)`);
  }

  private swallows(session: Session): Map<string, Swallow> {
    let map = session.state.get(SWALLOWED);
    if (!map) session.state.set(SWALLOWED, (map = new BoundedMap(MAX_SWALLOWS)));
    return map;
  }

  /** Drop the second and later answers to a CALL a rule duplicated. */
  private swallowed(msg: RelayMessage, session: Session): boolean {
    const map = session.state.get(SWALLOWED);
    const key = `${msg.direction}:${msg.frame!.id}`;
    const s = map?.get(key);
    if (!s) return false;
    if (!s.passed) {
      s.passed = true;
      return false;
    }
    msg.hit(s.ruleId);
    msg.drop(s.ruleId, `answer to a copy rule ${s.ruleId} made (the sender expects one answer)`);
    if (--s.extra <= 0) map!.delete(key);
    return true;
  }
}

/** Later rules skip a frame this rule ended (dropped, answered, lost with the connection, made malformed). */
function stopsChain(def: RuleDef): boolean {
  const last = def.actions.at(-1);
  return last !== undefined && endsFrame(last);
}

function freshState(seed: number, id: string): RuleState {
  return { matched: 0, fired: 0, lastFiredAt: undefined, random: ruleRandom(seed, id) };
}
