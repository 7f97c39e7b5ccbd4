/**
 * Rewrite and fault-injection rules: OCPP-aware, per message, seeded, switchable live.
 * @example ocpp-mitm start --upstream ws://csms:9000/ocpp/ --rules ./rules --rules-seed 42
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { Feature } from '../core/feature.js';
import { stat } from 'node:fs/promises';
import { RulesAddon } from './rules-addon.js';
import { DEFAULT_RULES_DIR, registerRulesCommands } from './rules-commands.js';

export { RulesAddon, type RulesAddonOptions } from './rules-addon.js';
export type { RulesView, RuleView, ReloadResult } from './rule-views.js';
export { checkRules, explainRules } from './rules-commands.js';
export { loadRuleDir, parseRuleText, formatProblem, type RuleProblem } from './load-rules.js';
export { explainRule } from './explain.js';
export type { RuleDef, RuleFileDef, RuleActionDef } from './rule-definition.js';

function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('a seed is an integer from 0 to 4294967295');
  return n;
}

export const rulesFeature: Feature = {
  name: 'rules',
  startOptions(cmd: Command) {
    // No commander default: a folder the user names must exist; the default is read only when it does.
    cmd.option('--rules <dir>', `folder of rule files (top-level *.yaml/*.yml/*.json; sub-folders are not read), watched for changes (default: ${DEFAULT_RULES_DIR}, when it exists)`);
    cmd.option('--rules-seed <n>', 'seed for rule probabilities and jitter (overrides the files\' seed:)', parseSeed);
  },
  async addons(opts, env) {
    if (typeof opts.rules === 'string' && !(await isFolder(opts.rules))) {
      throw new Error(`--rules ${opts.rules}: no such folder (create it, or leave --rules out to read ${DEFAULT_RULES_DIR} when it exists)`);
    }
    return [
      new RulesAddon({
        dir: typeof opts.rules === 'string' ? opts.rules : DEFAULT_RULES_DIR,
        seed: typeof opts.rulesSeed === 'number' ? opts.rulesSeed : undefined,
        logger: env.logger,
      }),
    ];
  },
  commands(program: Command) {
    registerRulesCommands(program);
  },
};

async function isFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
