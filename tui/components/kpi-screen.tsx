/**
 * KPIs per station: the field figures, and when the proxy binds certified profiles (GET /api/profiles/bound)
 * the certified min/avg/max, the declared maximum and the audit's verdict beside them. Stations are group
 * headers rather than a column, so the certified columns still fit 80 columns.
 */
import { Box, Text } from 'ink';
import { Fragment } from 'react';
import type { KpiVerdict } from '../../src/profiles/audit-types.js';
import { cell, kpiSeconds } from '../format.js';
import type { KpiGroup, KpiRow } from '../kpi-view.js';
import { useViewStore } from '../use-view-store.js';
import { KpiDistributionPanel, KpiSparkCell } from './kpi-distribution.js';
import { PaneTitle } from './pane-title.js';

type ColKey = 'kpi' | 'n' | 'min' | 'avg' | 'p95' | 'max' | 'to' | 'cmin' | 'cavg' | 'cmax' | 'decl' | 'verdict' | 'dist';
interface Col {
  key: ColKey;
  title: string;
  width: number;
  align: 'left' | 'right';
  span?: 'field' | 'certified';
}

const COLS: Record<ColKey, Col> = {
  kpi: { key: 'kpi', title: 'kpi', width: 10, align: 'left' },
  n: { key: 'n', title: 'n', width: 5, align: 'right', span: 'field' },
  min: { key: 'min', title: 'min', width: 6, align: 'right', span: 'field' },
  avg: { key: 'avg', title: 'avg', width: 6, align: 'right', span: 'field' },
  p95: { key: 'p95', title: 'p95', width: 6, align: 'right', span: 'field' },
  max: { key: 'max', title: 'max', width: 6, align: 'right', span: 'field' },
  to: { key: 'to', title: 't/o', width: 4, align: 'right', span: 'field' },
  cmin: { key: 'cmin', title: 'min', width: 6, align: 'right', span: 'certified' },
  cavg: { key: 'cavg', title: 'avg', width: 6, align: 'right', span: 'certified' },
  cmax: { key: 'cmax', title: 'max', width: 6, align: 'right', span: 'certified' },
  decl: { key: 'decl', title: 'decl', width: 6, align: 'right', span: 'certified' },
  // As wide as the longest verdict word: they are the audit's words and are never cut.
  verdict: { key: 'verdict', title: 'verdict', width: 21, align: 'left' },
  // The histogram of the last values seen live (kpi-distribution.tsx), when the width leaves room for it.
  dist: { key: 'dist', title: 'distribution', width: 16, align: 'left' },
};
const ORDER: ColKey[] = ['kpi', 'n', 'min', 'avg', 'p95', 'max', 'to', 'cmin', 'cavg', 'cmax', 'decl', 'verdict', 'dist'];
/** Lines the selected row's histogram takes under the table, shown when the screen is this tall. */
const PANEL_LINES = 3;
const PANEL_MIN_ROWS = 14;
const DIST_MIN_KPI = 20;
const KPI_FULL = 26; // remote_start_authorization
const SHORT: Record<string, string> = {
  response_time: 'response',
  csms_response_time: 'csms resp',
  triggered_function: 'triggered',
  remote_start_authorization: 'rem. start',
  remote_stop_end: 'rem. stop',
};

/**
 * The columns that fit: with certified profiles, count/p95/max and every certified column always (80 columns is
 * enough), then timeouts, avg and min as room allows; the KPI name takes what is left (short names below 26).
 */
export function kpiColumns(width: number, certified: boolean): Col[] {
  const required: ColKey[] = certified ? ['n', 'p95', 'max', 'cmin', 'cavg', 'cmax', 'decl', 'verdict'] : ['n', 'min', 'avg', 'p95', 'max', 'to'];
  const optional: ColKey[] = certified ? ['to', 'avg', 'min', 'dist'] : ['dist'];
  const used = (keys: ColKey[]): number => keys.reduce((sum, k) => sum + COLS[k].width + 1, 0);
  const keys = [...required];
  // The histogram only while KPI names keep DIST_MIN_KPI columns: it comes after every figure.
  for (const k of optional) if (width - used([...keys, k]) >= (k === 'dist' ? DIST_MIN_KPI : COLS.kpi.width)) keys.push(k);
  const kpiWidth = Math.max(COLS.kpi.width, Math.min(KPI_FULL, width - used(keys)));
  return ORDER.filter((k) => k === 'kpi' || keys.includes(k)).map((k) => (k === 'kpi' ? { ...COLS.kpi, width: kpiWidth } : COLS[k]));
}

const VERDICT_COLOR: Record<KpiVerdict, string> = {
  within_certified: 'green',
  slower_than_certified: 'yellow',
  exceeds_declared_max: 'red',
  no_data: 'gray',
};

const sec = (s: number | null | undefined): string => (s === null || s === undefined ? '' : kpiSeconds(s * 1000));

function cellText(key: ColKey, r: KpiRow, kpiWidth: number): string {
  switch (key) {
    case 'kpi':
      return kpiWidth >= KPI_FULL ? r.kpi : (SHORT[r.kpi] ?? r.kpi);
    case 'n':
      return String(r.count);
    case 'min':
      return kpiSeconds(r.minMs);
    case 'avg':
      return kpiSeconds(r.avgMs);
    case 'p95':
      return kpiSeconds(r.p95Ms);
    case 'max':
      return kpiSeconds(r.maxMs);
    case 'to':
      return r.timeouts ? String(r.timeouts) : '';
    case 'cmin':
      return r.certified === null ? '—' : sec(r.certified?.minS);
    case 'cavg':
      return r.certified === null ? '' : sec(r.certified?.avgS);
    case 'cmax':
      return r.certified === null ? '' : sec(r.certified?.maxS);
    case 'decl':
      return r.certified === null ? '' : sec(r.certified?.declaredMaxS);
    case 'verdict':
      return r.verdict ?? '';
    case 'dist':
      return '';
  }
}

function cellColor(key: ColKey, r: KpiRow): string | undefined {
  if (key === 'verdict') return r.verdict ? VERDICT_COLOR[r.verdict] : undefined;
  if (key === 'max' && r.verdict === 'exceeds_declared_max') return 'red';
  if (key === 'p95' && r.verdict === 'slower_than_certified') return 'yellow';
  if (key === 'cmin' || key === 'cavg' || key === 'cmax' || key === 'decl') return 'cyan';
  return undefined;
}

/** `── field ─────` over the field columns, `── certified ──` over the certified ones. */
function spanLine(cols: Col[]): string {
  let out = '';
  let i = 0;
  while (i < cols.length) {
    const span = cols[i]!.span;
    let w = cols[i]!.width;
    let j = i + 1;
    while (span && j < cols.length && cols[j]!.span === span) w += 1 + cols[j++]!.width;
    out += (i > 0 ? ' ' : '') + (span ? `── ${span} `.padEnd(w, '─').slice(0, w) : ' '.repeat(w));
    i = j;
  }
  return out.trimEnd();
}

function GroupHeader({ group }: { group: KpiGroup }) {
  const p = group.profile;
  return (
    <Text wrap="truncate-end">
      <Text bold>{group.identity}</Text>
      {p === null && <Text dimColor> · no certified profile binds it</Text>}
      {p && (
        <Text color="cyan">
          {' · '}
          {p.name}
          {p.product && p.product !== p.name ? ` · ${p.product}` : ''}
          {p.certificateNumber ? ` · ${p.certificateNumber}` : ''}
          {p.via ? <Text dimColor> · by {p.via}</Text> : null}
        </Text>
      )}
    </Text>
  );
}

type Line = { group: KpiGroup } | { row: KpiRow; index: number };

export function KpiScreen({ width, rows, cursor: at }: { width: number; rows: number; cursor: number }) {
  const store = useViewStore();
  const table = store.kpiTable();
  const cols = kpiColumns(width, table.certified);
  const kpiWidth = cols[0]!.width;
  const lines: Line[] = [];
  let index = 0;
  for (const group of table.groups) {
    lines.push({ group });
    for (const row of group.rows) lines.push({ row, index: index++ });
  }
  const cursor = Math.min(at, Math.max(0, table.rows.length - 1));
  const cursorLine = lines.findIndex((l) => 'row' in l && l.index === cursor);
  // Below the title: the column header (two lines with the certified columns), then the lines that fit.
  const panel = rows >= PANEL_MIN_ROWS;
  const visible = Math.max(1, rows - (table.certified ? 2 : 1) - (panel ? PANEL_LINES : 0));
  const selected = table.rows[cursor];
  let top = Math.max(0, cursorLine - visible + 1);
  // Keep the cursor row's station header in view when the row is the first of its group.
  if (top > 0 && top === cursorLine && 'group' in lines[top - 1]!) top--;
  const right = `${store.kpiApi === undefined ? 'no KPI engine on this proxy' : 'KPI engine'}${table.certified ? ' · certified profiles' : ''}`;
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={`KPIs ${table.rows.length}`} focused width={width} right={right} />
      {table.certified && (
        <Text dimColor wrap="truncate-end">
          {spanLine(cols)}
        </Text>
      )}
      <Text dimColor wrap="truncate-end">
        {cols.map((c) => cell(c.title, c.width, c.align)).join(' ')}
      </Text>
      {lines.length === 0 && <Text dimColor>  no KPI measured yet (they come from CALLs answered by the station, remote starts, triggers)</Text>}
      {lines.slice(top, top + visible).map((l) =>
        'group' in l ? (
          <GroupHeader key={`g/${l.group.identity}`} group={l.group} />
        ) : (
          <Text key={`${l.row.identity}/${l.row.kpi}`} inverse={l.index === cursor} dimColor={l.row.count === 0 && l.row.timeouts === 0 && !l.row.verdict} wrap="truncate-end">
            {cols.map((c, i) => (
              <Fragment key={c.key}>
                {i > 0 ? ' ' : ''}
                {c.key === 'dist' ? (
                  <KpiSparkCell values={store.kpiHistory.values(l.row.identity, l.row.kpi)} row={l.row} width={c.width} />
                ) : (
                  <Text color={cellColor(c.key, l.row)}>{cell(cellText(c.key, l.row, kpiWidth), c.width, c.align)}</Text>
                )}
              </Fragment>
            ))}
          </Text>
        ),
      )}
      {panel && lines.length > 0 && (
        <Box flexDirection="column" marginTop={Math.max(0, visible - Math.min(visible, lines.length - top))}>
          <KpiDistributionPanel row={selected} values={selected ? store.kpiHistory.values(selected.identity, selected.kpi) : []} width={width} />
        </Box>
      )}
    </Box>
  );
}
