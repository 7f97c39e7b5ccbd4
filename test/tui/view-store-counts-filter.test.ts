/**
 * The live view's store: a short connection's frame counts come from the event stream, not only from the proxy's
 * counters polled every second (a station that sent 30 frames and closed between two polls showed 0/0); a filter
 * draft that does not parse is never applied, not even what it parsed to a keystroke earlier.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ViewStore } from '../../tui/view-store.js';
import { call, result, session } from './records.js';

const zero = { toCsms: 0, toStation: 0, invalid: 0, callErrors: 0, lastLatencyMs: undefined, ruleHits: 0, lastFrameAt: undefined };

test('a station that sent 30 frames and closed between two polls shows 30 frames', () => {
  const store = new ViewStore({ minNotifyMs: 0 });
  const info = session('SHORT-1');
  store.ingest({ type: 'session-open', session: info });
  store.setSessions([{ ...info, counters: { ...zero } }]); // the poll, just after it connected
  for (let i = 0; i < 15; i++) {
    const c = call('SHORT-1', 'Heartbeat', {});
    store.ingest({ type: 'message', message: c });
    store.ingest({ type: 'message', message: result(c, { currentTime: '2026-01-01T00:00:00Z' }) });
  }
  store.ingest({ type: 'session-close', session: info, close: { code: 1000, reason: '', by: 'station' } as never });
  const row = store.stationList().find((r) => r.info.identity === 'SHORT-1')!;
  assert.equal(row.open, false);
  assert.deepEqual([row.counters?.toCsms, row.counters?.toStation], [15, 15]);
  assert.equal(row.counters?.lastLatencyMs, 12);

  // A view that connected late: the proxy's polled counters know more than the stream brought.
  const late = new ViewStore({ minNotifyMs: 0 });
  const other = session('LONG-1');
  late.setSessions([{ ...other, counters: { ...zero, toCsms: 40, toStation: 39 } }]);
  late.ingest({ type: 'message', message: call('LONG-1', 'Heartbeat', {}) });
  const longRow = late.stationList()[0]!;
  assert.deepEqual([longRow.counters?.toCsms, longRow.counters?.toStation], [40, 39]);
});

test('a filter draft that does not parse is not applied: Enter keeps it open, the list keeps the filter from before', () => {
  const store = new ViewStore({ minNotifyMs: 0 });
  store.applyFilter('station:CP-1');
  store.startFilterEdit();
  store.editFilter('foo');
  assert.equal(store.filter.text, 'foo', 'a draft that parses narrows the list as you type');
  store.editFilter('foo:');
  assert.match(store.filterError, /'foo:' needs a value/);
  assert.equal(store.filter.text, 'station:CP-1', 'not "foo": the draft on its way no longer applies');
  store.editFilter('foo:bar');
  assert.match(store.filterError, /unknown key 'foo:'/);
  assert.equal(store.filter.text, 'station:CP-1');
  store.endFilterEdit(true);
  assert.equal(store.editingFilter, true, 'Enter on an invalid draft keeps the editor open');
  assert.equal(store.filter.text, 'station:CP-1');
  store.endFilterEdit(false);
  assert.equal(store.filter.text, 'station:CP-1');
});

test('KPI figures: one unit (seconds) in every column, never 8000ms beside 30.0s', async () => {
  const { kpiSeconds } = await import('../../tui/format.js');
  assert.deepEqual([90, 8000, 30_000, 125_000].map(kpiSeconds), ['0.090s', '8.000s', '30.00s', '125.0s']);
  assert.equal(kpiSeconds(null), '');
});
