/** Connected stations: identity, OCPP version, TLS/profile, state, frame counts, last latency, errors. */
import { Box, Text } from 'ink';
import { cell, ms } from '../format.js';
import { LATENCY_SLOT_MS, LATENCY_SLOTS } from '../kpi-history.js';
import { sparkline } from '../sparkline.js';
import { sortLabel } from '../station-sort.js';
import { useViewStore } from '../use-view-store.js';
import type { StationRow } from '../view-store.js';
import { PaneTitle } from './pane-title.js';

const COLS = { ver: 10, tls: 13, state: 11, msgs: 13, lat: 8, err: 5 };
/** Fleet view: the column naming the proxy a station is on. */
const PROXY_COL = 14;

/** With the latency sparkline on (key s): one block per 10 s slot, the full 5 minutes when the width allows (2 in 80). */
const sparkSlots = (width: number): number => (width >= 110 ? LATENCY_SLOTS : width >= 90 ? LATENCY_SLOTS / 2 : 12);

export function StationsPane({ width, rows }: { width: number; rows: number }) {
  const store = useViewStore();
  const list = store.stationList();
  const focused = store.focus === 'stations';
  const fleet = list.some((r) => r.instance !== undefined);
  const slots = store.latencySparkline ? sparkSlots(width) : 0;
  const latWidth = store.latencySparkline ? slots : COLS.lat;
  const idWidth = Math.min(28, Math.max(8, width - Object.values(COLS).reduce((a, b) => a + b + 1, 0) - (latWidth - COLS.lat) - 1 - (fleet ? PROXY_COL + 1 : 0)));
  // One scale for every row, so a station slower than its siblings shows taller blocks.
  const now = Date.now();
  const series = new Map(list.map((r) => [r.info.id, slots ? store.latency.series(r.info.id, now, slots) : []]));
  const top = Math.max(0, ...[...series.values()].flat().filter((v): v is number => v !== null));
  const latTitle = store.latencySparkline ? `${(slots * LATENCY_SLOT_MS) / 60_000}m ≤${ms(top) || '-'}` : 'latency';
  const cursor = Math.min(store.stationCursor, Math.max(0, list.length - 1));
  const first = Math.max(0, Math.min(cursor - rows + 1, list.length - rows));
  const visible = list.slice(first, first + rows);
  const open = list.filter((r) => r.open).length;
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle
        title={`Stations ${open} open`}
        focused={focused}
        width={width}
        right={`${sortLabel(store.stationSort)}${list.length > rows ? `  ${scrollHint(first, rows, list.length)}` : ''}`}
      />
      <Text dimColor wrap="truncate-end">
        {cell('identity', idWidth)} {fleet ? `${cell('proxy', PROXY_COL)} ` : ''}{cell('version', COLS.ver)} {cell('tls/profile', COLS.tls)} {cell('state', COLS.state)} {cell('↑ / ↓', COLS.msgs, 'right')} {cell(latTitle, latWidth, store.latencySparkline ? 'left' : 'right')} {cell('err', COLS.err, 'right')}
      </Text>
      {visible.length === 0 && <Text dimColor>  no station connected yet</Text>}
      {visible.map((row, i) => (
        <StationLine
          key={row.info.id}
          row={row}
          idWidth={idWidth}
          fleet={fleet}
          selected={focused && first + i === cursor}
          spark={store.latencySparkline ? sparkline(series.get(row.info.id) ?? [], top) : undefined}
        />
      ))}
      {Array.from({ length: Math.max(0, rows - Math.max(1, visible.length)) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
    </Box>
  );
}

function StationLine({ row, idWidth, fleet, selected, spark }: { row: StationRow; idWidth: number; fleet: boolean; selected: boolean; spark: string | undefined }) {
  const { info, counters: c } = row;
  const version =
    info.stationVersion && info.csmsVersion && info.stationVersion !== info.csmsVersion
      ? `${info.stationVersion}→${info.csmsVersion}`
      : (info.stationVersion ?? info.csmsVersion ?? '?');
  const tls = `SP${info.securityProfile} ${info.tls ? info.tls.version.replace('TLSv', 'TLS') : 'ws'}`;
  const state = row.open ? 'open' : `closed ${row.close?.code ?? ''}`;
  const errors = (c?.invalid ?? 0) + (c?.callErrors ?? 0);
  return (
    <Text inverse={selected} wrap="truncate-end">
      <Text bold={row.open} dimColor={!row.open}>
        {cell(info.identity, idWidth)}
      </Text>{' '}
      {fleet ? `${cell(row.instance ?? '', PROXY_COL)} ` : ''}
      {cell(version, COLS.ver)} {cell(tls, COLS.tls)} <Text color={row.open ? 'green' : 'gray'}>{cell(state, COLS.state)}</Text>{' '}
      {cell(c ? `${c.toCsms}/${c.toStation}` : '', COLS.msgs, 'right')} {spark !== undefined ? <Text color="cyan">{spark}</Text> : cell(ms(c?.lastLatencyMs), COLS.lat, 'right')}{' '}
      <Text color={errors > 0 ? 'red' : undefined}>{cell(String(errors), COLS.err, 'right')}</Text>
    </Text>
  );
}

/** Which stations are in view and that more are above or below (tab to the pane, then j/k scrolls). */
function scrollHint(top: number, rows: number, total: number): string {
  const above = top;
  const below = Math.max(0, total - top - rows);
  const more = [above > 0 ? `↑${above}` : '', below > 0 ? `↓${below}` : ''].filter(Boolean).join(' ');
  return `${top + 1}-${Math.min(total, top + rows)} of ${total}, ${more} more (tab, j/k)`;
}
