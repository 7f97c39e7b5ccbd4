/**
 * CALLs an operator composes from the view: one template per action and OCPP version, valid against that
 * version's schema (test/tui/send-from-view.test.tsx checks every one), filled with the station's live values
 * (connector/EVSE, transaction id, id token) where the template has a place for them.
 */
import type { Direction, OcppVersion } from '../src/core/types.js';
import type { LiveValues } from './live-values.js';

export interface CallTemplate {
  action: string;
  /** to-station: the proxy speaks as the CSMS; to-csms: as the station. */
  direction: Direction;
  payload(v: LiveValues): Record<string, unknown>;
}

const now = (): string => new Date().toISOString();
const idTag = (v: LiveValues): string => v.idToken ?? 'OPERATOR';

const V16: CallTemplate[] = [
  { action: 'Reset', direction: 'to-station', payload: () => ({ type: 'Soft' }) },
  { action: 'RemoteStartTransaction', direction: 'to-station', payload: (v) => ({ connectorId: v.connectorId ?? 1, idTag: idTag(v) }) },
  { action: 'RemoteStopTransaction', direction: 'to-station', payload: (v) => ({ transactionId: Number(v.transactionId ?? 0) || 0 }) },
  { action: 'TriggerMessage', direction: 'to-station', payload: (v) => ({ requestedMessage: 'StatusNotification', connectorId: v.connectorId ?? 1 }) },
  { action: 'ChangeAvailability', direction: 'to-station', payload: (v) => ({ connectorId: v.connectorId ?? 0, type: 'Operative' }) },
  { action: 'UnlockConnector', direction: 'to-station', payload: (v) => ({ connectorId: v.connectorId ?? 1 }) },
  { action: 'GetConfiguration', direction: 'to-station', payload: () => ({ key: [] }) },
  { action: 'ChangeConfiguration', direction: 'to-station', payload: () => ({ key: 'HeartbeatInterval', value: '300' }) },
  { action: 'ClearCache', direction: 'to-station', payload: () => ({}) },
  { action: 'DataTransfer', direction: 'to-station', payload: () => ({ vendorId: 'ocpp-mitm' }) },
  { action: 'Heartbeat', direction: 'to-csms', payload: () => ({}) },
  { action: 'StatusNotification', direction: 'to-csms', payload: (v) => ({ connectorId: v.connectorId ?? 1, errorCode: 'NoError', status: 'Available', timestamp: now() }) },
  { action: 'Authorize', direction: 'to-csms', payload: (v) => ({ idTag: idTag(v) }) },
  { action: 'MeterValues', direction: 'to-csms', payload: (v) => ({ connectorId: v.connectorId ?? 1, ...(v.transactionId ? { transactionId: Number(v.transactionId) || 0 } : {}), meterValue: [{ timestamp: now(), sampledValue: [{ value: '0', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] }) },
  { action: 'DataTransfer', direction: 'to-csms', payload: () => ({ vendorId: 'ocpp-mitm' }) },
];

/** 2.0.1 and 2.1 share these (2.1 kept the 2.0.1 shapes for them). */
const V2: CallTemplate[] = [
  { action: 'Reset', direction: 'to-station', payload: () => ({ type: 'OnIdle' }) },
  { action: 'RequestStartTransaction', direction: 'to-station', payload: (v) => ({ evseId: v.evseId ?? 1, remoteStartId: Math.floor(Date.now() / 1000) % 1_000_000, idToken: { idToken: idTag(v), type: 'Central' } }) },
  { action: 'RequestStopTransaction', direction: 'to-station', payload: (v) => ({ transactionId: String(v.transactionId ?? '') }) },
  { action: 'TriggerMessage', direction: 'to-station', payload: (v) => ({ requestedMessage: 'StatusNotification', evse: { id: v.evseId ?? 1, connectorId: v.connectorId ?? 1 } }) },
  { action: 'ChangeAvailability', direction: 'to-station', payload: () => ({ operationalStatus: 'Operative' }) },
  { action: 'UnlockConnector', direction: 'to-station', payload: (v) => ({ evseId: v.evseId ?? 1, connectorId: v.connectorId ?? 1 }) },
  { action: 'GetVariables', direction: 'to-station', payload: () => ({ getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }) },
  { action: 'SetVariables', direction: 'to-station', payload: () => ({ setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' }] }) },
  { action: 'ClearCache', direction: 'to-station', payload: () => ({}) },
  { action: 'DataTransfer', direction: 'to-station', payload: () => ({ vendorId: 'ocpp-mitm' }) },
  { action: 'Heartbeat', direction: 'to-csms', payload: () => ({}) },
  { action: 'StatusNotification', direction: 'to-csms', payload: (v) => ({ timestamp: now(), connectorStatus: 'Available', evseId: v.evseId ?? 1, connectorId: v.connectorId ?? 1 }) },
  { action: 'Authorize', direction: 'to-csms', payload: (v) => ({ idToken: { idToken: idTag(v), type: 'Central' } }) },
  { action: 'MeterValues', direction: 'to-csms', payload: (v) => ({ evseId: v.evseId ?? 1, meterValue: [{ timestamp: now(), sampledValue: [{ value: 0, measurand: 'Energy.Active.Import.Register' }] }] }) },
  { action: 'DataTransfer', direction: 'to-csms', payload: () => ({ vendorId: 'ocpp-mitm' }) },
];

export const CALL_TEMPLATES: Record<OcppVersion, readonly CallTemplate[]> = { '1.6': V16, '2.0.1': V2, '2.1': V2 };

/** Templates whose action starts with `prefix` (case-insensitive), for one version and optionally one direction. */
export function findTemplates(version: OcppVersion, prefix: string, direction?: Direction): CallTemplate[] {
  const p = prefix.toLowerCase();
  const all = CALL_TEMPLATES[version].filter((t) => (!direction || t.direction === direction) && t.action.toLowerCase().startsWith(p));
  const exact = all.filter((t) => t.action.toLowerCase() === p);
  return exact.length > 0 ? exact : all;
}
