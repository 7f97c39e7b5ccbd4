/**
 * Distributions in the terminal: the block charts themselves, the KPI screen's histogram beside the certified
 * figures (band marked), and the station table's latency sparkline, drawn by Ink into ink-testing-library.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bandLine, histogram, histogramLine, histogramRange, inBand, sparkline } from '../../tui/sparkline.js';
import { LatencyHistory } from '../../tui/kpi-history.js';
import { boundStation, kpiSummaryRow, profileSummary } from '../support/control-views.js';
import { call, result, session } from './records.js';

// Colour and underline are part of what is tested: Ink's chalk decides on them when it loads (see kpi-screen.test).
process.env.FORCE_COLOR = '1';
const { cleanup } = await import('ink-testing-library');
const { renderApp } = await import('../support/view-rig.js');

afterEach(() => cleanup());

function setup(size: { columns: number; rows: number }) {
  return renderApp({ size });
}

describe('block charts', () => {
  test('sparkline: eight heights scaled to the largest, gaps blank', () => {
    assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8]), '▁▁▂▃▄▅▆▇█');
    assert.equal(sparkline([null, 10, null, 5]), ' █ ▄');
    assert.equal(sparkline([5, 5], 40), '▁▁', 'a shared scale keeps small values small');
    assert.equal(sparkline([]), '');
  });

  test('histogram over [0, hi]; values beyond hi land in the last bin', () => {
    assert.deepEqual(histogram([0, 1, 9.9, 10, 50], 10, 10), [1, 1, 0, 0, 0, 0, 0, 0, 0, 3]);
    assert.equal(histogramLine([0, 1, 4, 0]), ' ▂█ ');
  });

  test('the certified band and the declared maximum under the histogram', () => {
    const band = { minS: 0.2, maxS: 0.6, declaredMaxS: 0.9 };
    const hi = histogramRange([100, 500], band);
    assert.equal(hi, 918, 'a declared maximum near the field is inside the range (×1.02)');
    assert.equal(bandLine(10, 1000, band), '  [───]  |');
    assert.deepEqual(inBand(10, 1000, band), [false, false, true, true, true, true, true, false, false, false]);
    assert.equal(bandLine(10, 1000, { minS: null, maxS: 0.3, declaredMaxS: 30 }), '[──]     ›', 'a far declared maximum is an arrow at the edge');
    assert.equal(Math.round(histogramRange([100], { minS: 0.1, maxS: 0.2, declaredMaxS: 30 })), 220, 'a far declared maximum does not squash the histogram');
  });

  test('latency history: the slowest answer per 10 s slot, the last slots up to now', () => {
    const h = new LatencyHistory();
    const now = 1_000_005_000; // mid-slot
    h.add('s', now - 25_000, 40);
    h.add('s', now - 21_000, 90);
    h.add('s', now - 1_000, 10);
    assert.deepEqual(h.series('s', now, 4), [null, 90, null, 10]);
    assert.deepEqual(h.series('other', now, 2), [null, null]);
  });
});

/** Alpitronic HYC 400 US as certified (F01.OCA.0201.0108.CS), in seconds. */
const HYC400 = {
  response_time: { declaredMaxS: 30, minS: 0.08, maxS: 0.97, avgS: 0.13 },
  triggered_function: null,
  remote_start_authorization: null,
  remote_stop_end: null,
};

describe('KPI screen histograms', () => {
  test('beside the figures, the certified band underlined, bins above the certified maximum yellow; a panel for the selected KPI', async () => {
    const { store, waitFor, press, raw } = setup({ columns: 140, rows: 30 });
    store.profilesBound = [boundStation({ station: 'HYC-7', profile: profileSummary({ name: 'hyc400', product: 'Hypercharger HYC 400 US' }), via: 'identity', kpis: HYC400 })];
    // 20 answers within the band, 3 slower than the lab measured: the engine's figures, and the samples on the stream.
    const values = [...Array.from({ length: 20 }, (_, i) => 100 + i * 20), 1300, 1400, 1500];
    store.kpiApi = [kpiSummaryRow({ station: 'HYC-7', kpi: 'response_time', count: 23, min: 100, avg: 500, p95: 1400, max: 1500, last: 1500 })];
    for (const v of values) {
      store.ingest({ type: 'kpi', sample: { kpi: 'response_time', sessionId: 's', identity: 'HYC-7', version: '2.0.1', action: 'GetVariables', endAction: 'GetVariables', messageId: 'x', valueMs: v, timedOut: false, at: 0 } });
    }
    store.changed();
    await press('2');
    const f = await waitFor('the histogram', (s) => s.includes('distribution') && s.includes('last 23 values'));
    const row = f.split('\n').find((l) => /^response_time\s+23\b/.test(l));
    assert.ok(row, f);
    const bars = row.slice(row.lastIndexOf('  ') + 1).trim();
    assert.match(bars, /^[▁-█ ]+$/, `a histogram ends the row: ${row}`);
    // The panel: range 0–1650 ms (1.1 × the slowest), the band from 80 to 970 ms in words and as [──].
    assert.match(f, /^HYC-7 · response_time · last 23 values seen live\s*$/m);
    assert.match(f, /^0 [▁-█ ]+ 1650ms\s*$/m);
    assert.match(f, /^ {4}\[─{32}\] +› \[80ms–970ms\] certified, \| declared 30\.0s\s*$/m, 'the declared 30 s lies beyond the range: › at the edge');
    // SGR 4 underline marks the band, 33 yellow the bins past the certified maximum.
    assert.match(raw(), /\u001B\[4m(\u001B\[\d+m)*[▁-█]/, 'bins in the band underlined');
    assert.match(raw(), /\u001B\[33m[^\u001B]*[▁-█]/, 'bins past the certified maximum yellow');
  });
});

describe('station latency sparkline', () => {
  test('s swaps the last latency for the slowest answer per 10 s of the last minutes, one scale for all stations', async () => {
    const { store, waitFor, press } = setup({ columns: 120, rows: 30 });
    store.ingest({ type: 'session-open', session: session('CP-1') });
    store.ingest({ type: 'session-open', session: session('CP-2') });
    const nowUs = Date.now() * 1000;
    // CP-1 answered in 50 ms a minute ago and in 400 ms just now; CP-2 in 40 ms just now.
    const answer = (id: string, agoS: number, latencyMs: number) => {
      const c = call(id, 'Heartbeat', {}, { receivedAt: nowUs - agoS * 1e6 - 1000 });
      store.ingest({ type: 'message', message: c });
      store.ingest({ type: 'message', message: result(c, { currentTime: new Date().toISOString() }, { receivedAt: nowUs - agoS * 1e6, latencyMs }) });
    };
    answer('CP-1', 60, 50);
    answer('CP-1', 0, 400);
    answer('CP-2', 0, 40);
    const before = await waitFor('the stations', (s) => s.includes('CP-2'));
    assert.match(before, /latency/);
    await press('s');
    const f = await waitFor('the sparkline', (s) => /5m ≤400ms/.test(s));
    const line = (id: string) => f.split('\n').find((l) => l.startsWith(id))!;
    // 30 slots of 10 s: the last is now; CP-1's 50 ms six slots before it (lowest block), its 400 ms the highest.
    assert.match(line('CP-1'), / {23}▁ {5}█ /, line('CP-1'));
    assert.match(line('CP-2'), / {29}▁ /, 'CP-2 on the same scale: 40 ms of 400 is the lowest block');
    // In 80 columns: 2 minutes (12 slots), and the row still fits.
    await press('s');
    await waitFor('the last latency again', (s) => /latency/.test(s) && !/5m ≤/.test(s));
    const narrow = setup({ columns: 80, rows: 24 });
    narrow.store.ingest({ type: 'session-open', session: session('CP-3') });
    const c = call('CP-3', 'Heartbeat', {}, { receivedAt: nowUs - 1000 });
    narrow.store.ingest({ type: 'message', message: c });
    narrow.store.ingest({ type: 'message', message: result(c, {}, { receivedAt: nowUs, latencyMs: 30 }) });
    narrow.store.toggleLatencySparkline();
    const n = await narrow.waitFor('the narrow sparkline', (s) => /2m ≤30ms/.test(s));
    for (const l of n.split('\n')) assert.ok([...l].length <= 80, `too wide: ${l}`);
    assert.match(n.split('\n').find((l) => l.startsWith('CP-3'))!, / {11}█\s+0$/, 'the newest slot last, then the error count, uncut');
  });
});
