/**
 * Reads a rule folder: YAML or JSON files at its top level (sub-folders such as examples/ are not read),
 * checked against rule-file.schema.json and then for what a schema cannot say (a final action followed by
 * another, duplicate ids, bad regexes). Every problem names file, line, column and what to fix.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ruleFileSchema } from './rule-file-schema.js';
import { ACTION_NAMES, actionName, isFinal, specOf } from './actions/index.js';
import type { LoadedRule, RuleDef, RuleFileDef } from './rule-definition.js';
import { parseTimeSpec, resolveTimeSpec } from './time-spec.js';
import { pointerSegments } from './json-pointer.js';
import { locate } from './yaml-locate.js';
import { listSchemaFiles } from '../validation/schema-loader.js';
import type { OcppVersion } from '../core/types.js';

export interface RuleProblem {
  file: string;
  line: number;
  col: number;
  /** Where in the file, in words: 'rule "slow-boot" › actions[1]'. */
  where: string;
  message: string;
}

export const formatProblem = (p: RuleProblem): string =>
  `${p.file}:${p.line}:${p.col}: ${p.where ? `${p.where}: ` : ''}${p.message}`;

/** What a folder holds once it checked out. */
export interface RuleSource {
  dir: string;
  files: string[];
  rules: LoadedRule[];
  /** The seed the files declare, if any. */
  seed: number | undefined;
}

export type LoadResult = { ok: true; source: RuleSource } | { ok: false; problems: RuleProblem[] };

const RULE_FILE = /\.(ya?ml|json)$/i;

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
const schema = ruleFileSchema();
const validateFile = ajv.compile<RuleFileDef>(schema);

/** Load every top-level rule file of `dir`. A folder that does not exist holds no rules. */
export async function loadRuleDir(dir: string): Promise<LoadResult> {
  let names: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return fail(dir, `${dir} is not a folder: --rules takes a folder of rule files`);
    names = (await readdir(dir)).filter((n) => RULE_FILE.test(n) && !n.startsWith('.')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, source: { dir, files: [], rules: [], seed: undefined } };
    return fail(dir, `cannot read ${dir}: ${(err as Error).message}`);
  }
  const problems: RuleProblem[] = [];
  const parsed: ParsedFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      // Deleted between readdir and readFile (an editor's rename dance): the next watch event reloads.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      problems.push(...fail(file, `cannot read: ${(err as Error).message}`).problems);
      continue;
    }
    const result = parseRuleText(text, file);
    if (result.ok) parsed.push(result.parsed);
    else problems.push(...result.problems);
  }
  problems.push(...crossFileProblems(parsed));
  if (problems.length > 0) return { ok: false, problems };
  const seeds = parsed.map((p) => p.def.seed).filter((s): s is number => s !== undefined);
  return {
    ok: true,
    source: { dir, files: parsed.map((p) => p.file), rules: parsed.flatMap((p) => p.rules), seed: seeds[0] },
  };
}

interface ParsedFile {
  file: string;
  def: RuleFileDef;
  rules: LoadedRule[];
  doc: Document;
  lc: LineCounter;
}

/** Parse and check one rule file's text. */
export function parseRuleText(text: string, file: string): { ok: true; parsed: ParsedFile } | { ok: false; problems: RuleProblem[] } {
  // Refused rather than read as "no rules": an editor may be half-way through writing it.
  if (text.trim() === '') return { ok: false, problems: fail(file, 'the file is empty: write "rules: []" for a file without rules').problems };
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
        return { file, line: pos.line, col: pos.col, where: '', message: `syntax error: ${first}` };
      }),
    };
  }
  const data: unknown = doc.toJS() ?? { rules: [] }; // a comment-only file holds no rules
  const at = (path: readonly string[], message: string, key?: string): RuleProblem => {
    const pos = locate(doc, lc, path, key);
    return { file, ...pos, where: describePath(data, path), message };
  };
  if (!validateFile(data)) {
    const seen = new Set<string>();
    const problems: RuleProblem[] = [];
    for (const err of validateFile.errors ?? []) {
      const d = describeAjvError(err);
      if (!d) continue;
      const p = at(d.path, d.message, d.key);
      const k = formatProblem(p);
      if (!seen.has(k)) problems.push(p), seen.add(k);
    }
    return { ok: false, problems };
  }
  const problems = data.rules.flatMap((rule, i) => ruleProblems(rule, i, at));
  if (problems.length > 0) return { ok: false, problems };
  const rules = data.rules.map((def, i) => ({ def, file, line: locate(doc, lc, ['rules', String(i)]).line }));
  return { ok: true, parsed: { file, def: data, rules, doc, lc } };
}

type At = (path: readonly string[], message: string, key?: string) => RuleProblem;

/** What the schema cannot express. */
function ruleProblems(rule: RuleDef, i: number, at: At): RuleProblem[] {
  const out: RuleProblem[] = [];
  const base = ['rules', String(i)];
  const finalAt = rule.actions.findIndex(isFinal);
  if (finalAt >= 0 && finalAt < rule.actions.length - 1) {
    const fin = actionName(rule.actions[finalAt]!);
    const next = actionName(rule.actions[finalAt + 1]!);
    out.push(
      at(
        [...base, 'actions', String(finalAt + 1)],
        `"${next}" follows "${fin}", but ${fin} is a final action (the frame is gone after it): ` +
          `move "${fin}" to the end of actions, or remove what follows it`,
      ),
    );
  }
  rule.actions.forEach((a, j) => {
    const { name, spec, value } = specOf(a);
    const step = [...base, 'actions', String(j)];
    for (const p of spec.check?.(value, { matchType: rule.match?.type }) ?? []) out.push(at(p.atStep ? step : [...step, name, ...p.path], p.message));
  });
  const names = rule.match?.action === undefined ? [] : [rule.match.action].flat();
  names.forEach((name, k) => {
    const why = unknownAction(name, rule.match?.version);
    if (why) out.push(at([...base, 'match', 'action', ...(Array.isArray(rule.match!.action) ? [String(k)] : [])], why));
  });
  for (const [ptr, pred] of Object.entries(rule.match?.where ?? {})) {
    if (pred && typeof pred === 'object' && typeof pred.regex === 'string') {
      try {
        new RegExp(pred.regex);
      } catch (err) {
        out.push(at([...base, 'match', 'where', ptr, 'regex'], `bad regular expression: ${(err as Error).message}`));
      }
    }
  }
  const when = rule.when ?? {};
  const times: Array<['from' | 'until', number]> = [];
  for (const k of ['from', 'until'] as const) {
    const v = when[k];
    if (v === undefined) continue;
    const spec = parseTimeSpec(v);
    if (!spec) out.push(at([...base, 'when', k], `"${v}" is neither an ISO date-time (2026-01-31T08:00:00Z) nor a duration after start (30s, 5m, 1h30m)`));
    // Compare both as if the proxy started now; only a real inversion is reported.
    else times.push([k, resolveTimeSpec(spec, Date.now())]);
  }
  if (times.length === 2 && times[0]![1] >= times[1]![1]) out.push(at([...base, 'when', 'until'], '"until" must come after "from"'));
  return out;
}

let actionsByVersion: Map<OcppVersion, Set<string>> | undefined;

/** A literal action name (no glob) that no OCPP version (or not the rule's `version`) has: a typo, said why. */
function unknownAction(name: string, version: OcppVersion | undefined): string | undefined {
  if (/[*?[\]{}!()+@]/.test(name)) return undefined;
  if (!actionsByVersion) {
    actionsByVersion = new Map();
    for (const f of listSchemaFiles()) {
      let set = actionsByVersion.get(f.version);
      if (!set) actionsByVersion.set(f.version, (set = new Set()));
      set.add(f.action);
    }
  }
  const versions = version ? [version] : [...actionsByVersion.keys()];
  if (versions.some((v) => actionsByVersion!.get(v)?.has(name))) return undefined;
  const elsewhere = [...actionsByVersion].filter(([, set]) => set.has(name)).map(([v]) => v);
  if (elsewhere.length) return `"${name}" is not an OCPP ${version} action (it is one of OCPP ${elsewhere.join(', ')})`;
  const near = [...new Set([...actionsByVersion.values()].flatMap((s) => [...s]))].find((a) => a.toLowerCase() === name.toLowerCase());
  return `"${name}" is no action of OCPP ${versions.join(', ')}${near ? `: did you mean "${near}"?` : ''}`;
}

function crossFileProblems(files: ParsedFile[]): RuleProblem[] {
  const out: RuleProblem[] = [];
  const ids = new Map<string, string>();
  for (const f of files) {
    f.def.rules.forEach((r, i) => {
      const first = ids.get(r.id);
      if (first !== undefined) {
        const pos = locate(f.doc, f.lc, ['rules', String(i), 'id']);
        out.push({ file: f.file, ...pos, where: `rule "${r.id}"`, message: `duplicate rule id (first defined at ${first}): ids must be unique across the folder` });
      } else ids.set(r.id, `${f.file}:${locate(f.doc, f.lc, ['rules', String(i), 'id']).line}`);
    });
  }
  const seeded = files.filter((f) => f.def.seed !== undefined);
  if (new Set(seeded.map((f) => f.def.seed)).size > 1) {
    for (const f of seeded.slice(1)) {
      const pos = locate(f.doc, f.lc, ['seed']);
      out.push({ file: f.file, ...pos, where: 'seed', message: `seed ${f.def.seed} differs from seed ${seeded[0]!.def.seed} in ${seeded[0]!.file}: one seed per folder (or pass --rules-seed)` });
    }
  }
  return out;
}

/** An Ajv error in words: where it is and what to do. Undefined for errors that only repeat another. */
function describeAjvError(err: ErrorObject): { path: string[]; key?: string; message: string } | undefined {
  const path = pointerSegments(err.instancePath);
  const parentKeys = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
  const named = (err as ErrorObject & { propertyName?: string }).propertyName;
  const found = err.data === undefined ? '' : ` (found ${JSON.stringify(err.data)})`;
  switch (err.keyword) {
    case 'if':
    case 'propertyNames': // its inner error, carrying propertyName, says it better
      return undefined;
    case 'enum':
      if (named !== undefined && err.parentSchema === schema.definitions.action.propertyNames) {
        return { path, key: named, message: `unknown action "${named}"; the actions are: ${ACTION_NAMES.join(', ')}` };
      }
      if (typeof err.data === 'number' && (err.params.allowedValues as unknown[]).includes(String(err.data))) {
        return { path, message: `write it in quotes: "${err.data}" (unquoted, YAML reads a number)` };
      }
      return { path, message: `must be one of: ${(err.params.allowedValues as unknown[]).map(String).join(', ')}${found}` };
    case 'pattern':
      if (named !== undefined) return { path, key: named, message: `"${named}" is not a JSON Pointer: start it with "/", e.g. "/${named}"` };
      if (path.at(-1) === 'id') return { path, message: `a rule id is letters, digits, ".", "_" and "-", starting with a letter or digit${found}` };
      return { path, message: `must be a JSON Pointer starting with "/"${found}` };
    case 'additionalProperties': {
      const key = String(err.params.additionalProperty);
      return { path, key, message: `unknown key "${key}"${parentKeys.length ? `; allowed here: ${parentKeys.join(', ')}` : ''}` };
    }
    case 'required':
      return { path, message: `missing "${String(err.params.missingProperty)}"` };
    case 'type':
      if (path.at(-1) === 'delay') return { path, message: `write milliseconds: "delay: 5000", or "delay: { ms: 5000, jitter: 500 }"${found}` };
      return { path, message: `must be ${String(err.params.type).replace(/,/g, ' or ')}${found}` };
    case 'const':
      return { path, message: `must be ${JSON.stringify(err.params.allowedValue)} (or an object with options)${found}` };
    case 'minProperties':
    case 'maxProperties':
      if (err.parentSchema === schema.definitions.action) {
        const keys = Object.keys((err.data as object) ?? {});
        return {
          path,
          message: `an action step has exactly one key, the action's name (e.g. "- drop: true"); this one has ${keys.length ? keys.join(', ') : 'none'}: split it into one step per action`,
        };
      }
      if (path.at(-1) === 'answer') return { path, message: 'answer with either "payload" (a CALLRESULT) or "error" (a CALLERROR), exactly one' };
      return { path, message: err.message ?? 'wrong number of keys' };
    default:
      return { path, message: `${err.message ?? err.keyword}${found}` };
  }
}

/** 'rule "slow-boot" › actions[1].delay' for a path into a rule file. */
function describePath(data: unknown, path: readonly string[]): string {
  if (path[0] !== 'rules' || path.length < 2) return path.join('.');
  const i = Number(path[1]);
  const rule = (data as { rules?: Array<{ id?: unknown }> }).rules?.[i];
  const name = typeof rule?.id === 'string' ? `rule "${rule.id}"` : `rules[${i}]`;
  const rest = path
    .slice(2)
    .map((s, j) => (/^\d+$/.test(s) && j > 0 ? `[${s}]` : s.startsWith('/') ? `["${s}"]` : `${j > 0 ? '.' : ''}${s}`))
    .join('');
  return rest ? `${name} › ${rest}` : name;
}

function fail(file: string, message: string): { ok: false; problems: RuleProblem[] } {
  return { ok: false, problems: [{ file, line: 1, col: 1, where: '', message }] };
}
