/**
 * Which certification profile (or 1.6 extension) an OCPP action belongs to, so the audit can tell when a CSMS uses
 * functionality a station was not certified for.
 *
 * 1.6: the "Feature Profiles" message table of OCPP 1.6 edition 2 (§3.3), plus the messages the security
 * whitepaper adds (the "Security extension" of 1.6 certificates).
 * 2.0.1: Part 5 table 1 (certification profiles → use cases), each use case resolved to its messages (Part 2).
 * Messages of no certification profile (e.g. 2.0.1 local-controller firmware publishing) are absent: not audited.
 */
import type { OcppVersion } from '../core/types.js';

export interface ActionProfile {
  /** Certification profile or extension name, as certificates write it. */
  name: string;
  /** True when certificates list it under "Certification Extension" rather than "Certification Profile". */
  extension?: boolean;
}

const P16: Record<string, string[]> = {
  Core: [
    'Authorize', 'BootNotification', 'ChangeAvailability', 'ChangeConfiguration', 'ClearCache', 'DataTransfer',
    'GetConfiguration', 'Heartbeat', 'MeterValues', 'RemoteStartTransaction', 'RemoteStopTransaction', 'Reset',
    'StartTransaction', 'StatusNotification', 'StopTransaction', 'UnlockConnector',
  ],
  'Firmware Management': ['GetDiagnostics', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'UpdateFirmware'],
  'Local Authorization List Management': ['GetLocalListVersion', 'SendLocalList'],
  Reservation: ['CancelReservation', 'ReserveNow'],
  'Smart Charging': ['ClearChargingProfile', 'GetCompositeSchedule', 'SetChargingProfile'],
  'Remote Trigger': ['TriggerMessage'],
};
const EXT16: Record<string, string[]> = {
  'Security extension': [
    'CertificateSigned', 'DeleteCertificate', 'ExtendedTriggerMessage', 'GetInstalledCertificateIds', 'GetLog',
    'InstallCertificate', 'LogStatusNotification', 'SecurityEventNotification', 'SignCertificate',
    'SignedFirmwareStatusNotification', 'SignedUpdateFirmware',
  ],
};

const P201: Record<string, string[]> = {
  Core: [
    'Authorize', 'BootNotification', 'ChangeAvailability', 'ClearCache', 'CustomerInformation', 'DataTransfer',
    'DeleteCertificate', 'FirmwareStatusNotification', 'GetBaseReport', 'GetInstalledCertificateIds', 'GetLog',
    'GetTransactionStatus', 'GetVariables', 'Heartbeat', 'InstallCertificate', 'LogStatusNotification', 'MeterValues',
    'NotifyCustomerInformation', 'NotifyReport', 'RequestStartTransaction', 'RequestStopTransaction', 'Reset',
    'SecurityEventNotification', 'SetNetworkProfile', 'SetVariables', 'StatusNotification', 'TransactionEvent',
    'TriggerMessage', 'UnlockConnector', 'UpdateFirmware',
  ],
  // A02/A03 (update the station certificate): the station asks for a signed certificate, the CSMS installs it.
  'Advanced Security': ['SignCertificate', 'CertificateSigned'],
  'Local Authorization List Management': ['GetLocalListVersion', 'SendLocalList'],
  'Smart Charging': [
    'SetChargingProfile', 'GetChargingProfiles', 'ReportChargingProfiles', 'ClearChargingProfile',
    'GetCompositeSchedule', 'NotifyChargingLimit', 'ClearedChargingLimit',
  ],
  'Advanced Device Management': [
    'GetMonitoringReport', 'NotifyMonitoringReport', 'SetMonitoringBase', 'SetVariableMonitoring',
    'SetMonitoringLevel', 'ClearVariableMonitoring', 'GetReport', 'NotifyEvent',
  ],
  'Advanced User Interface': ['SetDisplayMessage', 'GetDisplayMessages', 'NotifyDisplayMessages', 'ClearDisplayMessage', 'CostUpdated'],
  Reservation: ['ReserveNow', 'CancelReservation', 'ReservationStatusUpdate'],
  'ISO 15118 Support': ['Get15118EVCertificate', 'GetCertificateStatus', 'NotifyEVChargingNeeds', 'NotifyEVChargingSchedule'],
};

function index(profiles: Record<string, string[]>, extension: boolean, into: Map<string, ActionProfile>): Map<string, ActionProfile> {
  for (const [name, actions] of Object.entries(profiles)) for (const a of actions) into.set(a, extension ? { name, extension } : { name });
  return into;
}
const MAPS: Record<OcppVersion, Map<string, ActionProfile>> = {
  '1.6': index(EXT16, true, index(P16, false, new Map())),
  '2.0.1': index(P201, false, new Map()),
  // 2.1 keeps the 2.0.1 profiles for the actions both have; its 27 new actions belong to none of them.
  '2.1': index(P201, false, new Map()),
};

export function profileOfAction(version: OcppVersion, action: string): ActionProfile | undefined {
  return MAPS[version].get(action);
}

/** Profile names compare without case, spaces or the "Auth"/"Authorization" variants ("Local Auth List Management"). */
export function profileKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/^localauthlist/, 'localauthorizationlist')
    .replace(/support$/, '');
}

/** The result a profile records for a certification profile name, whatever its spelling there. */
export function resultFor(results: Record<string, string> | undefined, name: string): string | undefined {
  const key = profileKey(name);
  return Object.entries(results ?? {}).find(([k]) => profileKey(k) === key)?.[1];
}
