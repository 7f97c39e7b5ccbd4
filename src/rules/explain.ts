/**
 * One sentence per rule, from its definition alone: what `rules explain`, the control API and the live view show.
 * @example explainRule({ id: 'slow-boot', match: { direction: 'to-station', type: 'CALLRESULT', action: 'BootNotification',
 *   station: 'CP-*' }, actions: [{ delay: { ms: 5000, jitter: 500 } }] })
 * // → 'Delays CSMS→station BootNotification CALLRESULTs by 5000±500 ms for stations CP-*.'
 */
import { listOf as list, short } from './actions/action-spec.js';
import { specOf, type RuleActionDef } from './actions/index.js';
import type { Predicate, RuleDef, RuleMatch, Scalar } from './rule-definition.js';

const orList = (items: string[]): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

function subject(m: RuleMatch): string {
  const dir = m.direction === 'to-csms' ? 'station→CSMS ' : m.direction === 'to-station' ? 'CSMS→station ' : '';
  const actions = list(m.action);
  const kind = m.type ? `${m.type}s` : 'frames';
  return `${actions.length ? '' : 'all '}${dir}${actions.length ? `${orList(actions)} ` : ''}${kind}`;
}

function predicate(ptr: string, p: Predicate | Scalar): string {
  if (p === null || typeof p !== 'object') return `${ptr} is ${short(p)}`;
  const parts: string[] = [];
  if ('equals' in p) parts.push(`is ${short(p.equals)}`);
  if (p.regex !== undefined) parts.push(`matches /${p.regex}/`);
  if (p.exists !== undefined) parts.push(p.exists ? 'exists' : 'is absent');
  if (p.lt !== undefined) parts.push(`< ${p.lt}`);
  if (p.lte !== undefined) parts.push(`≤ ${p.lte}`);
  if (p.gt !== undefined) parts.push(`> ${p.gt}`);
  if (p.gte !== undefined) parts.push(`≥ ${p.gte}`);
  return `${ptr} ${parts.join(' and ')}`;
}

/** The action as a verb phrase; `s` is the subject ("BootNotification CALLs" first, then "them"). */
function step(a: RuleActionDef, s: string): string {
  const { spec, value } = specOf(a);
  return spec.explain(value, s);
}

function conditions(def: RuleDef): string[] {
  const m = def.match ?? {};
  const out: string[] = [];
  const where = Object.entries(m.where ?? {});
  if (where.length) out.push(`where ${where.map(([p, v]) => predicate(p, v)).join(' and ')}`);
  const stations = list(m.station);
  if (stations.length) out.push(`for stations ${orList(stations)}`);
  if (m.version) out.push(`on OCPP ${m.version}`);
  const w = def.when ?? {};
  if (w.after) out.push(`after the first ${w.after} matches`);
  if (w.every && w.every > 1) out.push(`every ${ordinal(w.every)} match`);
  if (w.probability !== undefined) out.push(`with probability ${+(w.probability * 100).toFixed(2)}%`);
  if (w.times) out.push(`at most ${w.times === 1 ? 'once' : `${w.times} times`}`);
  if (w.perStation && (w.after || w.every || w.times || w.probability !== undefined)) out.push('counted per station');
  if (w.from) out.push(`from ${timeText(w.from)}`);
  if (w.until) out.push(`until ${timeText(w.until)}`);
  return out;
}

const timeText = (t: string): string => (/^\d{4}-/.test(t) ? t : `${t.replace(/^\+/, '')} after start`);

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}

export function explainRule(def: RuleDef): string {
  const s = subject(def.match ?? {});
  const steps = def.actions.map((a, i) => step(a, i === 0 ? s : 'them'));
  let text = steps.length > 1 ? `${steps.slice(0, -1).join(', ')}, then ${steps.at(-1)}` : (steps[0] ?? `matches ${s}`);
  const cond = conditions(def);
  if (cond.length) text += ` ${cond.join(', ')}`;
  if (def.enabled === false) text += ' (disabled)';
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
