/**
 * Step 4 of the importer: the fields of a profile, each read from the tables or lines of its section.
 * Every function here is small and pure over lines or tables, so each is tested on its own.
 */
import type { OcppVersion } from '../core/types.js';
import { CERTIFIED_KPIS, type CertifiedKpi, type ConnectorRow, type FeatureRow, type HardwareRow, type KpiFigures, type SettingValue } from './profile-types.js';
import { columnOf, idRows, type Table } from './report-tables.js';

const norm = (s: string): string => s.trim().replace(/:$/, '').replace(/\s+/g, ' ').toLowerCase();

/**
 * The value of the first "Label: value", "Label:<tab>value" or "Label<tab>value" line whose label is one of `labels`;
 * a "Label:" line alone takes the next non-empty line (PDF extracts put them apart).
 * @example labelValue(['Firmware Version: 3.73'], ['firmware version']) // '3.73'
 */
export function labelValue(lines: readonly string[], labels: readonly string[]): string | undefined {
  const wanted = labels.map(norm);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let key: string | undefined;
    let value: string | undefined;
    if (line.includes('\t')) {
      const cells = line.split('\t').map((c) => c.trim());
      key = cells[0];
      value = cells.slice(1).find((c) => c !== '');
    } else {
      const m = /^([^:]{2,60}):\s*(.*)$/.exec(line.trim());
      if (m) [, key, value] = m;
    }
    if (key === undefined || !wanted.includes(norm(key))) continue;
    if (value) return value.trim();
    if (/:\s*$/.test(line)) {
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      if (next && !/^[^:]{2,60}:(\s|$)/.test(next.trim()) && !next.includes('\t')) return next.trim();
    }
  }
  return undefined;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "October 15, 2025", "15 October 2025", "2025-10-15" or "15.10.2025" → "2025-10-15"; undefined if unreadable. */
export function isoDate(text: string): string | undefined {
  const t = text.trim();
  const pad = (n: number): string => String(n).padStart(2, '0');
  const ymd = (y: number, m: number, d: number): string | undefined =>
    m >= 1 && m <= 12 && d >= 1 && d <= 31 ? `${y}-${pad(m)}-${pad(d)}` : undefined;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})/.exec(t);
  if (m) return ymd(+m[1]!, +m[2]!, +m[3]!);
  m = /^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})/.exec(t);
  if (m) return ymd(+m[3]!, monthOf(m[1]!), +m[2]!);
  m = /^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})/.exec(t);
  if (m) return ymd(+m[3]!, monthOf(m[2]!), +m[1]!);
  m = /^(\d{1,2})[./](\d{1,2})[./](\d{4})/.exec(t);
  if (m) return ymd(+m[3]!, +m[2]!, +m[1]!);
  return undefined;
}
const monthOf = (name: string): number => MONTHS.findIndex((n) => n.startsWith(name.toLowerCase().slice(0, 3))) + 1;

/** The OCPP version the report certifies, from "Test Report OCPP 2.0.1 Certification" (or 2.1, 1.6) or the reference specification. */
export function ocppVersionOf(lines: readonly string[]): OcppVersion | undefined {
  for (const line of lines) {
    const m = /\bOCPP[ -]?(2\.0\.1|2\.1|1\.6)\b/i.exec(line);
    if (m && /certification|reference specification|test report/i.test(line)) return m[1] as OcppVersion;
  }
  return undefined;
}

/** "F01.OCA.0201.0108.CS - update-2026-01-28" → number and update date. */
export function certificateNumberOf(text: string): { number: string; update?: string } {
  const m = /^(.*?)\s+-\s+update-?\s*(\S+)$/i.exec(text.trim());
  if (!m) return { number: text.trim() };
  return { number: m[1]!, update: isoDate(m[2]!) ?? m[2]! };
}

/** Profile name → result, from the "Certification Profile | Test Result" table (or "Certification Extension"). */
export function resultTable(tables: readonly Table[], firstColumn: RegExp): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tables) {
    if (!firstColumn.test(t.header[0] ?? '')) continue;
    const result = columnOf(t, /result/i);
    for (const r of t.rows) {
      const name = r[0];
      const value = r[result < 0 ? 1 : result];
      if (name && value) out[name] = value;
    }
  }
  return out;
}

const ID = /^[A-Z]{1,4}-\d+(\.\d+)*$/;

/** Rows "ID | name | value [| vendor value]" with ids like `prefix`-n (HFS, C, SC, SEC, AQ, ...). */
export function featureRows(tables: readonly Table[], prefixes?: RegExp): Record<string, FeatureRow> {
  const out: Record<string, FeatureRow> = {};
  for (const r of idRows(tables, ID)) {
    const id = r[0]!;
    if (prefixes && !prefixes.test(id)) continue;
    const row: FeatureRow = { name: r[1] ?? '', value: r[2] || null };
    if (r.length > 3) row.vendorValue = r[3] || null;
    out[id] = row;
  }
  return out;
}

export function hardwareRows(tables: readonly Table[]): Record<string, HardwareRow> {
  const out: Record<string, HardwareRow> = {};
  for (const [id, f] of Object.entries(featureRows(tables, /^HFS-/))) out[id] = { feature: f.name, value: f.value ?? '' };
  return out;
}

/** The "Connector | Current | Phases | Type | Cable Type" (1.6) or "EVSE | ... | Connector | ..." (2.0.1) table. */
export function connectorRows(tables: readonly Table[]): ConnectorRow[] {
  const out: ConnectorRow[] = [];
  for (const t of tables) {
    const first = norm(t.header[0] ?? '');
    if (first !== 'connector' && first !== 'evse') continue;
    const col = (re: RegExp): number => columnOf(t, re);
    const evse = col(/^evse$/i);
    const connector = col(/^connector$/i);
    const current = col(/^current$/i);
    const phases = col(/^phases$/i);
    const type = col(/^type$/i);
    const cable = col(/cable/i);
    for (const r of t.rows) {
      const cell = (i: number): string => (i >= 0 ? (r[i] ?? '') : '');
      const conn = intOf(cell(connector));
      if (conn === null) continue;
      const e = intOf(cell(evse));
      out.push({
        ...(evse >= 0 && e !== null ? { evse: e } : {}),
        connector: conn,
        current: cell(current),
        phases: intOf(cell(phases)),
        type: cell(type),
        cableType: cell(cable),
      });
    }
  }
  return out;
}

const intOf = (s: string): number | null => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : null);

/** A setting's value: a number when the text is a plain number (not "03.73", which is a version), else the text. */
export function settingValue(text: string): SettingValue {
  const t = text.trim();
  return /^-?(0|[1-9]\d*)(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** Other Relevant Settings: "ORS-n | name | value" → name → value. */
export function settingRows(tables: readonly Table[]): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const r of idRows(tables, /^ORS-\d+/)) if (r[1] && r[2] !== undefined) out[r[1]] = settingValue(r[2]);
  return out;
}

/** Vendor Specific Settings: "Configuration Setting | Configured Value | Description". */
export function vendorSettingRows(tables: readonly Table[]): Record<string, SettingValue> {
  const out: Record<string, SettingValue> = {};
  for (const t of tables) {
    if (!/setting/i.test(t.header[0] ?? '')) continue;
    for (const r of t.rows) if (r[0] && r[1] !== undefined) out[r[0]] = settingValue(r[1]);
  }
  return out;
}

/** Which certified KPI a performance row names, in 1.6 ("timeout") or 2.0.1 ("response time") wording. */
export function kpiOfName(name: string): CertifiedKpi | undefined {
  const n = name.toLowerCase();
  if (/triggered/.test(n)) return 'triggered_function';
  if (/remote ?start|request ?start/.test(n)) return 'remote_start_authorization';
  if (/remote ?stop|request ?stop/.test(n)) return 'remote_stop_end';
  if (/response/.test(n)) return 'response_time';
  return undefined;
}

/** A figure in seconds; null for "not measurable", "-", "n/a" or an empty cell. */
export function secondsOf(text: string | undefined, unit = 'seconds'): number | null {
  const t = (text ?? '').trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const v = Number(t);
  return /^(ms|milli)/i.test(unit.trim()) ? v / 1000 : v;
}

/** The two performance tables: declared maxima ("Name | Max Value | Unit | ...") and measured ("Name | Min | Max | Average | Unit"). */
export function kpiFigures(tables: readonly Table[]): Record<CertifiedKpi, KpiFigures | null> | undefined {
  // Every KPI is present: null when the report gives no row for it at all.
  const out = Object.fromEntries(CERTIFIED_KPIS.map((k) => [k, null])) as Record<CertifiedKpi, KpiFigures | null>;
  const get = (k: CertifiedKpi): KpiFigures => (out[k] ??= { declaredMaxS: null, minS: null, maxS: null, avgS: null });
  let seen = false;
  for (const t of tables) {
    if (!/^name$/i.test(t.header[0] ?? '')) continue;
    const min = columnOf(t, /^min/i);
    const max = columnOf(t, /^max/i);
    const avg = columnOf(t, /^av(era)?g/i);
    const unit = columnOf(t, /^unit/i);
    for (const r of t.rows) {
      const kpi = kpiOfName(r[0] ?? '');
      if (!kpi) continue;
      seen = true;
      const u = unit >= 0 ? (r[unit] ?? 'seconds') : 'seconds';
      const f = get(kpi);
      if (min < 0) f.declaredMaxS = secondsOf(r[max], u);
      else {
        f.minS = secondsOf(r[min], u);
        f.maxS = secondsOf(r[max], u);
        f.avgS = secondsOf(r[avg], u);
      }
    }
  }
  return seen ? out : undefined;
}

/** Tokens that name TLS cipher suites in a "Supported Cipher Suites" row. */
export function cipherSuitesOf(features: Record<string, FeatureRow>): string[] {
  const out = new Set<string>();
  for (const f of Object.values(features)) {
    if (!/cipher suite/i.test(f.name)) continue;
    for (const tok of `${f.value ?? ''} ${f.vendorValue ?? ''}`.split(/[\s,;]+/)) if (/^TLS_[A-Z0-9_]+$/.test(tok)) out.add(tok);
  }
  return [...out];
}

const YES = /^(yes|true|supported|y)$/i;
export const isYes = (v: string | null | undefined): boolean => YES.test((v ?? '').trim());
export const isPass = (v: string | undefined): boolean => /^pass(ed)?$/i.test((v ?? '').trim());

/**
 * Security profiles a station is certified for.
 * 2.0.1 and 2.1 (same layout family): Core includes profile 2, Advanced Security profile 3, profile 1 is an optional feature.
 * 1.6: the security extension's SEC rows; without the extension only plain ws (0) was certified.
 */
export function securityProfilesOf(
  version: OcppVersion,
  profiles: Record<string, string>,
  extensions: Record<string, string>,
  features: Record<string, FeatureRow>,
): number[] {
  const out = new Set<number>();
  for (const f of Object.values(features)) {
    const m = /security profile (\d)/i.exec(f.name);
    if (m && isYes(f.value)) out.add(Number(m[1]));
  }
  const result = (rec: Record<string, string>, re: RegExp): string | undefined => Object.entries(rec).find(([k]) => re.test(k))?.[1];
  if (version !== '1.6') {
    if (isPass(result(profiles, /^core$/i))) out.add(2);
    if (isPass(result(profiles, /^advanced security$/i))) out.add(3);
  } else if (!isPass(result(extensions, /security/i))) {
    out.clear();
    out.add(0);
  }
  return [...out].sort((a, b) => a - b);
}
