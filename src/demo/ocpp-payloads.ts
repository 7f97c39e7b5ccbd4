/** Valid OCPP 1.6 and 2.0.1 (also 2.1) payloads for the demo's simulated peers (strict-mode ocpp-rpc checks them). */
import type { OcppVersion } from '../core/types.js';

const now = (): string => new Date().toISOString();

export const stationPayloads = {
  boot: (v: OcppVersion, model: string) =>
    v === '1.6'
      ? { chargePointVendor: 'ocpp-mitm demo', chargePointModel: model, firmwareVersion: '1.0.0' }
      : { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-mitm demo', model, firmwareVersion: '1.0.0' } },
  status: (v: OcppVersion, status: 'Available' | 'Charging' | 'Occupied') =>
    v === '1.6'
      ? { connectorId: 1, errorCode: 'NoError', status: status === 'Occupied' ? 'Preparing' : status }
      : { timestamp: now(), connectorStatus: status === 'Charging' ? 'Occupied' : status, evseId: 1, connectorId: 1 },
  authorize: (v: OcppVersion, tag: string) => (v === '1.6' ? { idTag: tag } : { idToken: { idToken: tag, type: 'ISO14443' } }),
};

/** How the simulated CSMS answers each station-initiated action. */
export function csmsAnswer(v: OcppVersion, method: string, params: Record<string, unknown>, nextTxId: () => number): Record<string, unknown> {
  switch (method) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: now(), interval: 30 };
    case 'Heartbeat':
      return { currentTime: now() };
    case 'Authorize':
      return v === '1.6' ? { idTagInfo: { status: 'Accepted' } } : { idTokenInfo: { status: 'Accepted' } };
    case 'StartTransaction':
      return { transactionId: nextTxId(), idTagInfo: { status: 'Accepted' } };
    case 'StopTransaction':
      return { idTagInfo: { status: 'Accepted' } };
    case 'TransactionEvent':
      return params.idToken ? { idTokenInfo: { status: 'Accepted' } } : {};
    case 'DataTransfer':
      return { status: 'Accepted' };
    default:
      return {};
  }
}

export function meterValue(v: OcppVersion, wh: number): Record<string, unknown> {
  return v === '1.6'
    ? { timestamp: now(), sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }
    : { timestamp: now(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register' }] };
}

export { now };
