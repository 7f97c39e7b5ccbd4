/**
 * Which CSMS requests open a follow-up measurement (a KPI that ends with a station CALL rather than with the
 * answer), and which station CALL ends it. Pure data and predicates over payloads as the *station* sees them,
 * for OCPP 1.6 (incl. the security extension) and 2.0.1; action names tell the versions apart.
 */
import type { KpiName } from './kpi-types.js';

export type FollowUpKpi = Extract<KpiName, 'triggered_function' | 'remote_start_authorization' | 'remote_stop_end'>;

type Payload = Record<string, unknown>;

/** What a station CALL means for an open follow-up: it ends it, it ends it without a sample, or nothing. */
export type FollowUpMatch = 'end' | 'exclude' | undefined;

export interface FollowUpSpec {
  readonly kpi: FollowUpKpi;
  /** The station's CALLRESULT lets the measurement go on (e.g. status Accepted). */
  accepted(answer: Payload): boolean;
  match(action: string, payload: Payload): FollowUpMatch;
}

/**
 * TriggerMessage (1.6, 2.0.1) and ExtendedTriggerMessage (1.6 security) `requestedMessage` → the action the
 * station sends. Status notifications of firmware, diagnostics and logs are included: the certificate excludes
 * the *functions* (updating firmware, uploading diagnostics, rebooting), not re-sending their current status.
 */
export const TRIGGERED_ACTION: Readonly<Record<string, string>> = {
  BootNotification: 'BootNotification',
  DiagnosticsStatusNotification: 'DiagnosticsStatusNotification',
  FirmwareStatusNotification: 'FirmwareStatusNotification',
  Heartbeat: 'Heartbeat',
  MeterValues: 'MeterValues',
  StatusNotification: 'StatusNotification',
  LogStatusNotification: 'LogStatusNotification',
  SignChargePointCertificate: 'SignCertificate',
  SignChargingStationCertificate: 'SignCertificate',
  SignV2GCertificate: 'SignCertificate',
  SignCombinedCertificate: 'SignCertificate',
  TransactionEvent: 'TransactionEvent',
  PublishFirmwareStatusNotification: 'PublishFirmwareStatusNotification',
};

/** 2.0.1 report requests → the Notify* that carries the same requestId. */
export const REPORT_ACTION: Readonly<Record<string, string>> = {
  GetBaseReport: 'NotifyReport',
  GetReport: 'NotifyReport',
  GetMonitoringReport: 'NotifyMonitoringReport',
  CustomerInformation: 'NotifyCustomerInformation',
};

const obj = (v: unknown): Payload | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Payload) : undefined;

const statusAccepted = (answer: Payload): boolean => answer.status === 'Accepted';

/** Actions that may open a follow-up: only these CALLs need their payload parsed. */
export const FOLLOW_UP_OPENERS: ReadonlySet<string> = new Set([
  'TriggerMessage',
  'ExtendedTriggerMessage',
  ...Object.keys(REPORT_ACTION),
  'RemoteStartTransaction',
  'RequestStartTransaction',
  'RemoteStopTransaction',
  'RequestStopTransaction',
]);

/** The follow-up a CSMS CALL written to the station opens, or undefined when it opens none. */
export function followUpFor(action: string, payload: Payload): FollowUpSpec | undefined {
  switch (action) {
    case 'TriggerMessage':
    case 'ExtendedTriggerMessage':
      return triggerSpec(payload);
    case 'GetBaseReport':
    case 'GetReport':
    case 'GetMonitoringReport':
    case 'CustomerInformation':
      return reportSpec(REPORT_ACTION[action]!, payload);
    case 'RemoteStartTransaction':
      return remoteStart16(payload);
    case 'RequestStartTransaction':
      return remoteStart201(payload);
    case 'RemoteStopTransaction':
      return remoteStop16(payload);
    case 'RequestStopTransaction':
      return remoteStop201(payload);
    default:
      return undefined;
  }
}

function triggerSpec(payload: Payload): FollowUpSpec | undefined {
  const requested = typeof payload.requestedMessage === 'string' ? payload.requestedMessage : undefined;
  const expected = requested === undefined ? undefined : TRIGGERED_ACTION[requested];
  if (!expected) return undefined;
  // 1.6 names a connector, 2.0.1 an EVSE (and maybe a connector on it): the triggered message must be for it.
  const connector16 = typeof payload.connectorId === 'number' ? payload.connectorId : undefined;
  const evse = obj(payload.evse);
  const evseId = typeof evse?.id === 'number' ? evse.id : undefined;
  const evseConnector = typeof evse?.connectorId === 'number' ? evse.connectorId : undefined;
  return {
    kpi: 'triggered_function',
    accepted: statusAccepted,
    match(action, p) {
      if (action !== expected) return undefined;
      if (!sameLocation(p, connector16, evseId, evseConnector)) return undefined;
      // A triggered TransactionEvent says so; others (periodic ones) are not the answer to the trigger.
      if (action === 'TransactionEvent' && p.triggerReason !== 'Trigger') return undefined;
      if (action === 'SignCertificate' && !certificateTypeFits(requested!, p.certificateType)) return undefined;
      return 'end';
    },
  };
}

/** Only checks what both the trigger and the triggered message carry; anything else fits. */
function sameLocation(p: Payload, connector16: number | undefined, evseId: number | undefined, evseConnector: number | undefined): boolean {
  // 1.6: StatusNotification and MeterValues carry the connectorId the trigger named.
  if (connector16 !== undefined) return typeof p.connectorId !== 'number' || p.connectorId === connector16;
  if (evseId === undefined) return true;
  // 2.0.1: StatusNotification and MeterValues carry evseId, TransactionEvent an evse object.
  const got = typeof p.evseId === 'number' ? p.evseId : obj(p.evse)?.id;
  if (typeof got === 'number' && got !== evseId) return false;
  if (evseConnector !== undefined && typeof p.evseId === 'number' && typeof p.connectorId === 'number') {
    return p.connectorId === evseConnector;
  }
  return true;
}

function certificateTypeFits(requested: string, certificateType: unknown): boolean {
  if (typeof certificateType !== 'string') return true;
  if (requested === 'SignV2GCertificate') return certificateType === 'V2GCertificate';
  if (requested === 'SignChargingStationCertificate') return certificateType === 'ChargingStationCertificate';
  return true;
}

function reportSpec(expected: string, payload: Payload): FollowUpSpec | undefined {
  const requestId = payload.requestId;
  if (typeof requestId !== 'number') return undefined;
  return {
    kpi: 'triggered_function',
    // EmptyResultSet, NotSupported, Rejected, Invalid: no report will come.
    accepted: statusAccepted,
    match: (action, p) => (action === expected && p.requestId === requestId ? 'end' : undefined),
  };
}

function remoteStart16(payload: Payload): FollowUpSpec | undefined {
  const idTag = payload.idTag;
  const connectorId = typeof payload.connectorId === 'number' ? payload.connectorId : undefined;
  return {
    kpi: 'remote_start_authorization',
    accepted: statusAccepted,
    match(action, p) {
      if (action !== 'StartTransaction' || p.idTag !== idTag) return undefined;
      return connectorId === undefined || p.connectorId === connectorId ? 'end' : undefined;
    },
  };
}

function remoteStart201(payload: Payload): FollowUpSpec | undefined {
  const remoteStartId = payload.remoteStartId;
  if (typeof remoteStartId !== 'number') return undefined;
  return {
    kpi: 'remote_start_authorization',
    accepted: statusAccepted,
    match: (action, p) =>
      action === 'TransactionEvent' && obj(p.transactionInfo)?.remoteStartId === remoteStartId ? 'end' : undefined,
  };
}

function remoteStop16(payload: Payload): FollowUpSpec | undefined {
  const transactionId = payload.transactionId;
  if (typeof transactionId !== 'number') return undefined;
  return {
    kpi: 'remote_stop_end',
    accepted: statusAccepted,
    match: (action, p) => (action === 'StopTransaction' && p.transactionId === transactionId ? 'end' : undefined),
  };
}

/**
 * 2.0.1: the transaction ends (eventType Ended), or the station reports the remote stop (triggerReason
 * RemoteStop) while the transaction goes on. The certificate leaves out stops reported with chargingState
 * EVConnected (the transaction waits for the cable): those end the measurement without a sample.
 */
function remoteStop201(payload: Payload): FollowUpSpec | undefined {
  const transactionId = payload.transactionId;
  if (typeof transactionId !== 'string') return undefined;
  return {
    kpi: 'remote_stop_end',
    accepted: statusAccepted,
    match(action, p) {
      if (action !== 'TransactionEvent') return undefined;
      const info = obj(p.transactionInfo);
      if (info?.transactionId !== transactionId) return undefined;
      if (p.eventType === 'Ended') return 'end';
      if (p.triggerReason !== 'RemoteStop') return undefined;
      return info.chargingState === 'EVConnected' ? 'exclude' : 'end';
    },
  };
}
