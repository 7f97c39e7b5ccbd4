/** The frames, newest at the bottom. Only the rows that fit are rendered, whatever the buffer holds. */
import { Box, Text } from 'ink';
import { memo, useMemo } from 'react';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { arrow, bytes, cell, clock, flags, KIND_SHORT, ms } from '../format.js';
import { useViewStore } from '../use-view-store.js';
import { PaneTitle } from './pane-title.js';

export interface TrafficColumns {
  /** 12 = HH:MM:SS.mmm; 8 = HH:MM:SS on narrow terminals. */
  time: number;
  station: number;
  action: number;
  id: number;
  /** 0 = hidden (narrow terminal). */
  size: number;
  rule: number;
}

/** Column widths for a terminal `width` wide: on narrow ones the milliseconds and the size go first. */
export function trafficColumns(width: number): TrafficColumns {
  const narrow = width < 100;
  const time = narrow ? 8 : 12;
  const size = narrow ? 0 : 5;
  const fixed = time + 1 + 4 + 7 + 5 + size; // time, arrow, kind, latency, flags, size
  const seps = narrow ? 8 : 9;
  let flex = Math.max(20, width - fixed - seps);
  const station = clamp(Math.floor(flex * 0.25), 8, 18);
  const id = clamp(Math.floor(flex * 0.18), 6, 14);
  flex -= station + id;
  const action = clamp(Math.floor(flex * 0.6), 16, 30);
  const rule = flex - action;
  if (rule < 6) return { time, station, id, size, action: action + Math.max(0, rule), rule: 0 };
  return { time, station, id, size, action, rule: Math.min(rule, 30) };
}

export function TrafficPane({ width, rows }: { width: number; rows: number }) {
  const store = useViewStore();
  const { rows: records, first, selected } = store.visibleRows(rows);
  const focused = store.focus === 'traffic' && store.screen === 'live';
  const cols = useMemo(() => trafficColumns(width), [width]);
  const count = store.viewCount;
  const total = store.records.length;
  const title = store.filter.empty ? `Traffic ${count}` : `Traffic ${count}/${total}  filter: ${store.filter.text}`;
  const pos = count > 0 && selected >= 0 ? `${selected + 1}/${count}` : '';
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={title} focused={focused} width={width} right={pos} />
      <Text dimColor wrap="truncate-end">
        {cell('time', cols.time)} {' '} {cell('station', cols.station)} {cell('type', 4)} {cell('action', cols.action)} {cell('id', cols.id)} {cell('latency', 7, 'right')}
        {cols.size > 0 ? ' ' + cell('size', cols.size, 'right') : ''} {cell('flags', 5)}
        {cols.rule > 0 ? ' ' + cell('rule', cols.rule) : ''}
      </Text>
      {records.length === 0 && <Text dimColor>{store.filter.empty ? '  waiting for frames…' : '  no frame matches the filter'}</Text>}
      {records.map((r, i) => (
        <TrafficRow key={`${r.seq}:${r.sessionId}`} r={r} cols={cols} selected={first + i === selected} />
      ))}
      {Array.from({ length: Math.max(0, rows - Math.max(1, records.length)) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
    </Box>
  );
}

const TrafficRow = memo(function TrafficRow({ r, cols, selected }: { r: MessageRecord; cols: TrafficColumns; selected: boolean }) {
  const color = !r.valid ? 'red' : r.kind === 'CALLERROR' || r.kind === 'CALLRESULTERROR' ? 'yellow' : r.kind === 'SEND' ? 'cyan' : r.origin !== 'wire' ? 'magenta' : r.modified ? 'blue' : undefined;
  return (
    <Text inverse={selected} color={color} dimColor={r.dropped !== undefined} wrap="truncate-end">
      {clock(r.receivedAt).slice(0, cols.time)} <Text color={r.direction === 'to-csms' ? 'cyan' : 'green'}>{arrow(r)}</Text> {cell(r.identity, cols.station)}{' '}
      {cell(KIND_SHORT[r.kind], 4)} {cell(r.action ?? r.callAction ?? '?', cols.action)} {cell(r.messageId, cols.id)} {cell(ms(r.latencyMs), 7, 'right')}
      {cols.size > 0 ? ' ' + cell(bytes(r.size), cols.size, 'right') : ''} {flags(r)}
      {cols.rule > 0 ? ' ' + cell(r.ruleIds.join(','), cols.rule) : ''}
    </Text>
  );
});

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v));
