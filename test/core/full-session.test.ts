/**
 * A whole station session through the relay, both versions, with real ocpp-rpc peers in strict mode:
 * every frame the station wrote reaches the CSMS byte for byte, and the other way round.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay } from '../../src/core/relay.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';

type Wire = { message: Buffer | string; outbound: boolean };
const tap = (peer: { on(e: 'message', fn: (w: Wire) => void): unknown }) => {
  const sent: string[] = [];
  const received: string[] = [];
  peer.on('message', (w: Wire) => (w.outbound ? sent : received).push(w.message.toString()));
  return { sent, received };
};

const ts = () => new Date().toISOString();

test('1.6: boot, status, authorize, transaction, meter values and CSMS-initiated calls relay byte-exact', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const relay = await startRelay({ upstream: csms.url });
  const station = await connectStation({
    url: `${relay.url}/ocpp`,
    identity: 'CP 16/α',
    protocols: ['ocpp1.6'],
    handlers: {
      GetConfiguration: () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }),
      RemoteStartTransaction: () => ({ status: 'Accepted' }),
      ChangeAvailability: () => ({ status: 'Accepted' }),
    },
  });
  const stationWire = tap(station as any);
  const server = await csms.waitForClient();
  assert.equal(server.identity, 'CP 16/α', 'identity is the percent-decoded last path segment');
  const csmsWire = tap(server);

  await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1', firmwareVersion: '1.2.3' });
  await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: ts() });
  await station.call('Authorize', { idTag: 'TAG-1' });
  const started: any = await station.call('StartTransaction', { connectorId: 1, idTag: 'TAG-1', meterStart: 0, timestamp: ts() });
  await station.call('MeterValues', {
    connectorId: 1,
    transactionId: started.transactionId,
    meterValue: [{ timestamp: ts(), sampledValue: [{ value: '1234.5', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
  });
  await station.call('StopTransaction', { transactionId: started.transactionId, meterStop: 2000, timestamp: ts(), reason: 'Local' });
  const conf = await server.call('GetConfiguration', { key: ['HeartbeatInterval'] });
  assert.equal(conf.configurationKey[0].value, '300');
  assert.equal((await server.call('RemoteStartTransaction', { idTag: 'TAG-2', connectorId: 1 })).status, 'Accepted');
  assert.equal((await server.call('ChangeAvailability', { connectorId: 0, type: 'Operative' })).status, 'Accepted');
  await station.call('Heartbeat', {});

  assert.equal(stationWire.sent.length, 7 + 3, '7 CALLs and 3 answers');
  assert.deepEqual(csmsWire.received, stationWire.sent, 'station → CSMS frames arrive exactly as written');
  assert.deepEqual(stationWire.received, csmsWire.sent, 'CSMS → station frames arrive exactly as written');
  const stats = relay.stats();
  assert.equal(stats.framesIn, 20);
  assert.equal(stats.framesOut, 20);
  await station.close();
  await relay.close();
  await csms.close();
});

test('2.0.1: boot, status, authorize, transaction events and CSMS-initiated calls relay byte-exact', async () => {
  const csms = await startCsms({ protocols: ['ocpp2.0.1'] });
  const relay = await startRelay({ upstream: csms.url });
  const station = await connectStation({
    url: `${relay.url}/ocpp`,
    identity: 'CS-201',
    protocols: ['ocpp2.0.1'],
    handlers: {
      GetVariables: (p: any) => ({
        getVariableResult: p.getVariableData.map((d: any) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable, attributeValue: '60' })),
      }),
      RequestStartTransaction: () => ({ status: 'Accepted' }),
      Reset: () => ({ status: 'Accepted' }),
    },
  });
  const stationWire = tap(station as any);
  const server = await csms.waitForClient('CS-201');
  const csmsWire = tap(server);
  assert.equal(server.protocol, 'ocpp2.0.1');

  await station.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'Y2' } });
  await station.call('StatusNotification', { timestamp: ts(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
  await station.call('Authorize', { idToken: { idToken: 'TOKEN-1', type: 'ISO14443' } });
  for (const [seqNo, eventType, triggerReason] of [[0, 'Started', 'Authorized'], [1, 'Updated', 'MeterValuePeriodic'], [2, 'Ended', 'StopAuthorized']] as const) {
    await station.call('TransactionEvent', {
      eventType,
      timestamp: ts(),
      triggerReason,
      seqNo,
      transactionInfo: { transactionId: 'tx-1' },
      evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp: ts(), sampledValue: [{ value: 100 * seqNo }] }],
    });
  }
  const vars = await server.call('GetVariables', { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] });
  assert.equal(vars.getVariableResult[0].attributeValue, '60');
  assert.equal((await server.call('RequestStartTransaction', { idToken: { idToken: 'T2', type: 'ISO14443' }, remoteStartId: 7 })).status, 'Accepted');
  assert.equal((await server.call('Reset', { type: 'OnIdle' })).status, 'Accepted');

  assert.equal(stationWire.sent.length, 6 + 3);
  assert.deepEqual(csmsWire.received, stationWire.sent);
  assert.deepEqual(stationWire.received, csmsWire.sent);
  await station.close();
  await relay.close();
  await csms.close();
});

test('frames nothing changed keep their exact text: whitespace, key order and unicode escapes', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const relay = await startRelay({ upstream: csms.url });
  const { connectRawStation } = await import('../support/ocpp-peers.js');
  const raw = await connectRawStation(`${relay.url}/ocpp/RAW-1`);
  const server = await csms.waitForClient('RAW-1');
  const seen = tap(server);
  const text = '[ 2 ,\n "m-1", "BootNotification", {"chargePointModel":"M\\u00e9","chargePointVendor" : "V"} ]';
  raw.send(text);
  const answer = await raw.next();
  assert.equal(answer[0], 3);
  assert.equal(seen.received[0], text);
  raw.close();
  await relay.close();
  await csms.close();
});
