/** `ocpp-mitm rules check|explain [dir]`: validate rule files and say in words what each rule does. */
import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { explainRule } from './explain.js';
import { ruleFileSchema } from './rule-file-schema.js';
import { formatProblem, loadRuleDir, parseRuleText, type LoadResult } from './load-rules.js';

export const DEFAULT_RULES_DIR = './rules';

/** A folder, or a single rule file (handy for one example). */
async function load(path: string): Promise<LoadResult> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return loadRuleDir(path);
  const parsed = parseRuleText(await readFile(path, 'utf8'), path);
  if (!parsed.ok) return parsed;
  return { ok: true, source: { dir: path, files: [path], rules: parsed.parsed.rules, seed: parsed.parsed.def.seed } };
}

export interface CommandOutput {
  ok: boolean;
  text: string;
}

export async function checkRules(path: string): Promise<CommandOutput> {
  const result = await load(path);
  if (!result.ok) {
    const n = result.problems.length;
    return { ok: false, text: `${result.problems.map(formatProblem).join('\n')}\n${n} problem${n === 1 ? '' : 's'} in ${path}` };
  }
  const { files, rules } = result.source;
  if (files.length === 0) return { ok: true, text: `no rule files in ${path} (top-level *.yaml, *.yml, *.json): no rules` };
  const lines = files.map((f) => {
    const n = rules.filter((r) => r.file === f).length;
    return `ok  ${f} (${n} rule${n === 1 ? '' : 's'})`;
  });
  lines.push(`${rules.length} rule${rules.length === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}: valid`);
  return { ok: true, text: lines.join('\n') };
}

export async function explainRules(path: string): Promise<CommandOutput> {
  const result = await load(path);
  if (!result.ok) return checkRules(path);
  const { rules, seed } = result.source;
  if (rules.length === 0) return { ok: true, text: `no rules in ${path}` };
  const lines = rules.map((r) => `${r.def.id} [${r.file}:${r.line}]\n  ${explainRule(r.def)}`);
  if (seed !== undefined) lines.push(`seed ${seed}`);
  return { ok: true, text: lines.join('\n') };
}

/** Where the commands print (stdout / stderr unless a caller, e.g. a test, says otherwise). */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  fail(): void;
}

const processIo: CommandIo = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  fail: () => void (process.exitCode = 1),
};

export function registerRulesCommands(program: Command, io: CommandIo = processIo): void {
  const rules = program.command('rules').description('check and explain rewrite / fault-injection rule files');
  const print = (result: CommandOutput): void => {
    if (result.ok) io.out(`${result.text}\n`);
    else {
      io.err(`${result.text}\n`);
      io.fail();
    }
  };
  rules
    .command('check')
    .description('validate rule files against the schema; print each problem with file, line and what to fix')
    .argument('[dir]', 'rule folder (top-level files) or one rule file', DEFAULT_RULES_DIR)
    .action(async (dir: string) => print(await checkRules(dir)));
  rules
    .command('explain')
    .description("print each rule's one-sentence explanation")
    .argument('[dir]', 'rule folder (top-level files) or one rule file', DEFAULT_RULES_DIR)
    .action(async (dir: string) => print(await explainRules(dir)));
  rules
    .command('schema')
    .description('print the rule-file JSON Schema, for an editor (e.g. ocpp-mitm rules schema > rules/rule-file.schema.json)')
    .action(() => print({ ok: true, text: JSON.stringify(ruleFileSchema(), null, 2) }));
}
