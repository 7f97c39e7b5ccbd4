/**
 * A 1.6 station behind a 2.0.1 CSMS: the CALLs the CSMS makes, into 1.6, and the station's answers back.
 * GetVariables / SetVariables / GetBaseReport work through the configuration-key map.
 */
import {
  CERT_TYPE_TO_16,
  CERT_TYPE_TO_201,
  dataTo16,
  defined,
  profile201to16,
  purpose201to16,
  toConnector,
  tokenInfoToIdTagInfo,
  tokenToIdTag,
} from '../convert-values.js';
import { keyOf, targetOf, WRITE_ONLY_KEYS, type ComponentVariable } from '../config-keys.js';
import { openTxOn, txById } from '../station-state.js';
import { plainResponse, type Answer, type CallOutcome, type Json, type TranslationContext, type TranslatorTable } from '../translator-types.js';

const forward = (action: string, payload: Json): CallOutcome => ({ kind: 'forward', action, payload });
const answer = (payload: Json): CallOutcome => ({ kind: 'answer', payload });
const status = (p: Json): Json => ({ status: p.status });
const cv = (d: Json): ComponentVariable => ({ component: d.component, variable: d.variable });
const reason = (reasonCode: string, additionalInfo: string): Json => ({ reasonCode, additionalInfo: additionalInfo.slice(0, 512) });

/** 1.6 connectorId for a 2.0.1 evseId that may be absent (absent: the whole station). */
const connectorOf = (tc: TranslationContext, evseId: number | undefined, connectorId?: number): number =>
  evseId === undefined ? 0 : toConnector(tc, evseId, connectorId);

/** NotifyReport items per message (each item may be up to 2.5 kB of value). */
const REPORT_CHUNK = 50;

function buildReports(tc: TranslationContext, requestId: number, ans: Answer): Json[] {
  const generatedAt = tc.now();
  if (!ans.ok) {
    tc.flag(`GetConfiguration for GetBaseReport ${requestId} failed (${ans.code}): empty report sent`);
    return [{ requestId, generatedAt, seqNo: 0, tbc: false }];
  }
  const items = (ans.payload.configurationKey ?? []).map((k: Json) => {
    const t = targetOf(tc.config.keys, tc.config.unmappedComponent, k.key);
    const attr: Json = { type: 'Actual', mutability: k.readonly ? 'ReadOnly' : 'ReadWrite' };
    if (k.value !== undefined && !WRITE_ONLY_KEYS.has(k.key)) attr.value = k.value;
    if (WRITE_ONLY_KEYS.has(k.key)) attr.mutability = 'WriteOnly';
    return { component: t.component, variable: t.variable, variableAttribute: [attr], variableCharacteristics: { dataType: 'string', supportsMonitoring: false } };
  });
  const reports: Json[] = [];
  for (let i = 0; i === 0 || i < items.length; i += REPORT_CHUNK) {
    const reportData = items.slice(i, i + REPORT_CHUNK);
    reports.push({ requestId, generatedAt, seqNo: reports.length, tbc: i + REPORT_CHUNK < items.length, ...(reportData.length ? { reportData } : {}) });
  }
  return reports;
}

/** Send NotifyReports one after the other (each waits for the previous answer, as a station would). */
function sendReports(tc: TranslationContext, reports: Json[]): void {
  const [first, ...rest] = reports;
  if (first) tc.call('to-csms', 'NotifyReport', first, () => sendReports(tc, rest));
}

const TRIGGER_TO_16: Record<string, { action: 'TriggerMessage' | 'ExtendedTriggerMessage'; message: string }> = {
  BootNotification: { action: 'TriggerMessage', message: 'BootNotification' },
  LogStatusNotification: { action: 'TriggerMessage', message: 'DiagnosticsStatusNotification' },
  FirmwareStatusNotification: { action: 'TriggerMessage', message: 'FirmwareStatusNotification' },
  Heartbeat: { action: 'TriggerMessage', message: 'Heartbeat' },
  MeterValues: { action: 'TriggerMessage', message: 'MeterValues' },
  StatusNotification: { action: 'TriggerMessage', message: 'StatusNotification' },
  TransactionEvent: { action: 'TriggerMessage', message: 'MeterValues' },
  SignChargingStationCertificate: { action: 'ExtendedTriggerMessage', message: 'SignChargePointCertificate' },
};

export const csms201Calls: TranslatorTable = {
  RequestStartTransaction: {
    request(p, tc) {
      const connectorId = p.evseId === undefined ? undefined : toConnector(tc, p.evseId);
      const idTag = tokenToIdTag(p.idToken, tc);
      const out: Json = defined({ connectorId, idTag });
      if (p.chargingProfile) {
        const prof = profile201to16(p.chargingProfile, tc);
        if (prof) out.chargingProfile = prof;
        else tc.lose(`charging profile purpose ${p.chargingProfile.chargingProfilePurpose} has no 1.6 counterpart: dropped`);
      }
      if (p.groupIdToken) tc.flag('RequestStartTransaction.groupIdToken has no 1.6 counterpart: dropped');
      tc.state.remoteStarts[connectorId ?? 0] = { remoteStartId: p.remoteStartId, idTag, at: tc.now() };
      tc.changed();
      return forward('RemoteStartTransaction', out);
    },
    response(p, tc, req) {
      const out: Json = { status: p.status };
      const tx = req.evseId === undefined ? undefined : openTxOn(tc.state, toConnector(tc, req.evseId));
      if (tx) out.transactionId = tx.id;
      return out;
    },
  },

  RequestStopTransaction: {
    request(p, tc) {
      const tx = txById(tc.state, p.transactionId);
      if (tx?.int === undefined || tx.ended) {
        return answer({ status: 'Rejected', statusInfo: reason('UnknownTransaction', `transaction ${p.transactionId} is not known to the translator`) });
      }
      return forward('RemoteStopTransaction', { transactionId: tx.int });
    },
    response: status,
  },

  GetTransactionStatus: {
    request(p, tc) {
      // 1.6 has no such message; the translator knows the answer (it queues nothing itself).
      if (p.transactionId === undefined) return answer({ messagesInQueue: false });
      const tx = txById(tc.state, p.transactionId);
      return answer(tx ? { ongoingIndicator: !tx.ended, messagesInQueue: false } : { messagesInQueue: false });
    },
  },

  Reset: {
    request(p, tc) {
      if (p.evseId !== undefined) {
        tc.flag(`Reset of EVSE ${p.evseId}: 1.6 resets the whole station only, rejected`);
        return answer({ status: 'Rejected', statusInfo: reason('UnsupportedRequest', '1.6 Reset has no EVSE scope') });
      }
      return forward('Reset', { type: p.type === 'Immediate' ? 'Hard' : 'Soft' });
    },
    response: status,
  },

  ChangeAvailability: {
    request: (p, tc) => forward('ChangeAvailability', { connectorId: p.evse ? toConnector(tc, p.evse.id, p.evse.connectorId) : 0, type: p.operationalStatus }),
    response: status,
  },

  UnlockConnector: {
    request: (p, tc) => forward('UnlockConnector', { connectorId: toConnector(tc, p.evseId, p.connectorId) }),
    response(p, tc) {
      if (p.status === 'NotSupported') tc.flag('UnlockConnector answered NotSupported, which 2.0.1 lacks: sent as UnlockFailed');
      return { status: p.status === 'Unlocked' ? 'Unlocked' : 'UnlockFailed' };
    },
  },

  TriggerMessage: {
    request(p, tc) {
      const t = TRIGGER_TO_16[p.requestedMessage];
      if (!t) {
        tc.flag(`TriggerMessage ${p.requestedMessage} has no 1.6 counterpart: answered NotImplemented`);
        return answer({ status: 'NotImplemented' });
      }
      if (p.requestedMessage === 'TransactionEvent') tc.flag('TriggerMessage TransactionEvent: the 1.6 station is asked for MeterValues, the nearest');
      const out: Json = { requestedMessage: t.message };
      if (p.evse) out.connectorId = toConnector(tc, p.evse.id, p.evse.connectorId);
      return forward(t.action, out);
    },
    response: status,
  },

  GetVariables: {
    request(p, tc) {
      const items: Json[] = p.getVariableData;
      const keys = items.map((d) => ((d.attributeType ?? 'Actual') === 'Actual' ? keyOf(tc.config.keys, tc.config.unmappedComponent, cv(d)) : undefined));
      const wanted = [...new Set(keys.filter((k): k is string => k !== undefined))];
      if (wanted.length === 0) return answer({ getVariableResult: items.map((d) => unknownVariable(d)) });
      return forward('GetConfiguration', { key: wanted });
    },
    response(p, tc, req) {
      const found = new Map<string, Json>((p.configurationKey ?? []).map((k: Json) => [k.key, k]));
      return {
        getVariableResult: req.getVariableData.map((d: Json) => {
          if ((d.attributeType ?? 'Actual') !== 'Actual') return result(d, 'NotSupportedAttributeType');
          const key = keyOf(tc.config.keys, tc.config.unmappedComponent, cv(d));
          const k = key === undefined ? undefined : found.get(key);
          if (!k) return unknownVariable(d);
          if (WRITE_ONLY_KEYS.has(k.key)) return result(d, 'Rejected');
          return result(d, 'Accepted', k.value === undefined ? undefined : { attributeValue: k.value });
        }),
      };
    },
  },

  SetVariables: {
    request(p, tc) {
      const items: Json[] = p.setVariableData;
      const calls: { action: string; payload: Json }[] = [];
      const slot: (number | Json)[] = items.map((d) => {
        if ((d.attributeType ?? 'Actual') !== 'Actual') return result(d, 'NotSupportedAttributeType');
        const key = keyOf(tc.config.keys, tc.config.unmappedComponent, cv(d));
        if (key === undefined) return unknownVariable(d);
        calls.push({ action: 'ChangeConfiguration', payload: { key, value: tc.fit(String(d.attributeValue), 500, `${d.component.name}.${d.variable.name}`) } });
        return calls.length - 1;
      });
      const gather = (answers: Answer[]): Json => ({
        setVariableResult: slot.map((s, i) => {
          if (typeof s !== 'number') return s;
          const a = answers[s]!;
          const d = items[i]!;
          if (!a.ok) return result(d, 'Rejected', { attributeStatusInfo: reason(a.code.slice(0, 20), a.description) });
          const st = a.payload.status;
          return result(d, st === 'NotSupported' ? 'UnknownVariable' : st);
        }),
      });
      if (calls.length === 0) return answer(gather([]));
      return { kind: 'fanout', calls, gather };
    },
  },

  GetBaseReport: {
    request(p, tc) {
      if (p.reportBase === 'SummaryInventory') return answer({ status: 'NotSupported' });
      // Accept now, ask the station for every key, then report them as a station would (NotifyReport, seqNo, tbc).
      tc.call('to-station', 'GetConfiguration', {}, (ans) => sendReports(tc, buildReports(tc, p.requestId, ans)));
      return answer({ status: 'Accepted' });
    },
  },

  SendLocalList: {
    request(p, tc) {
      const list = (p.localAuthorizationList ?? []).map((e: Json) => ({
        idTag: tokenToIdTag(e.idToken, tc, 'localAuthorizationList.idToken'),
        ...(e.idTokenInfo ? { idTagInfo: tokenInfoToIdTagInfo(e.idTokenInfo, tc) } : {}),
      }));
      return forward('SendLocalList', { listVersion: p.versionNumber, updateType: p.updateType, ...(list.length ? { localAuthorizationList: list } : {}) });
    },
    response(p, tc) {
      if (p.status === 'NotSupported') tc.flag('SendLocalList answered NotSupported, which 2.0.1 lacks: sent as Failed');
      return { status: p.status === 'NotSupported' ? 'Failed' : p.status };
    },
  },

  GetLocalListVersion: { request: () => forward('GetLocalListVersion', {}), response: (p) => ({ versionNumber: p.listVersion }) },

  ReserveNow: {
    request(p, tc) {
      if (p.connectorType) tc.flag('ReserveNow.connectorType has no 1.6 counterpart: dropped');
      return forward('ReserveNow', defined({
        connectorId: connectorOf(tc, p.evseId),
        expiryDate: p.expiryDateTime,
        idTag: tokenToIdTag(p.idToken, tc),
        parentIdTag: p.groupIdToken ? tokenToIdTag(p.groupIdToken, tc, 'groupIdToken.idToken') : undefined,
        reservationId: p.id,
      }));
    },
    response: status,
  },

  CancelReservation: { request: (p) => forward('CancelReservation', { reservationId: p.reservationId }), response: status },
  ClearCache: { request: () => forward('ClearCache', {}), response: status },

  DataTransfer: {
    request: (p) => forward('DataTransfer', defined({ vendorId: p.vendorId, messageId: p.messageId, data: dataTo16(p.data) })),
    response: (p) => defined({ status: p.status, data: p.data }),
  },

  SetChargingProfile: {
    request(p, tc) {
      const prof = profile201to16(p.chargingProfile, tc);
      if (!prof) {
        tc.flag(`charging profile purpose ${p.chargingProfile.chargingProfilePurpose} has no 1.6 counterpart: rejected`);
        return answer({ status: 'Rejected', statusInfo: reason('UnsupportedPurpose', 'no 1.6 counterpart') });
      }
      return forward('SetChargingProfile', { connectorId: toConnector(tc, p.evseId), csChargingProfiles: prof });
    },
    response: (p) => ({ status: p.status === 'Accepted' ? 'Accepted' : 'Rejected' }),
  },

  ClearChargingProfile: {
    request(p, tc) {
      const c = p.chargingProfileCriteria ?? {};
      const purpose = c.chargingProfilePurpose ? purpose201to16(c.chargingProfilePurpose) : undefined;
      if (c.chargingProfilePurpose && !purpose) return answer({ status: 'Unknown' });
      return forward('ClearChargingProfile', defined({
        id: p.chargingProfileId,
        connectorId: c.evseId === undefined ? undefined : toConnector(tc, c.evseId),
        chargingProfilePurpose: purpose,
        stackLevel: c.stackLevel,
      }));
    },
    response: status,
  },

  GetCompositeSchedule: {
    request: (p, tc) => forward('GetCompositeSchedule', defined({ connectorId: toConnector(tc, p.evseId), duration: p.duration, chargingRateUnit: p.chargingRateUnit })),
    response(p, tc, req) {
      const out: Json = { status: p.status };
      const s = p.chargingSchedule;
      if (p.status === 'Accepted' && s) {
        out.schedule = {
          evseId: req.evseId,
          duration: s.duration ?? req.duration,
          scheduleStart: p.scheduleStart ?? s.startSchedule ?? tc.now(),
          chargingRateUnit: s.chargingRateUnit,
          chargingSchedulePeriod: s.chargingSchedulePeriod,
        };
      }
      return out;
    },
  },

  UpdateFirmware: {
    request(p, tc) {
      const f = p.firmware;
      const signed = f.signature !== undefined || f.signingCertificate !== undefined;
      tc.state.firmwareRequest = { requestId: p.requestId, via: signed ? 'SignedUpdateFirmware' : 'UpdateFirmware' };
      tc.changed();
      if (signed) return forward('SignedUpdateFirmware', defined({ requestId: p.requestId, retries: p.retries, retryInterval: p.retryInterval, firmware: f }));
      if (f.installDateTime) tc.flag('UpdateFirmware.installDateTime has no 1.6 counterpart: dropped');
      return forward('UpdateFirmware', defined({ location: f.location, retrieveDate: f.retrieveDateTime, retries: p.retries, retryInterval: p.retryInterval }));
    },
    // 1.6 UpdateFirmware.conf carries no status: the station took it.
    response: (p, _tc, _req, sent) => ({ status: sent.firmware ? p.status : 'Accepted' }),
  },

  GetLog: {
    request(p, tc) {
      const diag = p.logType === 'DiagnosticsLog';
      tc.state.logRequest = { requestId: p.requestId, via: diag ? 'GetDiagnostics' : 'GetLog' };
      tc.changed();
      if (!diag) return forward('GetLog', defined({ logType: p.logType, requestId: p.requestId, retries: p.retries, retryInterval: p.retryInterval, log: p.log }));
      return forward('GetDiagnostics', defined({
        location: p.log.remoteLocation,
        retries: p.retries,
        retryInterval: p.retryInterval,
        startTime: p.log.oldestTimestamp,
        stopTime: p.log.latestTimestamp,
      }));
    },
    response(p, _tc, _req, sent) {
      if (!('location' in sent)) return plainResponse(p);
      // GetDiagnostics.conf: a file name means an upload follows; none means there is nothing to upload.
      return p.fileName ? { status: 'Accepted', filename: p.fileName } : { status: 'Rejected' };
    },
  },

  // ---- 1.6 security extension
  CertificateSigned: {
    request(p) {
      if (p.certificateType === 'V2GCertificate') return answer({ status: 'Rejected', statusInfo: reason('UnsupportedCertType', 'no V2G certificates in 1.6') });
      return forward('CertificateSigned', { certificateChain: p.certificateChain });
    },
    response: status,
  },
  InstallCertificate: {
    request(p, tc) {
      const type = CERT_TYPE_TO_16[p.certificateType];
      if (!type) {
        tc.flag(`InstallCertificate of a ${p.certificateType}: no 1.6 counterpart, rejected`);
        return answer({ status: 'Rejected', statusInfo: reason('UnsupportedCertType', `no ${p.certificateType} in 1.6`) });
      }
      return forward('InstallCertificate', { certificateType: type, certificate: p.certificate });
    },
    response: status,
  },
  DeleteCertificate: { request: (p) => forward('DeleteCertificate', { certificateHashData: p.certificateHashData }), response: status },
  GetInstalledCertificateIds: {
    request(p, tc) {
      const asked: string[] = p.certificateType ?? ['CSMSRootCertificate', 'ManufacturerRootCertificate'];
      const types = asked.map((t) => CERT_TYPE_TO_16[t]).filter((t): t is string => t !== undefined);
      if (types.length === 0) return answer({ status: 'NotFound' });
      if (types.length > 1 || types.length < asked.length) tc.flag(`GetInstalledCertificateIds: 1.6 asks for one type at a time; asked for ${types[0]} only`);
      return forward('GetInstalledCertificateIds', { certificateType: types[0] });
    },
    response(p, _tc, _req, sent) {
      const chain = (p.certificateHashData ?? []).map((h: Json) => ({ certificateType: CERT_TYPE_TO_201[sent.certificateType], certificateHashData: h }));
      return { status: p.status, ...(chain.length ? { certificateHashDataChain: chain } : {}) };
    },
  },
};

/** A Get/SetVariables result for item `d` (built by assignment: spreads cost more than the rest of the translation). */
function result(d: Json, attributeStatus: string, extra?: Json): Json {
  const r: Json = { component: d.component, variable: d.variable };
  if (d.attributeType) r.attributeType = d.attributeType;
  r.attributeStatus = attributeStatus;
  if (extra) Object.assign(r, extra);
  return r;
}
const unknownVariable = (d: Json): Json => result(d, 'UnknownVariable');
