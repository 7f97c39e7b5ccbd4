/**
 * Health, readiness, drain and metrics on a real relay between ocpp-rpc peers: /healthz and /readyz answer plain
 * GETs on the listen port; a drain flips readiness at once, refuses new stations after the grace and closes open
 * sessions with 1001 spread over the window; /metrics parses as Prometheus text and counts what the peers sent.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { drainAddon, FleetState, healthAddon, metricsAddon } from '../../src/fleet/index.js';
import { createKpiAddon } from '../../src/kpi/index.js';
import { createStoreAddon } from '../../src/store/index.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { histogramCount, sampleSum, scrape } from '../support/prometheus.js';
import { knock } from '../support/knock.js';
import { until } from '../support/until.js';

const get = async (url: string, method = 'GET'): Promise<{ status: number; body: any }> => {
  const res = await fetch(url, { method });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* plain text */
  }
  return { status: res.status, body };
};

/** A port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}



test('/healthz and /readyz answer plain GETs; only those paths are claimed; readiness follows the CSMS', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const state = new FleetState();
  const relay = await startRelay({ upstream: csms.url, addons: [healthAddon({ state, probeEveryMs: 100 }), drainAddon({ state, graceMs: 0, windowMs: 0 })] });
  const http = relay.url.replace('ws://', 'http://');
  try {
    const health = await get(`${http}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'alive' });
    const ready = await get(`${http}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ready');
    assert.equal(ready.body.checks.csms, 'reachable');
    assert.equal(ready.body.checks.store, 'off', 'no store in this relay');
    assert.doesNotMatch(JSON.stringify(ready.body), /127\.0\.0\.1|ocpp|ws:/, 'nothing private: no URL or address');
    assert.equal((await get(`${http}/readyz?verbose=1`)).status, 200, 'a query string does not matter');
    assert.equal((await get(`${http}/readyz`, 'HEAD')).status, 200);
    assert.equal((await get(`${http}/readyz`, 'POST')).status, 405);
    assert.equal((await get(`${http}/other`)).status, 426, 'other paths stay the relay’s (or another addon’s)');

    await csms.close();
    await until('readyz 503 once the CSMS is gone', async () => (await get(`${http}/readyz`)).status === 503);
    const down = await get(`${http}/readyz`);
    assert.match(down.body.checks.csms, /^unreachable \(ECONNREFUSED\)$/);
    assert.equal((await get(`${http}/healthz`)).status, 200, 'alive even when not ready');
  } finally {
    await relay.close();
  }
});

test('ClickHouse away: the store spools, and the proxy stays ready (nothing is lost)', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const dataDir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-ready-'));
  const state = new FleetState();
  const store = createStoreAddon({ dataDir, clickhouse: `http://127.0.0.1:${await closedPort()}`, startWaitMs: 300, requestTimeoutMs: 300 });
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [healthAddon({ state, probeEveryMs: 1000 }), store] });
  try {
    const http = relay.url.replace('ws://', 'http://');
    await until('the store down', () => store.stats().state === 'down');
    const r = await get(`${http}/readyz`);
    assert.equal(r.status, 200);
    assert.equal(r.body.checks.store, 'spooling');
  } finally {
    await relay.close();
    await csms.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a CSMS that was never there: not ready from the first probe', async () => {
  const port = await closedPort();
  const state = new FleetState();
  const relay = await startRelay({ upstream: `ws://127.0.0.1:${port}/ocpp`, addons: [healthAddon({ state, probeEveryMs: 1000 })] });
  try {
    const r = await get(`${relay.url.replace('ws://', 'http://')}/readyz`);
    assert.equal(r.status, 503);
    assert.equal(r.body.status, 'not ready');
  } finally {
    await relay.close();
  }
});

test('drain: readyz 503 at once, stations welcome during the grace, then refused; sessions leave with 1001 spread over the window', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const state = new FleetState();
  const graceMs = 600;
  const windowMs = 2000;
  let relay: Relay | undefined;
  try {
    const drainer = drainAddon({ state, graceMs, windowMs });
    relay = await startRelay({ upstream: csms.url, addons: [healthAddon({ state, probeEveryMs: 1000 }), drainer] });
    const http = relay.url.replace('ws://', 'http://');
    const N = 8;
    const stations = await Promise.all(Array.from({ length: N }, (_, i) => connectStation({ url: `${relay!.url}/ocpp/`, identity: `DR-${i}` })));
    const closes: Array<{ code: number; at: number }> = [];
    for (const s of stations) s.once('close', (e: { code: number }) => closes.push({ code: e.code, at: Date.now() }));

    const ac = new AbortController();
    const t0 = Date.now();
    const done = drainer.drain!(ac.signal);
    assert.equal((await get(`${http}/readyz`)).status, 503, 'not ready at once');
    assert.equal((await get(`${http}/readyz`)).body.checks.drain, 'draining');
    assert.equal(await knock(`${relay.url}/ocpp/DURING-GRACE`), 101, 'the balancer has not noticed yet: still accepted');
    await until('refusing', () => state.phase === 'refusing', graceMs + 5000);
    assert.equal(await knock(`${relay.url}/ocpp/AFTER-GRACE`), 503, 'refused after the grace');
    await done;
    await until('every station closed', () => closes.length === N, 10_000);
    assert.deepEqual(closes.map((c) => c.code), Array(N).fill(1001));
    const first = Math.min(...closes.map((c) => c.at)) - t0;
    const last = Math.max(...closes.map((c) => c.at)) - t0;
    assert.ok(first >= graceMs - 50, `no station leaves during the grace (first after ${first} ms)`);
    // Spread: nominally (N-1)/N of the window between the first and the last; a busy machine only delays.
    assert.ok(last - first >= windowMs * 0.6, `closes spread over the window: ${last - first} ms between first and last`);
  } finally {
    await relay?.close();
    await csms.close();
  }
});

for (const stationLabel of [false, true]) {
test(`/metrics parses as Prometheus text; counters match what the peers sent (station label ${stationLabel ? 'on' : 'off'})`, async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const state = new FleetState();
  const metrics = metricsAddon({ state, listen: { host: '127.0.0.1', port: 0 }, stationLabel });
  const relay = await startRelay({ upstream: csms.url, addons: [healthAddon({ state, probeEveryMs: 1000 }), createKpiAddon(), metrics] });
  try {
    const url = `http://127.0.0.1:${metrics.address()!.port}/metrics`;
    const stations = await Promise.all([0, 1, 2].map((i) => connectStation({ url: `${relay.url}/ocpp/`, identity: `M-${i}`, handlers: { ClearCache: () => ({ status: 'Accepted' }) } })));
    const CALLS = 7;
    for (const s of stations) for (let k = 0; k < CALLS; k++) await s.call('Heartbeat', {});
    const csmsSide = await csms.waitForClient('M-0');
    await csmsSide.call('ClearCache', {});
    const sent = 3 * CALLS;
    let fams = await scrape(url);
    await until('the observer counted every frame', async () => {
      fams = await scrape(url);
      return sampleSum(fams, 'ocpp_mitm_frames_total', { direction: 'to-station', type: 'CALLRESULT' }) >= sent;
    });
    await new Promise((r) => setTimeout(r, 200)); // anything counted twice would show now
    fams = await scrape(url);
    assert.equal(sampleSum(fams, 'ocpp_mitm_frames_total', { direction: 'to-csms', type: 'CALL', version: '1.6', origin: 'wire' }), sent);
    assert.equal(sampleSum(fams, 'ocpp_mitm_frames_total', { direction: 'to-station', type: 'CALLRESULT', version: '1.6' }), sent);
    assert.equal(sampleSum(fams, 'ocpp_mitm_frames_total', { direction: 'to-station', type: 'CALL' }), 1);
    assert.equal(sampleSum(fams, 'ocpp_mitm_frames_total', { direction: 'to-csms', type: 'CALLRESULT' }), 1);
    assert.equal(sampleSum(fams, 'ocpp_mitm_sessions_open', { version: '1.6' }), 3);
    assert.equal(sampleSum(fams, 'ocpp_mitm_sessions_opened_total'), 3);
    assert.equal(sampleSum(fams, 'ocpp_mitm_csms_reachable'), 1);
    assert.equal(sampleSum(fams, 'ocpp_mitm_draining'), 0);
    assert.equal(sampleSum(fams, 'ocpp_mitm_frames_invalid_total'), 0);
    assert.ok(fams.some((f) => f.name === 'nodejs_eventloop_lag_seconds'), 'event-loop lag is exported');
    const family = fams.find((f) => f.name === 'ocpp_mitm_frames_total')!;
    assert.equal(family.type, 'COUNTER');
    // KPI histograms: the CSMS's response time to every station CALL, the station's to the CSMS's ClearCache.
    const text = async (): Promise<string> => (await fetch(url)).text();
    const KPI = 'ocpp_mitm_kpi_milliseconds';
    await until('KPI samples counted', async () => histogramCount(await text(), KPI, { kpi: 'csms_response_time' }) >= sent);
    const t = await text();
    assert.equal(fams.find((f) => f.name === KPI)!.type, 'HISTOGRAM');
    assert.equal(histogramCount(t, KPI, { kpi: 'csms_response_time' }), sent);
    assert.equal(histogramCount(t, KPI, { kpi: 'response_time' }), 1);
    if (stationLabel) {
      assert.equal(histogramCount(t, KPI, { kpi: 'csms_response_time', station: 'M-1' }), CALLS);
      assert.equal(histogramCount(t, KPI, { kpi: 'response_time', station: 'M-0' }), 1);
    } else assert.doesNotMatch(t, /M-\d/, 'no station identity without --metrics-station-label');
    assert.equal((await fetch(url.replace('/metrics', '/'))).status, 404);
    for (const s of stations) await s.close();
  } finally {
    await relay.close();
    await csms.close();
  }
});
}
