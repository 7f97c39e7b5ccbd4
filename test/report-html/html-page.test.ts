/** The HTML page's markup from a model: what is written as text stays text, and firmware changes are found. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firmwareChanges, bootFirmware, type HtmlReport } from '../../src/store/html/html-model.js';
import { packSamples, renderHtmlReport } from '../../src/store/html/html-page.js';
import { pageData } from './page-data.js';

const hostile = 'CP-</script><script>alert(1)</script>&"\'';

const model: HtmlReport = {
  mode: 'audit',
  title: 'audit',
  generatedAt: '2026-01-01T00:00:00.000Z',
  source: 'data folder ./data',
  kpis: ['response_time'],
  stations: [
    {
      station: hostile,
      profile: 'P (OCA.1)',
      firmwareChanges: [],
      kpis: [{ kpi: 'response_time', field: { count: 1, timeouts: 0, minMs: 5, avgMs: 5, p95Ms: 5, maxMs: 5 }, certified: null, verdict: 'no_data', reason: 'x' }],
      findings: [{ level: 'error', code: 'uncertified_action', message: '<b>m</b>', count: 1, evidence: [{ at: 't', frames: [{ seq: 1, at: 't', direction: 'to-station', kind: 'CALL', action: 'Reset', messageId: '1', text: '[2,"1","Reset",{"type":"</script>"}]' }] }] }],
    },
  ],
  samples: [{ station: hostile, kpi: 'response_time', at: 1, valueMs: 5, messageId: '1' }],
};

test('station names, messages and frame texts cannot break out of the markup or the data script', () => {
  const html = renderHtmlReport(model);
  assert.equal(html.match(/<script>alert/g), null, 'no injected script element');
  assert.ok(!html.includes('<b>m</b>'), 'a message is text, not markup');
  const data = pageData(html);
  assert.equal(data.stations[0]!.station, hostile, 'the name survives as data');
  assert.deepEqual(data.samples, [{ station: hostile, kpi: 'response_time', at: 0, valueMs: 5 }], 'samples packed and back; message ids stay out');
  // Never hand the whole page to assert as the actual value: its diff of half a megabyte stalls the runner.
  assert.ok(html.includes("document.getElementById('report-data')"), 'the report script is inlined');
  assert.ok(!/src="http/.test(html) && !/href="http/.test(html), 'nothing loaded from the network');
});

test('firmware changes: 1.6 and 2.0.1 BootNotifications, repeats folded, answers and bad text ignored', () => {
  const boot = (identity: string, at: number, payload: unknown, kind = 'CALL') => ({
    identity, kind, action: 'BootNotification', direction: 'to-csms' as const, receivedAt: at * 1000, text: JSON.stringify([2, 'x', 'BootNotification', payload]),
  });
  const frames = [
    boot('A', 3, { chargePointVendor: 'v', chargePointModel: 'm', firmwareVersion: '2.0' }),
    boot('A', 1, { chargePointVendor: 'v', chargePointModel: 'm', firmwareVersion: '1.0' }),
    boot('A', 2, { chargePointVendor: 'v', chargePointModel: 'm', firmwareVersion: '1.0' }),
    boot('B', 1, { reason: 'PowerUp', chargingStation: { vendorName: 'v', model: 'm', firmwareVersion: 'b1' } }),
    boot('B', 2, { reason: 'PowerUp', chargingStation: { vendorName: 'v', model: 'm' } }),
    { ...boot('C', 1, {}), text: '[2,"x","BootNotification",' },
  ];
  const out = firmwareChanges(frames);
  assert.deepEqual(out.get('A'), [{ at: 1, firmware: '1.0', from: '' }, { at: 3, firmware: '2.0', from: '1.0' }]);
  assert.deepEqual(out.get('B'), [{ at: 1, firmware: 'b1', from: '' }]);
  assert.equal(out.get('C'), undefined);
  assert.equal(bootFirmware('[3,"x",{"firmwareVersion":"1"}]'), undefined, 'an answer states no firmware');
});

test('samples packed by column: names and KPIs as indexes, ms after the first, values to 0.1 ms, timeouts null', () => {
  const at = 1_700_000_000_000_000;
  const p = packSamples([
    { station: 'A', kpi: 'response_time', at, valueMs: 12.345, messageId: '' },
    { station: 'B', kpi: 'response_time', at: at + 2_500_000, valueMs: null, messageId: '' },
    { station: 'A', kpi: 'remote_stop_end', at: at + 1_000, valueMs: 3, messageId: '' },
  ]);
  assert.deepEqual(p, { names: ['A', 'B'], kpis: ['response_time', 'remote_stop_end'], t0: 1_700_000_000_000, s: [0, 1, 0], k: [0, 0, 1], t: [0, 2500, 1], v: [12.3, null, 3] });
});
