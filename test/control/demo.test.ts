/**
 * `ocpp-mitm demo --no-tui --duration S`: simulated CSMS and stations of both versions through a real proxy,
 * one line per event, stopping by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { Feature } from '../../src/core/feature.js';
import { runDemo } from '../../src/demo/run-demo.js';

async function optional(load: () => Promise<Feature>): Promise<Feature[]> {
  try {
    return [await load()];
  } catch {
    return [];
  }
}

test('the demo runs both OCPP versions, an invalid frame and a rule, then stops by itself', async (t) => {
  const features: Feature[] = [
    ...(await optional(async () => (await import('../../src/validation/index.js')).validationFeature)),
    ...(await optional(async () => (await import('../../src/rules/index.js')).rulesFeature)),
    ...(await optional(async () => (await import('../../src/kpi/index.js')).kpiFeature)),
    (await import('../../src/control/index.js')).tuiFeature,
  ];
  const names = features.map((f) => f.name);
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  await runDemo({ tui: false, durationS: 5, stations: 4, heartbeatMs: 700, out, features });
  const lines = text.split('\n');
  assert.match(lines[0]!, /^demo: proxy ws:\/\/127\.0\.0\.1:\d+ → CSMS ws:\/\/127\.0\.0\.1:\d+\/ocpp\/, control http:\/\/127\.0\.0\.1:\d+/);
  assert.ok(lines.some((l) => /\+ DEMO-16-1 connected \(OCPP 1\.6\)/.test(l)));
  assert.ok(lines.some((l) => /\+ DEMO-201-1 connected \(OCPP 2\.0\.1\)/.test(l)));
  assert.ok(lines.some((l) => /↑ DEMO-201-2 CALL BootNotification/.test(l)));
  assert.ok(lines.some((l) => /↓ DEMO-16-2 RES BootNotification .* \d/.test(l)), 'answers carry their latency');
  assert.ok(lines.some((l) => /↑ DEMO-16-\d CALL Heartbeat/.test(l)));
  assert.ok(lines.some((l) => /DEMO-RAW-1 (CALL|BAD) .*INVALID/.test(l)), 'the raw station sends invalid frames');
  if (names.includes('rules')) {
    assert.ok(lines.some((l) => /rule demo-slow-heartbeat-answer/.test(l)), 'the demo rule fires');
  } else {
    t.diagnostic('rules feature absent: the rule step was not checked');
  }
  assert.equal(lines.at(-2), 'demo: stopped');
});
