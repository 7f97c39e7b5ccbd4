/**
 * Every transaction in memory (newest first): id, station, connector/EVSE, id token, start, stop, energy,
 * duration, state. enter opens the selected one's frames as a sequence timeline (station ↔ proxy ↔ CSMS).
 */
import { Box, Text } from 'ink';
import { useMemo } from 'react';
import { nowMicros } from '../../src/core/types.js';
import { cell, clock } from '../format.js';
import { sequenceRow } from '../sequence-lines.js';
import { durationOf, energyOf, framesOf, sessionSpan, transactionsOf, type Transaction } from '../transactions.js';
import { useViewStore } from '../use-view-store.js';
import { PaneTitle } from './pane-title.js';

const kwh = (wh: number | undefined): string => (wh === undefined ? '' : `${(wh / 1000).toFixed(2)}kWh`);
const minutes = (msValue: number): string => {
  const s = Math.max(0, Math.round(msValue / 1000));
  return s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};

export function TransactionsScreen({ width, rows, cursor: at }: { width: number; rows: number; cursor: number }) {
  const store = useViewStore();
  const txs = useMemo(() => transactionsOf(store.records), [store.version]);
  const cursor = Math.min(at, Math.max(0, txs.length - 1));
  const selected = txs[cursor];
  if (store.txTimeline && store.timelineSession) {
    const identity = store.stations.get(store.timelineSession)?.info.identity ?? store.timelineSession;
    return <Timeline tx={sessionSpan(store.timelineSession, identity)} width={width} rows={rows} />;
  }
  if (store.txTimeline && selected) return <Timeline tx={selected} width={width} rows={rows} />;
  const room = Math.max(1, rows - 2);
  const top = Math.max(0, cursor - room + 1);
  const now = nowMicros();
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={`Transactions ${txs.length}`} focused width={width} right={txs.length > room ? `${cursor + 1}/${txs.length}` : 'enter: timeline'} />
      <Text dimColor wrap="truncate-end">
        {'  '}
        {cell('transaction', 14)} {cell('station', 14)} {cell('conn', 6)} {cell('id token', 12)} {cell('start', 12)} {cell('stop', 12)} {cell('energy', 10, 'right')} {cell('duration', 8, 'right')} state
      </Text>
      {txs.length === 0 && <Text dimColor>  no transaction in the frames in memory</Text>}
      {txs.slice(top, top + room).map((t, i) => (
        <Text key={t.key} inverse={top + i === cursor} wrap="truncate-end">
          {top + i === cursor ? '▸ ' : '  '}
          {cell(t.transactionId, 14)} {cell(t.identity, 14)} {cell(t.evseId !== undefined ? `${t.evseId}/${t.connectorId ?? '-'}` : String(t.connectorId ?? ''), 6)} {cell(t.idToken ?? '', 12)} {cell(clock(t.startedAt), 12)}{' '}
          {cell(t.stoppedAt ? clock(t.stoppedAt) : '', 12)} {cell(kwh(energyOf(t)), 10, 'right')} {cell(minutes(durationOf(t, now)), 8, 'right')}{' '}
          <Text color={t.state === 'active' ? 'green' : 'gray'}>{t.state === 'ended' ? `ended ${t.stopReason ?? ''}` : 'active'}</Text>
        </Text>
      ))}
    </Box>
  );
}

function Timeline({ tx, width, rows }: { tx: Transaction; width: number; rows: number }) {
  const store = useViewStore();
  const frames = useMemo(() => framesOf(tx, store.records).map(sequenceRow), [tx.key, store.version]);
  const room = Math.max(1, rows - 1);
  const top = Math.min(store.txScroll, Math.max(0, frames.length - room));
  const position = frames.length > room ? `${top + 1}-${Math.min(frames.length, top + room)}/${frames.length}  ` : '';
  return (
    <Box flexDirection="column" width={width}>
      <PaneTitle title={tx.transactionId ? `Transaction ${tx.transactionId} · ${tx.identity}` : `Session · ${tx.identity}`} focused width={width} right={`${position}esc: back`} />
      {frames.slice(top, top + room).map((f, i) => (
        <Text key={i} wrap="truncate-end">
          {'  '}
          <Text dimColor>{f.time}</Text> {f.lanes} {cell(f.label, 28)} {cell(f.latency, 7, 'right')} <Text color="magenta">{f.steps}</Text>
        </Text>
      ))}
    </Box>
  );
}
