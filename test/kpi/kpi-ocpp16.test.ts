/**
 * Every KPI on an OCPP 1.6 station: ocpp-rpc peers with known delays, through the real relay.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertMeasured, hold, later, slowBootCsms, startRig, station16, ts, type KpiRig } from './kpi-rig.js';

let rig: KpiRig;

before(async () => {
  rig = await startRig({
    version: '1.6',
    identity: 'CP16-A',
    csms: slowBootCsms(150),
    station: (station) => ({
      ...station16(station, { connectorId: 2 }),
      TriggerMessage: (p: { requestedMessage: string; connectorId?: number }) => {
        if (p.requestedMessage !== 'StatusNotification') return { status: 'NotImplemented' };
        later(300, () =>
          station.call('StatusNotification', { connectorId: p.connectorId ?? 0, errorCode: 'NoError', status: 'Available', timestamp: ts() }),
        );
        return { status: 'Accepted' };
      },
    }),
  });
});

after(() => rig.close());

test('1.6 response_time: GetConfiguration answered after 200 ms', async () => {
  const res = await rig.server.call('GetConfiguration', { key: ['HeartbeatInterval'] });
  assert.equal(res.configurationKey[0].value, '300');
  const s = await rig.waitSample((s) => s.kpi === 'response_time' && s.action === 'GetConfiguration');
  assertMeasured(s, 200);
  assert.equal(s.endAction, 'CALLRESULT');
  assert.equal(s.identity, 'CP16-A');
  assert.equal(s.version, '1.6');
});

test('1.6 csms_response_time: BootNotification answered by the CSMS after 150 ms', async () => {
  await rig.station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
  const s = await rig.waitSample((s) => s.kpi === 'csms_response_time' && s.action === 'BootNotification');
  assertMeasured(s, 150);
  assert.equal(s.endAction, 'CALLRESULT');
});

test('1.6 triggered_function: TriggerMessage(StatusNotification) → StatusNotification 300 ms later', async () => {
  const res = await rig.server.call('TriggerMessage', { requestedMessage: 'StatusNotification', connectorId: 1 });
  assert.equal(res.status, 'Accepted');
  const s = await rig.waitSample((s) => s.kpi === 'triggered_function');
  assertMeasured(s, 300);
  assert.equal(s.action, 'TriggerMessage');
  assert.equal(s.endAction, 'StatusNotification');
});

test('1.6 triggered_function: a trigger the station does not implement ends without a sample', async () => {
  const before = rig.kpis.summary('CP16-A').find((r) => r.kpi === 'triggered_function')!;
  const res = await rig.server.call('TriggerMessage', { requestedMessage: 'MeterValues' });
  assert.equal(res.status, 'NotImplemented');
  await waitFor(() => rig.kpis.summary('CP16-A').find((r) => r.kpi === 'triggered_function')!.rejected === before.rejected + 1);
  assert.equal(rig.samples.filter((s) => s.kpi === 'triggered_function').length, before.count + before.timeouts);
});

test('1.6 remote_start_authorization: RemoteStartTransaction → StartTransaction on that connector 250 ms later', async () => {
  const res = await rig.server.call('RemoteStartTransaction', { idTag: 'TAG-1', connectorId: 1 });
  assert.equal(res.status, 'Accepted');
  const s = await rig.waitSample((s) => s.kpi === 'remote_start_authorization' && s.endAction !== '');
  assertMeasured(s, 250);
  assert.equal(s.action, 'RemoteStartTransaction');
  assert.equal(s.endAction, 'StartTransaction');
});

test('1.6 remote_start_authorization: without a connector, StartTransaction on any connector ends it', async () => {
  const n = rig.samples.filter((s) => s.kpi === 'remote_start_authorization').length;
  await rig.server.call('RemoteStartTransaction', { idTag: 'TAG-ANY' });
  await waitFor(() => rig.samples.filter((s) => s.kpi === 'remote_start_authorization').length === n + 1);
  assertMeasured(rig.samples.filter((s) => s.kpi === 'remote_start_authorization').at(-1)!, 250);
});

test('1.6 remote_start_authorization: a Rejected remote start is no sample and no timeout', async () => {
  const n = rig.samples.filter((s) => s.kpi === 'remote_start_authorization').length;
  const rejected = rig.kpis.summary('CP16-A').find((r) => r.kpi === 'remote_start_authorization')!.rejected;
  const res = await rig.server.call('RemoteStartTransaction', { idTag: 'BLOCKED', connectorId: 1 });
  assert.equal(res.status, 'Rejected');
  await waitFor(() => rig.kpis.summary('CP16-A').find((r) => r.kpi === 'remote_start_authorization')!.rejected === rejected + 1);
  assert.equal(rig.samples.filter((s) => s.kpi === 'remote_start_authorization').length, n);
});

test('1.6 remote_stop_end: RemoteStopTransaction → StopTransaction of that transaction 250 ms later', async () => {
  const res = await rig.server.call('RemoteStopTransaction', { transactionId: 1001 });
  assert.equal(res.status, 'Accepted');
  const s = await rig.waitSample((s) => s.kpi === 'remote_stop_end');
  assertMeasured(s, 250);
  assert.equal(s.endAction, 'StopTransaction');
});

test('1.6 summary and GET /api/kpis report the figures per station', async () => {
  const rows = rig.kpis.summary('CP16-*');
  assert.equal(rows.length, 5, 'one row per KPI for the one station');
  const rt = rows.find((r) => r.kpi === 'response_time')!;
  const measured = rig.samples.filter((s) => s.kpi === 'response_time' && s.valueMs !== null).map((s) => s.valueMs!);
  assert.equal(rt.count, measured.length);
  assert.equal(rt.min, Math.round(Math.min(...measured) * 1000) / 1000);
  assert.equal(rt.max, Math.round(Math.max(...measured) * 1000) / 1000);
  assert.ok(rt.p50! >= rt.min! && rt.p99! <= rt.max!);
  assert.equal(rt.windowMs, 30_000);

  const route = rig.relay.control.match('GET', '/api/kpis');
  assert.ok(route, 'the addon registers GET /api/kpis');
  const req = (q: string) => ({ method: 'GET' as const, params: {}, query: new URLSearchParams(q), body: undefined, headers: {} });
  const viaApi = (await route.handler(req('station=CP16-*&kpi=remote_stop_end'))) as typeof rows;
  assert.equal(viaApi.length, 1);
  assert.equal(viaApi[0]!.count, 1);
  assert.deepEqual(await route.handler(req('station=nobody')), []);
  await assert.rejects(async () => route.handler(req('kpi=nonsense')), /unknown kpi/);
});

async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await hold(10);
  }
}
