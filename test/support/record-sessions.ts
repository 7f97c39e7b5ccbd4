/**
 * Records two real sessions through the real relay into a chDB store: a 1.6 station and a 2.0.1 station, each
 * with a boot, an authorisation, a CSMS remote start and a whole transaction (ocpp-rpc peers, strict mode).
 */
import type { RPCClient } from 'ocpp-rpc';
import { startRelay } from '../../src/core/relay.js';
import { createKpiAddon } from '../../src/kpi/index.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';

const now = (): string => new Date().toISOString();
const tag = { idToken: 'TAG-1', type: 'ISO14443' };

/** A 1.6 transaction: the CSMS starts it remotely, the station starts, meters and stops it. */
export async function drive16(station: RPCClient, remoteStart: () => Promise<unknown>): Promise<void> {
  await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
  await station.call('Authorize', { idTag: 'TAG-1' });
  await remoteStart();
  const start = (await station.call('StartTransaction', { connectorId: 1, idTag: 'TAG-1', meterStart: 0, timestamp: now() })) as { transactionId: number };
  await station.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '150' }] }] });
  await station.call('StopTransaction', { transactionId: start.transactionId, meterStop: 300, timestamp: now(), idTag: 'TAG-1' });
}

export async function drive201(station: RPCClient, remoteStart: () => Promise<unknown>): Promise<void> {
  await station.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'X2', vendorName: 'Acme' } });
  await station.call('Authorize', { idToken: tag });
  await remoteStart();
  const tx = { transactionId: 'TX-201' };
  const evse = { id: 1, connectorId: 1 };
  await station.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'RemoteStart', seqNo: 0, transactionInfo: { ...tx, remoteStartId: 7 }, idToken: tag, evse });
  await station.call('TransactionEvent', { eventType: 'Updated', timestamp: now(), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: tx, meterValue: [{ timestamp: now(), sampledValue: [{ value: 150 }] }] });
  await station.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'StopAuthorized', seqNo: 2, transactionInfo: { ...tx, stoppedReason: 'Local' } });
}

/** The station side of a remote start: accept it. */
export const STATION_HANDLERS = {
  RemoteStartTransaction: () => ({ status: 'Accepted' }),
  RequestStartTransaction: () => ({ status: 'Accepted' }),
};

export interface Recorded {
  dataDir: string;
}

/** Records CP-16 (1.6) and CP-201 (2.0.1) into `dataDir`; returns when the relay stopped and flushed. */
export async function recordSessions(dataDir: string): Promise<void> {
  const csms = await startCsms();
  const relay = await startRelay({ upstream: csms.url, dataDir, addons: [createKpiAddon(), createStoreAddon({ flushMs: 50 })] });
  try {
    const s16 = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-16', protocols: ['ocpp1.6'], handlers: STATION_HANDLERS });
    const c16 = await csms.waitForClient('CP-16');
    await drive16(s16, () => c16.call('RemoteStartTransaction', { idTag: 'TAG-1', connectorId: 1 }));
    await s16.close();
    const s201 = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-201', protocols: ['ocpp2.0.1'], handlers: STATION_HANDLERS });
    const c201 = await csms.waitForClient('CP-201');
    await drive201(s201, () => c201.call('RequestStartTransaction', { idToken: tag, remoteStartId: 7, evseId: 1 }));
    await s201.close();
    // Both sessions closed at the relay before it stops (their close events are recorded).
    const deadline = Date.now() + 10_000;
    while (relay.sessions().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  } finally {
    await relay.close();
    await csms.close();
  }
}
