/**
 * A 1.6 station behind a 2.0.1 CSMS, with the real translation addon: the KPIs are measured in the station's
 * version (RemoteStartTransaction → StartTransaction), whatever the CSMS sent and received.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { translateAddon } from '../../src/translate/translate-addon.js';
import { parseTranslateConfig, TranslateRules } from '../../src/translate/translate-config.js';
import { assertMeasured, eventually, slowBootCsms, startRig, station16, station201, type KpiRig } from './kpi-rig.js';

let rig: KpiRig;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-kpi-'));
  rig = await startRig({
    version: '1.6',
    csmsVersion: '2.0.1',
    identity: 'CP16-BEHIND-201',
    dataDir,
    addons: [
      translateAddon({
        rules: new TranslateRules({ file: parseTranslateConfig(''), upstreamProtocol: 'ocpp2.0.1' }),
        stateDir: join(dataDir, 'translation'),
      }),
    ],
    csms: slowBootCsms(150),
    station: (station) => station16(station),
  });
});

after(async () => {
  await rig.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('translated: response times are named and measured on the station leg', async () => {
  await rig.station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
  const csms = await rig.waitSample((s) => s.kpi === 'csms_response_time' && s.action === 'BootNotification');
  assertMeasured(csms, 150);
  assert.equal(csms.version, '1.6');

  await rig.server.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
  const rt = await rig.waitSample((s) => s.kpi === 'response_time' && s.action === 'GetConfiguration');
  assertMeasured(rt, 200);
});

test('translated: RequestStartTransaction / RequestStopTransaction measured as the 1.6 station saw them', async () => {
  const res = await rig.server.call('RequestStartTransaction', { evseId: 1, remoteStartId: 31, idToken: { idToken: 'R-1', type: 'Central' } });
  assert.equal(res.status, 'Accepted');
  const start = await rig.waitSample((s) => s.kpi === 'remote_start_authorization');
  assertMeasured(start, 250);
  assert.deepEqual([start.action, start.endAction, start.version], ['RemoteStartTransaction', 'StartTransaction', '1.6']);

  // The sample is taken when the proxy read StartTransaction; the CSMS gets its TransactionEvent a moment later.
  const started = await eventually(
    () => rig.csms.received.find((r) => r.method === 'TransactionEvent' && r.params.eventType === 'Started'),
    'the CSMS got a TransactionEvent for the StartTransaction',
  );
  await rig.server.call('RequestStopTransaction', { transactionId: started.params.transactionInfo.transactionId });
  const stop = await rig.waitSample((s) => s.kpi === 'remote_stop_end');
  assertMeasured(stop, 250);
  assert.deepEqual([stop.action, stop.endAction], ['RemoteStopTransaction', 'StopTransaction']);
});

test('translated the other way: a 2.0.1 station behind a 1.6 CSMS, RemoteStartTransaction → TransactionEvent', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-kpi-'));
  const rig201 = await startRig({
    version: '2.0.1',
    csmsVersion: '1.6',
    identity: 'CS201-BEHIND-16',
    dataDir: dir,
    addons: [
      translateAddon({
        rules: new TranslateRules({ file: parseTranslateConfig(''), upstreamProtocol: 'ocpp1.6' }),
        stateDir: join(dir, 'translation'),
      }),
    ],
    station: (station) => station201(station, { transactionId: () => 'tx-a' }),
  });
  try {
    assert.equal((await rig201.server.call('RemoteStartTransaction', { connectorId: 1, idTag: 'R-2' })).status, 'Accepted');
    const s = await rig201.waitSample((s) => s.kpi === 'remote_start_authorization');
    assertMeasured(s, 250);
    assert.deepEqual([s.action, s.endAction, s.version], ['RequestStartTransaction', 'TransactionEvent', '2.0.1']);
  } finally {
    await rig201.close();
    await rm(dir, { recursive: true, force: true });
  }
});
