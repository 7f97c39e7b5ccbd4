/** The HTML page's markup from a model: what is written as text stays text, and firmware changes are found. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firmwareChanges, bootFirmware, type HtmlReport } from '../../src/store/html/html-model.js';
import { renderHtmlReport } from '../../src/store/html/html-page.js';

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
  const json = /<script type="application\/json" id="report-data">([^<]*)<\/script>/.exec(html);
  assert.ok(json, 'the data script holds no raw "<"');
  const data = JSON.parse(json[1]!) as { stations: Array<{ station: string }>; samples: Array<Record<string, unknown>> };
  assert.equal(data.stations[0]!.station, hostile, 'the name survives as data');
  assert.deepEqual(Object.keys(data.samples[0]!).sort(), ['at', 'kpi', 'station', 'valueMs'], 'message ids stay out of the page data');
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
