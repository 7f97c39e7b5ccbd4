/**
 * The live summary: exact count/min/max/avg over every sample, percentiles over the ring of the last RING_SIZE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KpiSample } from '../../src/kpi/kpi-types.js';
import { KpiBoard, RING_SIZE } from '../../src/kpi/kpi-stats.js';
import { DEFAULT_WINDOWS_MS } from '../../src/kpi/index.js';

const sample = (valueMs: number | null, at: number): KpiSample => ({
  kpi: 'response_time',
  sessionId: 's1',
  identity: 'CP-1',
  version: '1.6',
  action: 'GetConfiguration',
  endAction: valueMs === null ? '' : 'CALLRESULT',
  messageId: String(at),
  valueMs,
  timedOut: valueMs === null,
  at,
});

test('percentiles come from the last RING_SIZE values, the rest from every value', () => {
  const board = new KpiBoard(DEFAULT_WINDOWS_MS);
  // A shuffled spread of values so the ring's wrap-around and sorting both matter.
  const values = Array.from({ length: RING_SIZE * 3 + 17 }, (_, i) => ((i * 7919) % 5000) / 7 + 0.125);
  values.forEach((v, i) => board.record(sample(v, i)));
  board.record(sample(null, values.length));

  const row = board.summary().find((r) => r.kpi === 'response_time')!;
  const recent = values.slice(-RING_SIZE).sort((a, b) => a - b);
  const rank = (p: number) => recent[Math.ceil((p / 100) * recent.length) - 1]!;
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  assert.equal(row.count, values.length);
  assert.equal(row.timeouts, 1);
  assert.equal(row.min, r3(Math.min(...values)));
  assert.equal(row.max, r3(Math.max(...values)));
  assert.equal(row.avg, r3(values.reduce((a, b) => a + b, 0) / values.length));
  assert.equal(row.p50, r3(rank(50)));
  assert.equal(row.p95, r3(rank(95)));
  assert.equal(row.p99, r3(rank(99)));
  assert.equal(row.percentileOf, RING_SIZE);
  assert.equal(row.last, null, 'the most recent sample timed out');
  assert.equal(row.lastAt, values.length);
});

test('a station seen but not measured has a row per KPI with no figures', () => {
  const board = new KpiBoard(DEFAULT_WINDOWS_MS);
  board.touch('CP-IDLE', '2.0.1');
  const rows = board.summary((id) => id === 'CP-IDLE');
  assert.equal(rows.length, 5);
  for (const r of rows) {
    assert.equal(r.count, 0);
    assert.equal(r.p95, null);
    assert.equal(r.windowMs, DEFAULT_WINDOWS_MS[r.kpi]);
  }
});
