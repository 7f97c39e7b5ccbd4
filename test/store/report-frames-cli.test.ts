/**
 * `report` and `frames` as the CLI runs them: while the proxy runs (through its control API) and after it stopped
 * (opening the chDB store), in every output format.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { it } from 'node:test';
import type { Addon, AddonContext } from '../../src/core/addon.js';
import type { KpiSample } from '../../src/kpi/kpi-types.js';
import { startRelay } from '../../src/core/relay.js';
import { readControlInfo } from '../../src/control/control-client.js';
import { callControl, ControlApiError } from '../../src/control/api-client.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { runFrames } from '../../src/store/frames-command.js';
import { runReport } from '../../src/store/report-command.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { openStoreReader, type FrameRow, type KpiSummaryRow } from '../../src/store/store-reader.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { tempDir, waitFor } from './clickhouse-support.js';
import { pageData } from '../report-html/page-data.js';

function kpiPublisher(): Addon & { publish(s: KpiSample): void } {
  let ctx: AddonContext | undefined;
  return { name: 'test-kpi-publisher', start: (c) => void (ctx = c), publish: (sample) => ctx!.publish({ type: 'kpi', sample }) };
}

const kpi = (identity: string, name: KpiSample['kpi'], valueMs: number | null): KpiSample => ({
  kpi: name,
  sessionId: 's',
  identity,
  version: '1.6',
  action: 'Reset',
  endAction: 'Reset',
  messageId: 'm',
  valueMs,
  timedOut: valueMs === null,
  at: Date.now() * 1000,
});

const capture = (): { out: string[]; write: (s: string) => void; text: () => string } => {
  const out: string[] = [];
  return { out, write: (s) => void out.push(s), text: () => out.join('') };
};

const EXPECTED_JSON: KpiSummaryRow[] = [
  { station: 'CP-A', kpi: 'response_time', count: 5, timeouts: 1, min_ms: 10, avg_ms: 25, p50_ms: 20, p95_ms: 40, p99_ms: 40, max_ms: 40 },
  { station: 'CP-A', kpi: 'remote_stop_end', count: 1, timeouts: 1, min_ms: null, avg_ms: null, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null },
  { station: 'CP-B', kpi: 'csms_response_time', count: 1, timeouts: 0, min_ms: 5.25, avg_ms: 5.25, p50_ms: 5.25, p95_ms: 5.25, p99_ms: 5.25, max_ms: 5.25 },
];

const EXPECTED_CSV =
  'station,kpi,count,timeouts,min_ms,avg_ms,p50_ms,p95_ms,p99_ms,max_ms\r\n' +
  'CP-A,response_time,5,1,10,25,20,40,40,40\r\n' +
  'CP-A,remote_stop_end,1,1,,,,,,\r\n' +
  'CP-B,csms_response_time,1,0,5.25,5.25,5.25,5.25,5.25,5.25\r\n';

it('report and frames work while the proxy runs and after it stopped', { timeout: 90_000 }, async () => {
  const dataDir = await tempDir();
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const publisher = kpiPublisher();
  const relay = await startRelay({
    upstream: csms.url,
    dataDir,
    addons: [publisher, createStoreAddon({ flushMs: 50 }), createControlAddon({ dataDir })],
  });
  try {
    const station = await connectStation({ url: `${relay.url}/ocpp/`, identity: 'CP-A' });
    await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
    await station.call('Heartbeat', {});
    await station.call('Heartbeat', {});
    for (const v of [40, 10, 30, 20, null]) publisher.publish(kpi('CP-A', 'response_time', v));
    publisher.publish(kpi('CP-A', 'remote_stop_end', null));
    publisher.publish(kpi('CP-B', 'csms_response_time', 5.25));

    // Live: through the control API (the proxy owns the chDB folder).
    const info = await readControlInfo(dataDir);
    assert.ok(info, 'the proxy published its control API');
    let json: KpiSummaryRow[] = [];
    await waitFor('all KPI samples in the report', async () => {
      const c = capture();
      await runReport({ dataDir, format: 'json' }, c.write);
      json = JSON.parse(c.text()) as KpiSummaryRow[];
      return json.reduce((n, r) => n + r.count, 0) === 7;
    });
    assert.deepEqual(json, EXPECTED_JSON);

    const csv = capture();
    await runReport({ dataDir, format: 'csv' }, csv.write);
    assert.equal(csv.text(), EXPECTED_CSV);

    const table = capture();
    await runReport({ dataDir, station: 'CP-A' }, table.write);
    const lines = table.text().trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0]!.split(/\s{2,}/), ['station', 'kpi', 'count', 'timeouts', 'min ms', 'avg ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']);
    assert.deepEqual(lines[1]!.trim().split(/\s+/), ['CP-A', 'response_time', '5', '1', '10.00', '25.00', '20.00', '40.00', '40.00', '40.00']);
    assert.deepEqual(lines[2]!.trim().split(/\s+/), ['CP-A', 'remote_stop_end', '1', '1', '-', '-', '-', '-', '-', '-']);

    const framesJson = capture();
    await runFrames({ dataDir, station: 'CP-A', format: 'json' }, framesJson.write);
    const frames = JSON.parse(framesJson.text()) as FrameRow[];
    assert.deepEqual(frames.map((f) => [f.kind, f.action]), [
      ['CALL', 'BootNotification'],
      ['CALLRESULT', 'BootNotification'],
      ['CALL', 'Heartbeat'],
      ['CALLRESULT', 'Heartbeat'],
      ['CALL', 'Heartbeat'],
      ['CALLRESULT', 'Heartbeat'],
    ]);
    const hb = capture();
    await runFrames({ dataDir, action: 'Heartbeat', direction: 'to-station', format: 'json' }, hb.write);
    assert.equal((JSON.parse(hb.text()) as FrameRow[]).length, 2);
    const none = capture();
    await runFrames({ dataDir, invalid: true }, none.write);
    assert.equal(none.text(), 'no frames recorded (for this selection)\n');

    const framesTable = capture();
    await runFrames({ dataDir, station: 'CP-?', limit: 4 }, framesTable.write);
    const rows = framesTable.text().trimEnd().split('\n');
    assert.equal(rows.length, 6, framesTable.text());
    assert.equal(rows[5], 'flags: ! invalid  M modified  X dropped  + injected  ~ delayed', 'the legend, as the live view has it');
    assert.match(rows[0]!, /^time \(UTC\)\s+station\s+dir\s+kind\s+action\s+id\s+bytes\s+flags\s+ms\s+payload$/);
    assert.match(rows[1]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\s+CP-A\s+→csms\s+CALL\s+Heartbeat\s/);

    // --follow: prints what arrives after it started, until stopped.
    const follow = capture();
    const ac = new AbortController();
    const following = runFrames({ dataDir, station: 'CP-A', limit: 1, follow: true, format: 'json', pollMs: 50 }, follow.write, ac.signal);
    await waitFor('the follow backlog', () => follow.out.length === 1);
    await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await waitFor('the followed frames', () => follow.out.length === 3);
    ac.abort();
    await following;
    assert.deepEqual(follow.out.slice(1).map((l) => (JSON.parse(l) as FrameRow).kind), ['CALL', 'CALLRESULT']);
    assert.equal((JSON.parse(follow.out[1]!) as FrameRow).action, 'StatusNotification');

    // The session history, through the same control API (what audit and the TUI use).
    const live = await openStoreReader({ dataDir });
    const sessions = await live.sessions({ station: 'CP-*' });
    await live.close();
    assert.deepEqual(sessions.map((x) => [x.identity, x.closedAt, x.stationProtocol]), [['CP-A', null, 'ocpp1.6']]);

    // Bad input is refused with words, and never reaches SQL.
    await assert.rejects(callControl(info, 'GET /api/frames', { query: { limit: 'abc' } }), (err: unknown) => err instanceof ControlApiError && err.status === 400 && /limit: expected a non-negative integer/.test(err.message));
    // A quote in a glob is just an odd identity pattern: it matches nothing, and breaks no SQL.
    assert.deepEqual(await callControl(info, 'GET /api/report', { query: { station: "x' OR 1=1 --" } }), []);
    await assert.rejects(runReport({ dataDir, since: 'yesterday' }, () => undefined), /not a duration or a date/);
    await assert.rejects(runFrames({ dataDir, direction: 'sideways' }, () => undefined), /--direction: expected to-csms or to-station/);
    await station.close();
  } finally {
    await relay.close();
    await csms.close();
  }

  // Stopped: the commands open the chDB store themselves and say the same.
  assert.equal(await readControlInfo(dataDir), undefined);
  const after = capture();
  await runReport({ dataDir, format: 'json' }, after.write);
  assert.deepEqual(JSON.parse(after.text()), EXPECTED_JSON);
  const afterCsv = capture();
  await runReport({ dataDir, format: 'csv', since: '1h' }, afterCsv.write);
  assert.equal(afterCsv.text(), EXPECTED_CSV);
  const afterFrames = capture();
  await runFrames({ dataDir, station: 'CP-A', format: 'json', limit: 100 }, afterFrames.write);
  assert.equal((JSON.parse(afterFrames.text()) as FrameRow[]).length, 8);
  // --html: the same store as one page; its data holds every sample (timeouts as null) and the BootNotification's station.
  const html = capture();
  const file = `${dataDir}/report.html`;
  await runReport({ dataDir, html: file }, html.write);
  assert.equal(html.text(), `wrote ${file}\n`);
  const page = await readFile(file, 'utf8');
  const data = pageData(page);
  assert.deepEqual(data.stations.map((x) => x.station), ['CP-A', 'CP-B']);
  assert.deepEqual(data.samples.filter((x) => x.kpi === 'response_time').map((x) => x.valueMs).sort(), [10, 20, 30, 40, null]);
  assert.equal(data.samples.length, 7);
  await rm(dataDir, { recursive: true, force: true });

  await assert.rejects(runReport({ dataDir }, () => undefined), /no store in .*start the proxy with --data/);
});
