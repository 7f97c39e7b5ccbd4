/** KPIs per station, each beside the certified maximum when a profile is bound. */
import { Box, Text } from 'ink';
import { cell, ms } from '../format.js';
import { mergeKpis } from '../kpi-view.js';
import { useViewStore } from '../use-view-store.js';
import { PaneTitle } from './pane-title.js';

export function KpiScreen({ width, rows }: { width: number; rows: number }) {
  const store = useViewStore();
  const figures = mergeKpis(store.kpiFigures(), store.kpiApi);
  const idWidth = Math.max(8, Math.min(20, width - 86));
  const cursor = Math.min(store.kpiCursor, Math.max(0, figures.length - 1));
  const top = Math.max(0, cursor - rows + 2);
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={`KPIs ${figures.length}`} focused width={width} right={store.kpiApi === undefined ? 'from live samples' : 'KPI engine + live'} />
      <Text dimColor wrap="truncate-end">
        {cell('station', idWidth)} {cell('kpi', 26)} {cell('n', 5, 'right')} {cell('min', 8, 'right')} {cell('avg', 8, 'right')} {cell('max', 8, 'right')} {cell('t/o', 4, 'right')} {cell('certified', 10, 'right')}
      </Text>
      {figures.length === 0 && <Text dimColor>  no KPI measured yet (they come from CALLs answered by the station, remote starts, triggers)</Text>}
      {figures.slice(top, top + rows - 1).map((f, i) => {
        const over = f.certifiedMaxMs !== undefined && f.maxMs !== undefined && f.maxMs > f.certifiedMaxMs;
        return (
          <Text key={`${f.identity}/${f.kpi}`} inverse={top + i === cursor} dimColor={f.count === 0 && f.timeouts === 0} wrap="truncate-end">
            {cell(f.identity, idWidth)} {cell(f.kpi, 26)} {cell(String(f.count), 5, 'right')} {cell(ms(f.minMs), 8, 'right')} {cell(ms(f.avgMs), 8, 'right')}{' '}
            <Text color={over ? 'red' : undefined}>{cell(ms(f.maxMs), 8, 'right')}</Text> {cell(f.timeouts ? String(f.timeouts) : '', 4, 'right')}{' '}
            <Text color={over ? 'red' : f.certifiedMaxMs !== undefined ? 'green' : 'gray'}>{cell(f.certifiedMaxMs !== undefined ? `≤ ${ms(f.certifiedMaxMs)}` : '—', 10, 'right')}</Text>
            {f.profile ? <Text dimColor> {f.profile}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
