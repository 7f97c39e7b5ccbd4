/** Connected stations: identity, OCPP version, TLS/profile, state, frame counts, last latency, errors. */
import { Box, Text } from 'ink';
import { cell, ms } from '../format.js';
import { useViewStore } from '../use-view-store.js';
import type { StationRow } from '../view-store.js';
import { PaneTitle } from './pane-title.js';

const COLS = { ver: 10, tls: 13, state: 11, msgs: 13, lat: 8, err: 5 };

export function StationsPane({ width, rows }: { width: number; rows: number }) {
  const store = useViewStore();
  const list = store.stationList();
  const focused = store.focus === 'stations';
  const idWidth = Math.min(28, Math.max(8, width - Object.values(COLS).reduce((a, b) => a + b + 1, 0) - 1));
  const cursor = Math.min(store.stationCursor, Math.max(0, list.length - 1));
  const top = Math.max(0, Math.min(cursor - rows + 1, list.length - rows));
  const visible = list.slice(Math.max(0, top), Math.max(0, top) + rows);
  const open = list.filter((r) => r.open).length;
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={`Stations ${open} open`} focused={focused} width={width} right={list.length > rows ? scrollHint(top, rows, list.length) : undefined} />
      <Text dimColor wrap="truncate-end">
        {cell('identity', idWidth)} {cell('version', COLS.ver)} {cell('tls/profile', COLS.tls)} {cell('state', COLS.state)} {cell('↑ / ↓', COLS.msgs, 'right')} {cell('latency', COLS.lat, 'right')} {cell('err', COLS.err, 'right')}
      </Text>
      {visible.length === 0 && <Text dimColor>  no station connected yet</Text>}
      {visible.map((row, i) => (
        <StationLine key={row.info.id} row={row} idWidth={idWidth} selected={focused && top + i === cursor} />
      ))}
      {Array.from({ length: Math.max(0, rows - Math.max(1, visible.length)) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
    </Box>
  );
}

function StationLine({ row, idWidth, selected }: { row: StationRow; idWidth: number; selected: boolean }) {
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
      {cell(version, COLS.ver)} {cell(tls, COLS.tls)} <Text color={row.open ? 'green' : 'gray'}>{cell(state, COLS.state)}</Text>{' '}
      {cell(c ? `${c.toCsms}/${c.toStation}` : '', COLS.msgs, 'right')} {cell(ms(c?.lastLatencyMs), COLS.lat, 'right')}{' '}
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
