/** What the rules feature shows of itself through the control API: shared by the addon and its routes. */
import type { RuleDef } from './rule-definition.js';

export interface RuleView {
  id: string;
  description: string | undefined;
  file: string;
  line: number;
  enabled: boolean;
  enabledInFile: boolean;
  /** The control API switched it on or off (lasts until the rule changes in its file). */
  overridden: boolean;
  explain: string;
  /** Frames that matched `match` (inside the time window). */
  matched: number;
  /** Times the rule triggered. */
  hits: number;
  lastHitAt: string | null;
  definition: RuleDef;
}

export interface RulesView {
  dir: string;
  seed: number;
  loadedAt: string;
  files: string[];
  /** The last reload that was refused, when it is newer than the set in force. */
  lastError: { at: string; problems: string[] } | null;
  rules: RuleView[];
}

export type ReloadResult = { ok: true; rules: number; enabled: number } | { ok: false; problems: string[] };
