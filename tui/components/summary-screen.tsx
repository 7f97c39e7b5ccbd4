/** Counts per action and per error code over the filtered frames in memory (j/k scroll). */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { cell, ms } from '../format.js';
import { summarize } from '../traffic-summary.js';
import { useViewStore } from '../use-view-store.js';
import { PaneTitle } from './pane-title.js';

export function SummaryScreen({ width, rows, cursor: scroll }: { width: number; rows: number; cursor: number }) {
  const store = useViewStore();
  const summary = useMemo(() => summarize(store.filteredRecords()), [store.version]);
  const lines: Array<{ text: string; color?: string; dim?: boolean; bold?: boolean }> = [];
  const actionWidth = Math.min(36, Math.max(16, width - 40));
  lines.push({ text: `${cell('action', actionWidth)} ${cell('calls', 7, 'right')} ${cell('results', 8, 'right')} ${cell('errors', 7, 'right')} ${cell('slowest', 9, 'right')}`, dim: true });
  for (const a of summary.actions) {
    lines.push({
      text: `${cell(a.action, actionWidth)} ${cell(String(a.calls), 7, 'right')} ${cell(String(a.results), 8, 'right')} ${cell(String(a.errors), 7, 'right')} ${cell(ms(a.maxLatencyMs), 9, 'right')}`,
      color: a.errors > 0 ? 'red' : undefined,
    });
  }
  lines.push({ text: '' });
  lines.push({ text: `${cell('error code', actionWidth)} ${cell('count', 7, 'right')}  from`, dim: true });
  if (summary.errors.length === 0) lines.push({ text: 'no errors', dim: true });
  for (const e of summary.errors) {
    lines.push({ text: `${cell(e.code, actionWidth)} ${cell(String(e.count), 7, 'right')}  ${e.source === 'callerror' ? 'CALLERROR sent' : 'schema / framing'}`, color: 'red' });
  }
  const room = Math.max(1, rows - 1);
  const top = Math.min(scroll, Math.max(0, lines.length - room));
  const filter = store.filter.empty ? 'all frames in memory' : `filter ${store.filter.text}`;
  const position = lines.length > room ? `  ${top + 1}-${Math.min(lines.length, top + room)}/${lines.length}` : '';
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={`Summary ${summary.frames} frames`} focused width={width} right={`${filter}${position}`} />
      {lines.slice(top, top + room).map((l, i) => (
        <Text key={i} color={l.color} dimColor={l.dim} bold={l.bold} wrap="truncate-end">
          {'  '}
          {l.text || ' '}
        </Text>
      ))}
    </Box>
  );
}
