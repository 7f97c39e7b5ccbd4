/**
 * The KPI screen beside certified profiles, rendered with ink-testing-library: KPI engine rows (GET /api/kpis) and
 * bound-profile rows (GET /api/profiles/bound) go into a real view store, and the drawn frame must show the
 * certified figures and the audit's verdict words, coloured, in 120 columns and in 80×24.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ViewStore } from '../../tui/view-store.js';
import { boundStation, kpiSummaryRow, profileSummary } from '../support/control-views.js';

// The verdict's colour is part of what is tested: Ink's chalk decides on colours when it loads, and without a
// terminal it decides against them. Each test file runs in its own process, so this reaches no other test.
process.env.FORCE_COLOR = '1';
const { cleanup } = await import('ink-testing-library');
const { kpiColumns } = await import('../../tui/components/kpi-screen.js');
const { renderApp } = await import('../support/view-rig.js');


function setup(size: { columns: number; rows: number }) {
  const { store, raw, frame, waitFor, press } = renderApp({ size });
  return { store, raw, frame, waitFor, press };
}

/** Alpitronic HYC 400 US as certified (F01.OCA.0201.0108.CS), in seconds. */
const HYC400 = {
  response_time: { declaredMaxS: 30, minS: 0.08, maxS: 0.97, avgS: 0.13 },
  triggered_function: { declaredMaxS: 30, minS: 0.22, maxS: 4.14, avgS: 1.25 },
  remote_start_authorization: { declaredMaxS: 30, minS: 0.21, maxS: 0.59, avgS: 0.43 },
  remote_stop_end: { declaredMaxS: 30, minS: 0.23, maxS: 0.42, avgS: 0.3 },
};

/** A row as the KPI engine serves it (ms). */
const engineRow = (station: string, kpi: string, count: number, p95: number | null, max: number | null, timeouts = 0) =>
  kpiSummaryRow({
    station,
    kpi,
    count,
    timeouts,
    min: p95 === null ? null : p95 / 2,
    avg: p95 === null ? null : p95 * 0.8,
    p50: p95,
    p95,
    p99: p95,
    max,
  });

/**
 * HYC-7 is bound to HYC 400 US: its response time is slower than the lab measured, its triggered messages
 * within, a remote start over the declared 30 s, no remote stop yet. CP-9 is bound to nothing.
 */
function feed(store: ViewStore): void {
  store.kpiApi = [
    engineRow('HYC-7', 'response_time', 4, 1100, 1200, 1),
    engineRow('HYC-7', 'csms_response_time', 2, 40, 50),
    engineRow('HYC-7', 'triggered_function', 2, 300, 400),
    engineRow('HYC-7', 'remote_start_authorization', 1, 31_000, 31_000),
    engineRow('CP-9', 'response_time', 3, 20, 30),
  ];
  store.profilesBound = [
    boundStation({ station: 'CP-9' }),
    boundStation({
      station: 'HYC-7',
      boot: { vendor: 'Alpitronic', model: 'HYC 400 US' },
      profile: profileSummary({ name: 'hyc400', file: '/p/hyc400.json', product: 'Hypercharger HYC 400 US', certificateNumber: 'F01.OCA.0201.0108.CS' }),
      via: 'boot',
      source: 'bindings.yaml#2',
      kpis: HYC400,
    }),
  ];
  store.changed();
}

afterEach(() => cleanup());

describe('KPI screen beside certified profiles', () => {
  test('field figures, certified min/avg/max, declared max and the audit\'s verdict per station and KPI', async () => {
    const { store, waitFor, press, raw } = setup({ columns: 120, rows: 30 });
    feed(store);
    await press('2');
    const f = await waitFor('the certified columns', (s) => s.includes('slower_than_certified'));
    assert.match(f, /KPIs 6 .* KPI engine · certified profiles ─/, 'remote_stop_end of the bound station is listed though never measured');
    assert.match(f, /── field ─+ ── certified ─+/);
    assert.match(f, /^kpi\s+n\s+min\s+avg\s+p95\s+max\s+t\/o\s+min\s+avg\s+max\s+decl\s+verdict\s*$/m);
    assert.match(f, /^HYC-7 · hyc400 · Hypercharger HYC 400 US · F01\.OCA\.0201\.0108\.CS · by boot\s*$/m);
    // field n, min, avg, p95, max, t/o | certified min, avg, max, declared max | verdict
    assert.match(f, /^response_time\s+4\s+0\.550s\s+0\.880s\s+1\.100s\s+1\.200s\s+1\s+0\.080s\s+0\.130s\s+0\.970s\s+30\.00s\s+slower_than_certified\s*$/m);
    assert.match(f, /^triggered_function\s+2\s+0\.150s\s+0\.240s\s+0\.300s\s+0\.400s\s+0\.220s\s+1\.250s\s+4\.140s\s+30\.00s\s+within_certified\s*$/m);
    assert.match(f, /^remote_start_authorization\s+1\s+15\.50s\s+24\.80s\s+31\.00s\s+31\.00s\s+0\.210s\s+0\.430s\s+0\.590s\s+30\.00s\s+exceeds_declared_max\s*$/m);
    assert.match(f, /^remote_stop_end\s+0\s+0\.230s\s+0\.300s\s+0\.420s\s+30\.00s\s+no_data\s*$/m);
    assert.match(f, /^csms_response_time\s+2\s+0\.020s\s+0\.032s\s+0\.040s\s+0\.050s\s*$/m, 'certificates do not measure it: no certified figures, no verdict');
    assert.match(f, /^CP-9 · no certified profile binds it\s*$/m);
    assert.match(f.split('CP-9')[1]!, /^response_time\s+3\s+0\.010s\s+0\.016s\s+0\.020s\s+0\.030s\s*$/m, 'an unbound station: field figures only');
    // Verdicts in colour (Ink writes them as SGR codes): red, yellow, green.
    const coloured = (code: number, word: string) => new RegExp(`\\u001B\\[${code}m${word}`).test(raw());
    assert.ok(coloured(31, 'exceeds_declared_max'), 'exceeds_declared_max is red');
    assert.ok(coloured(33, 'slower_than_certified'), 'slower_than_certified is yellow');
    assert.ok(coloured(32, 'within_certified'), 'within_certified is green');
  });

  test('80×24: every certified column and whole verdict words fit; the cursor scrolls through many stations', async () => {
    const { store, waitFor, press } = setup({ columns: 80, rows: 24 });
    feed(store);
    await press('2');
    const f = await waitFor('the verdicts', (s) => s.includes('exceeds_declared_max'));
    const lines = f.split('\n');
    assert.ok(lines.length <= 23, `${lines.length} lines`);
    for (const l of lines) assert.ok([...l].length <= 80, `too wide (${[...l].length}): ${l}`);
    assert.match(f, /^response\s+4\s+1\.100s\s+1\.200s\s+0\.080s\s+0\.130s\s+0\.970s\s+30\.00s\s+slower_than_certified\s*$/m, 'short KPI names, no cut');
    assert.match(f, /^rem\. start\s+1\s+31\.00s\s+31\.00s\s+0\.210s\s+0\.430s\s+0\.590s\s+30\.00s\s+exceeds_declared_max\s*$/m);
    assert.match(f, /q quit/);

    // Ten bound stations: more rows than the screen; G goes to the last, whose station header stays visible.
    store.kpiApi = Array.from({ length: 10 }, (_, i) => engineRow(`HYC-${i}`, 'response_time', 1, 100, 100));
    store.profilesBound = Array.from({ length: 10 }, (_, i) =>
      boundStation({ station: `HYC-${i}`, profile: profileSummary({ name: 'hyc400', product: 'Hypercharger HYC 400 US' }), via: 'identity', kpis: HYC400 }),
    );
    store.changed();
    await waitFor('the fleet', (s) => s.includes('KPIs 40'));
    await press('G');
    const end = await waitFor('the last station', (s) => s.includes('HYC-9 · hyc400'));
    assert.doesNotMatch(end, /HYC-0 · /, 'scrolled');
    assert.match(end, /^rem\. stop\s+0\s+0\.230s\s+0\.300s\s+0\.420s\s+30\.00s\s+no_data\s*$/m);
  });

  test('columns: certified ones only when the proxy binds profiles; extra field columns as room allows', () => {
    const keys = (w: number, c: boolean) => kpiColumns(w, c).map((col) => col.key).join(' ');
    assert.equal(keys(80, true), 'kpi n p95 max cmin cavg cmax decl verdict');
    assert.equal(keys(95, true), 'kpi n avg p95 max to cmin cavg cmax decl verdict');
    assert.equal(keys(80, false), 'kpi n min avg p95 max to dist', 'the histogram column when room allows');
    assert.equal(keys(130, true), 'kpi n min avg p95 max to cmin cavg cmax decl verdict dist');
    assert.equal(keys(120, true), 'kpi n min avg p95 max to cmin cavg cmax decl verdict', 'no histogram while the KPI names would drop below 20 columns');
    for (const w of [80, 100, 120, 200]) {
      const width = kpiColumns(w, true).reduce((s, c) => s + c.width, 0) + kpiColumns(w, true).length - 1;
      assert.ok(width <= w, `${width} columns in ${w}`);
    }
  });
});
