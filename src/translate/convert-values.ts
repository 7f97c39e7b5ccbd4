/**
 * Value converters shared by the message translators: id tokens, EVSE ↔ connector, meter values, charging
 * profiles, enum renames. Each one applies the overflow policy (tc.fit / tc.lose) where a value cannot survive.
 */
import type { OcppVersion } from '../core/types.js';
import type { Json, TranslationContext } from './translator-types.js';
import { txById, txByInt } from './station-state.js';

// ---------------------------------------------------------------------------------------------- id tokens

export const idTagToToken = (idTag: string, tc: TranslationContext): Json => ({ idToken: idTag, type: tc.config.idTokenType });

export const tokenToIdTag = (token: Json, tc: TranslationContext, field = 'idToken'): string => tc.fit(String(token.idToken), 20, field);

const IDTAG_STATUS = new Set(['Accepted', 'Blocked', 'Expired', 'Invalid', 'ConcurrentTx']);

export function idTagInfoToTokenInfo(info: Json, tc: TranslationContext): Json {
  const out: Json = { status: info.status };
  if (info.expiryDate) out.cacheExpiryDateTime = info.expiryDate;
  if (info.parentIdTag) out.groupIdToken = idTagToToken(info.parentIdTag, tc);
  return out;
}

export function tokenInfoToIdTagInfo(info: Json, tc: TranslationContext): Json {
  let status = info.status;
  if (!IDTAG_STATUS.has(status)) {
    tc.flag(`idTokenInfo.status ${status} has no 1.6 counterpart: sent as Invalid`);
    status = 'Invalid';
  }
  const out: Json = { status };
  if (info.cacheExpiryDateTime) out.expiryDate = info.cacheExpiryDateTime;
  if (info.groupIdToken) out.parentIdTag = tokenToIdTag(info.groupIdToken, tc, 'groupIdToken.idToken');
  return out;
}

// -------------------------------------------------------------------------------------- EVSE ↔ connector

/** 1.6 connectorId → 2.0.1 EVSE / connector (default N ↔ EVSE N connector 1; 0 → EVSE 0: the station). */
export function toEvse(tc: TranslationContext, connector: number): { id: number; connectorId: number } {
  const m = tc.config.connectors.get(connector);
  if (m) return { id: m.evse, connectorId: m.connector };
  return { id: connector, connectorId: connector === 0 ? 0 : 1 };
}

/** 2.0.1 EVSE (and connector) → 1.6 connectorId. */
export function toConnector(tc: TranslationContext, evseId: number, connectorId?: number): number {
  if (evseId === 0) return 0;
  for (const [c, m] of tc.config.connectors) {
    if (m.evse === evseId && (connectorId === undefined || m.connector === connectorId)) return c;
  }
  return evseId;
}

// ------------------------------------------------------------------------------------------ meter values

const MEASURANDS_201 = new Set([
  'Current.Export', 'Current.Import', 'Current.Offered', 'Energy.Active.Export.Register', 'Energy.Active.Import.Register',
  'Energy.Reactive.Export.Register', 'Energy.Reactive.Import.Register', 'Energy.Active.Export.Interval',
  'Energy.Active.Import.Interval', 'Energy.Active.Net', 'Energy.Reactive.Export.Interval', 'Energy.Reactive.Import.Interval',
  'Energy.Reactive.Net', 'Energy.Apparent.Net', 'Energy.Apparent.Import', 'Energy.Apparent.Export', 'Frequency',
  'Power.Active.Export', 'Power.Active.Import', 'Power.Factor', 'Power.Offered', 'Power.Reactive.Export',
  'Power.Reactive.Import', 'SoC', 'Voltage',
]);
const MEASURANDS_16 = new Set([
  'Energy.Active.Export.Register', 'Energy.Active.Import.Register', 'Energy.Reactive.Export.Register',
  'Energy.Reactive.Import.Register', 'Energy.Active.Export.Interval', 'Energy.Active.Import.Interval',
  'Energy.Reactive.Export.Interval', 'Energy.Reactive.Import.Interval', 'Power.Active.Export', 'Power.Active.Import',
  'Power.Offered', 'Power.Reactive.Export', 'Power.Reactive.Import', 'Power.Factor', 'Current.Import', 'Current.Export',
  'Current.Offered', 'Voltage', 'Frequency', 'Temperature', 'SoC', 'RPM',
]);
const UNITS_16 = new Set(['Wh', 'kWh', 'varh', 'kvarh', 'W', 'kW', 'VA', 'kVA', 'var', 'kvar', 'A', 'V', 'K', 'Celcius', 'Celsius', 'Fahrenheit', 'Percent']);
/** 1.6 units into the 2.0.1 "standardized units" list (part 2 appendix 2.13). */
const UNIT_16_TO_201: Record<string, string> = { Celcius: 'Celsius', Percent: 'Percent' };
const CONTEXTS = new Set(['Interruption.Begin', 'Interruption.End', 'Other', 'Sample.Clock', 'Sample.Periodic', 'Transaction.Begin', 'Transaction.End', 'Trigger']);

/** 1.6 meterValue[] → 2.0.1 meterValue[] (string values → numbers, unit → unitOfMeasure, SignedData → signedMeterValue). */
export function meterValues16to201(mvs: Json[], tc: TranslationContext): Json[] {
  const out: Json[] = [];
  for (const mv of mvs ?? []) {
    const sampled: Json[] = [];
    for (const sv of mv.sampledValue ?? []) {
      if (sv.measurand && !MEASURANDS_201.has(sv.measurand)) {
        tc.lose(`measurand ${sv.measurand} has no 2.0.1 counterpart: sampled value dropped`);
        continue;
      }
      const o: Json = {};
      if (sv.format === 'SignedData') {
        o.value = 0;
        o.signedMeterValue = { signedMeterData: tc.fit(String(sv.value), 2500, 'signedMeterData'), signingMethod: '', encodingMethod: 'OCPP16-SignedData', publicKey: '' };
      } else {
        const n = Number(sv.value);
        if (!Number.isFinite(n)) {
          tc.lose(`sampled value "${sv.value}" is not a number: dropped`);
          continue;
        }
        o.value = n;
      }
      if (sv.context) o.context = sv.context;
      if (sv.measurand) o.measurand = sv.measurand;
      if (sv.phase) o.phase = sv.phase;
      if (sv.location) o.location = sv.location;
      if (sv.unit) o.unitOfMeasure = { unit: UNIT_16_TO_201[sv.unit] ?? sv.unit };
      sampled.push(o);
    }
    if (sampled.length > 0) out.push({ timestamp: mv.timestamp, sampledValue: sampled });
  }
  return out;
}

/** 2.0.1 meterValue[] → 1.6 (numbers → strings with the multiplier applied, signedMeterValue → a SignedData value). */
export function meterValues201to16(mvs: Json[], tc: TranslationContext): Json[] {
  const out: Json[] = [];
  for (const mv of mvs ?? []) {
    const sampled: Json[] = [];
    for (const sv of mv.sampledValue ?? []) {
      if (sv.measurand && !MEASURANDS_16.has(sv.measurand)) {
        tc.lose(`measurand ${sv.measurand} has no 1.6 counterpart: sampled value dropped`);
        continue;
      }
      const base: Json = {};
      if (sv.context && CONTEXTS.has(sv.context)) base.context = sv.context;
      if (sv.measurand) base.measurand = sv.measurand;
      if (sv.phase) base.phase = sv.phase;
      if (sv.location) base.location = sv.location;
      const unit = sv.unitOfMeasure?.unit;
      const mult = sv.unitOfMeasure?.multiplier ?? 0;
      // toPrecision strips float noise of the multiplication (7.2 × 10³ = 7200.000000000001); it is slow, so only then.
      const value = mult ? Number((Number(sv.value) * 10 ** mult).toPrecision(15)) : Number(sv.value);
      if (unit !== undefined) {
        if (UNITS_16.has(unit)) base.unit = unit;
        else tc.lose(`unit ${unit} has no 1.6 counterpart: sent without unit`);
      }
      // Object spread is ~15× slower than assignment here (V8, node 20): the hot path assigns.
      const signed = sv.signedMeterValue ? { ...base, format: 'SignedData', value: sv.signedMeterValue.signedMeterData } : undefined;
      base.value = String(value);
      sampled.push(base);
      if (signed) sampled.push(signed);
    }
    if (sampled.length > 0) out.push({ timestamp: mv.timestamp, sampledValue: sampled });
  }
  return out;
}

/** The active import energy register (Wh) in meter values of either version, preferring `context`. */
export function energyWh(mvs: Json[] | undefined, context?: string): number | undefined {
  let found: number | undefined;
  for (const mv of mvs ?? []) {
    for (const sv of mv.sampledValue ?? []) {
      if ((sv.measurand ?? 'Energy.Active.Import.Register') !== 'Energy.Active.Import.Register' || sv.phase) continue;
      if (sv.format === 'SignedData' || sv.signedMeterValue && Number(sv.value) === 0) continue;
      const unit = sv.unit ?? sv.unitOfMeasure?.unit ?? 'Wh';
      const mult = sv.unitOfMeasure?.multiplier ?? 0;
      let v = Number(sv.value) * 10 ** mult;
      if (unit === 'kWh') v *= 1000;
      if (!Number.isFinite(v)) continue;
      if (context && sv.context === context) return v;
      found = v;
    }
  }
  return found;
}

// -------------------------------------------------------------------------------------- charging profiles

const PURPOSE_16_TO_201: Record<string, string> = { ChargePointMaxProfile: 'ChargingStationMaxProfile', TxDefaultProfile: 'TxDefaultProfile', TxProfile: 'TxProfile' };
const PURPOSE_201_TO_16: Record<string, string> = { ChargingStationMaxProfile: 'ChargePointMaxProfile', TxDefaultProfile: 'TxDefaultProfile', TxProfile: 'TxProfile' };

export const purpose16to201 = (p: string): string => PURPOSE_16_TO_201[p] ?? p;
/** Undefined for ChargingStationExternalConstraints (no 1.6 counterpart). */
export const purpose201to16 = (p: string): string | undefined => PURPOSE_201_TO_16[p];

const periods = (ps: Json[]): Json[] =>
  ps.map((p) => ({ startPeriod: p.startPeriod, limit: p.limit, ...(p.numberPhases !== undefined ? { numberPhases: p.numberPhases } : {}) }));

function schedule16to201(s: Json, id: number): Json {
  const o: Json = { id, chargingRateUnit: s.chargingRateUnit, chargingSchedulePeriod: periods(s.chargingSchedulePeriod) };
  if (s.duration !== undefined) o.duration = s.duration;
  if (s.startSchedule) o.startSchedule = s.startSchedule;
  if (s.minChargingRate !== undefined) o.minChargingRate = s.minChargingRate;
  return o;
}

function schedule201to16(s: Json, tc: TranslationContext): Json {
  const o: Json = { chargingRateUnit: s.chargingRateUnit, chargingSchedulePeriod: periods(s.chargingSchedulePeriod) };
  if (s.chargingSchedulePeriod.some((p: Json) => p.phaseToUse !== undefined)) tc.lose('chargingSchedulePeriod.phaseToUse has no 1.6 counterpart');
  if (s.salesTariff) tc.lose('chargingSchedule.salesTariff has no 1.6 counterpart');
  if (s.duration !== undefined) o.duration = s.duration;
  if (s.startSchedule) o.startSchedule = s.startSchedule;
  if (s.minChargingRate !== undefined) o.minChargingRate = s.minChargingRate;
  return o;
}

/** 1.6 ChargingProfile → 2.0.1 (transactionId through the id map). */
export function profile16to201(p: Json, tc: TranslationContext): Json {
  const o: Json = {
    id: p.chargingProfileId,
    stackLevel: p.stackLevel,
    chargingProfilePurpose: purpose16to201(p.chargingProfilePurpose),
    chargingProfileKind: p.chargingProfileKind,
    chargingSchedule: [schedule16to201(p.chargingSchedule, p.chargingProfileId)],
  };
  if (p.recurrencyKind) o.recurrencyKind = p.recurrencyKind;
  if (p.validFrom) o.validFrom = p.validFrom;
  if (p.validTo) o.validTo = p.validTo;
  if (p.transactionId !== undefined) {
    const tx = txByInt(tc.state, p.transactionId);
    if (tx) o.transactionId = tx.id;
    else tc.lose(`charging profile for unknown 1.6 transaction ${p.transactionId}: transactionId dropped`);
  }
  return o;
}

/** 2.0.1 ChargingProfile → 1.6; undefined when its purpose has no 1.6 counterpart. */
export function profile201to16(p: Json, tc: TranslationContext): Json | undefined {
  const purpose = purpose201to16(p.chargingProfilePurpose);
  if (!purpose) return undefined;
  const [first, ...rest] = p.chargingSchedule as Json[];
  if (rest.length > 0) tc.lose(`charging profile ${p.id} has ${p.chargingSchedule.length} schedules, 1.6 carries one: the first is sent`);
  const o: Json = {
    chargingProfileId: p.id,
    stackLevel: p.stackLevel,
    chargingProfilePurpose: purpose,
    chargingProfileKind: p.chargingProfileKind,
    chargingSchedule: schedule201to16(first, tc),
  };
  if (p.recurrencyKind) o.recurrencyKind = p.recurrencyKind;
  if (p.validFrom) o.validFrom = p.validFrom;
  if (p.validTo) o.validTo = p.validTo;
  if (p.transactionId !== undefined) {
    const tx = txById(tc.state, p.transactionId);
    if (tx?.int !== undefined) o.transactionId = tx.int;
    else tc.lose(`charging profile for unknown transaction ${p.transactionId}: transactionId dropped`);
  }
  return o;
}

// ------------------------------------------------------------------------------------------- enum renames

/** CALLERROR codes differ in spelling between the versions (OCPP-J 1.6 §4.2.3, 2.0.1 part 4 §4.3). */
const ERROR_TO_16: Record<string, string> = {
  FormatViolation: 'FormationViolation',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation',
  RpcFrameworkError: 'GenericError',
  MessageTypeNotSupported: 'GenericError',
};
const ERROR_TO_201: Record<string, string> = {
  FormationViolation: 'FormatViolation',
  OccurenceConstraintViolation: 'OccurrenceConstraintViolation',
};
const ERRORS_16 = new Set(['NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation', 'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'TypeConstraintViolation', 'GenericError']);
const ERRORS_201 = new Set(['FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented', 'NotSupported', 'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError', 'SecurityError', 'TypeConstraintViolation']);

export function errorCodeFor(code: string, to: OcppVersion): string {
  if (to === '1.6') {
    const c = ERROR_TO_16[code] ?? code;
    return ERRORS_16.has(c) ? c : 'GenericError';
  }
  const c = ERROR_TO_201[code] ?? code;
  return ERRORS_201.has(c) ? c : 'GenericError';
}

/** 1.6 StopTransaction.reason → 2.0.1 stoppedReason. */
export const STOP_REASON_TO_201: Record<string, string> = {
  EmergencyStop: 'EmergencyStop', EVDisconnected: 'EVDisconnected', HardReset: 'ImmediateReset', Local: 'Local',
  Other: 'Other', PowerLoss: 'PowerLoss', Reboot: 'Reboot', Remote: 'Remote', SoftReset: 'Reboot',
  UnlockCommand: 'Other', DeAuthorized: 'DeAuthorized',
};
/** 1.6 StopTransaction.reason → the triggerReason of the Ended TransactionEvent. */
export const STOP_TRIGGER_TO_201: Record<string, string> = {
  EmergencyStop: 'AbnormalCondition', EVDisconnected: 'EVCommunicationLost', HardReset: 'ResetCommand', Local: 'StopAuthorized',
  Other: 'AbnormalCondition', PowerLoss: 'AbnormalCondition', Reboot: 'ResetCommand', Remote: 'RemoteStop',
  SoftReset: 'ResetCommand', UnlockCommand: 'UnlockCommand', DeAuthorized: 'Deauthorized',
};
/** 2.0.1 stoppedReason → 1.6 reason (the nearest one; Other where 1.6 has none). */
export const STOP_REASON_TO_16: Record<string, string> = {
  DeAuthorized: 'DeAuthorized', EmergencyStop: 'EmergencyStop', EVDisconnected: 'EVDisconnected', ImmediateReset: 'HardReset',
  Local: 'Local', PowerLoss: 'PowerLoss', Reboot: 'Reboot', Remote: 'Remote', StoppedByEV: 'EVDisconnected',
};

/** 1.6 ChargePointStatus → 2.0.1 ConnectorStatus. */
export const STATUS_TO_201: Record<string, string> = {
  Available: 'Available', Preparing: 'Occupied', Charging: 'Occupied', SuspendedEV: 'Occupied', SuspendedEVSE: 'Occupied',
  Finishing: 'Occupied', Reserved: 'Reserved', Unavailable: 'Unavailable', Faulted: 'Faulted',
};
/** 2.0.1 chargingState → 1.6 ChargePointStatus (synthesised StatusNotification). */
export const CHARGING_STATE_TO_16: Record<string, string> = {
  Charging: 'Charging', SuspendedEV: 'SuspendedEV', SuspendedEVSE: 'SuspendedEVSE', EVConnected: 'Preparing', Idle: 'Preparing',
};
/** 1.6 status → the chargingState it implies during a transaction. */
export const STATUS_TO_CHARGING_STATE: Record<string, string> = {
  Charging: 'Charging', SuspendedEV: 'SuspendedEV', SuspendedEVSE: 'SuspendedEVSE', Preparing: 'EVConnected', Finishing: 'EVConnected',
};

/** 1.6 security extension ↔ 2.0.1 certificate types. */
export const CERT_TYPE_TO_16: Record<string, string> = { CSMSRootCertificate: 'CentralSystemRootCertificate', ManufacturerRootCertificate: 'ManufacturerRootCertificate' };
export const CERT_TYPE_TO_201: Record<string, string> = { CentralSystemRootCertificate: 'CSMSRootCertificate', ManufacturerRootCertificate: 'ManufacturerRootCertificate' };

/** 1.6 data of DataTransfer is a string; 2.0.1 data is any JSON. */
export const dataTo16 = (data: unknown): string | undefined =>
  data === undefined ? undefined : typeof data === 'string' ? data : JSON.stringify(data);

/** Copy the keys of `src` that are defined. */
export function defined<T extends Record<string, unknown>>(src: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(src) as (keyof T)[]) if (src[k] !== undefined) out[k] = src[k];
  return out;
}
