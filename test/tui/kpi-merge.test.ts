/** The fleet view's KPI rows: a station that moved between proxies has one row per KPI, merged as documented. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeKpiRows } from '../../tui/kpi-view.js';
import { kpiSummaryRow } from '../support/control-views.js';

test('a station measured on two proxies: counts add up, extremes kept, avg weighted, percentiles bounded above', () => {
  const a = kpiSummaryRow({ station: 'CP-1', kpi: 'response_time', count: 3, timeouts: 1, min: 100, avg: 200, max: 300, p95: 300, last: 250, lastAt: 10 });
  const b = kpiSummaryRow({ station: 'CP-1', kpi: 'response_time', count: 1, min: 40, avg: 40, max: 40, p95: 40, last: 40, lastAt: 20, version: '1.6' });
  const other = kpiSummaryRow({ station: 'CP-2', kpi: 'response_time', count: 2, min: 5, avg: 5, max: 5 });
  const rows = mergeKpiRows([[a, other], [b]]);
  assert.equal(rows.length, 2);
  const m = rows.find((r) => r.station === 'CP-1')!;
  assert.deepEqual(
    { count: m.count, timeouts: m.timeouts, min: m.min, max: m.max, avg: m.avg, p95: m.p95, last: m.last, lastAt: m.lastAt, version: m.version },
    { count: 4, timeouts: 1, min: 40, max: 300, avg: 160, p95: 300, last: 40, lastAt: 20, version: '1.6' },
  );
  assert.deepEqual(rows.find((r) => r.station === 'CP-2'), other, 'a station on one proxy keeps its row as served');
  assert.equal(a.count, 3, 'the served rows are not changed');
});
