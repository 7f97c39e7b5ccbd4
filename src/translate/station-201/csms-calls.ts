/**
 * A 2.0.1 station behind a 1.6 CSMS: the CALLs the CSMS makes, into 2.0.1, and the station's answers back.
 * GetConfiguration / ChangeConfiguration go through the configuration-key map as Get/SetVariables.
 */
import {
  CERT_TYPE_TO_201,
  defined,
  idTagInfoToTokenInfo,
  idTagToToken,
  profile16to201,
  purpose16to201,
  toEvse,
} from '../convert-values.js';
import { BUILTIN_KEYS, keyOf, targetOf, WRITE_ONLY_KEYS } from '../config-keys.js';
import { txByInt } from '../station-state.js';
import { plainResponse, type CallOutcome, type Json, type TranslationContext, type TranslatorTable } from '../translator-types.js';

const forward = (action: string, payload: Json): CallOutcome => ({ kind: 'forward', action, payload });
const answer = (payload: Json): CallOutcome => ({ kind: 'answer', payload });
const status = (p: Json): Json => ({ status: p.status });

/** A 2.0.1 `evse` for a 1.6 connectorId (0: none, the whole station). */
function evseOf(tc: TranslationContext, connectorId: number): { id: number; connectorId?: number } | undefined {
  if (connectorId === 0) return undefined;
  const e = toEvse(tc, connectorId);
  return tc.config.connectors.has(connectorId) ? e : { id: e.id };
}

const TRIGGER_TO_201: Record<string, string> = {
  BootNotification: 'BootNotification',
  DiagnosticsStatusNotification: 'LogStatusNotification',
  LogStatusNotification: 'LogStatusNotification',
  FirmwareStatusNotification: 'FirmwareStatusNotification',
  Heartbeat: 'Heartbeat',
  MeterValues: 'MeterValues',
  StatusNotification: 'StatusNotification',
  SignChargePointCertificate: 'SignChargingStationCertificate',
};

const trigger = (p: Json, tc: TranslationContext): CallOutcome => {
  const evse = p.connectorId === undefined ? undefined : evseOf(tc, p.connectorId);
  return forward('TriggerMessage', defined({ requestedMessage: TRIGGER_TO_201[p.requestedMessage], evse }));
};

export const csms16Calls: TranslatorTable = {
  RemoteStartTransaction: {
    request(p, tc) {
      const out: Json = { idToken: idTagToToken(p.idTag, tc), remoteStartId: tc.state.nextRemoteStartId++ };
      tc.changed();
      if (p.connectorId !== undefined && p.connectorId > 0) out.evseId = toEvse(tc, p.connectorId).id;
      if (p.chargingProfile) out.chargingProfile = profile16to201(p.chargingProfile, tc);
      return forward('RequestStartTransaction', out);
    },
    response: status,
  },

  RemoteStopTransaction: {
    request(p, tc) {
      const tx = txByInt(tc.state, p.transactionId);
      if (!tx || tx.ended) return answer({ status: 'Rejected' });
      return forward('RequestStopTransaction', { transactionId: tx.id });
    },
    response: status,
  },

  Reset: {
    request: (p) => forward('Reset', { type: p.type === 'Hard' ? 'Immediate' : 'OnIdle' }),
    // Scheduled (reset once idle) is what 1.6 calls Accepted for a soft reset.
    response: (p) => ({ status: p.status === 'Rejected' ? 'Rejected' : 'Accepted' }),
  },

  ChangeAvailability: {
    request: (p, tc) => forward('ChangeAvailability', defined({ operationalStatus: p.type, evse: evseOf(tc, p.connectorId) })),
    response: status,
  },

  UnlockConnector: {
    request(p, tc) {
      const e = toEvse(tc, p.connectorId);
      return forward('UnlockConnector', { evseId: e.id, connectorId: e.connectorId });
    },
    response(p, tc) {
      if (p.status === 'Unlocked' || p.status === 'UnlockFailed') return { status: p.status };
      tc.flag(`UnlockConnector answered ${p.status}, which 1.6 lacks: sent as ${p.status === 'UnknownConnector' ? 'NotSupported' : 'UnlockFailed'}`);
      return { status: p.status === 'UnknownConnector' ? 'NotSupported' : 'UnlockFailed' };
    },
  },

  TriggerMessage: { request: trigger, response: status },
  ExtendedTriggerMessage: { request: trigger, response: status },

  GetConfiguration: {
    request(p, tc) {
      const keys: string[] = p.key?.length ? p.key : [...tc.config.keys.byKey.keys()].filter((k) => !WRITE_ONLY_KEYS.has(k));
      const known = keys.filter((k) => tc.config.keys.byKey.has(k) && !WRITE_ONLY_KEYS.has(k));
      const unknownKey = keys.filter((k) => !known.includes(k));
      if (known.length === 0) return answer(unknownKey.length ? { unknownKey } : {});
      return forward('GetVariables', {
        getVariableData: known.map((k) => {
          const t = targetOf(tc.config.keys, tc.config.unmappedComponent, k);
          return { component: t.component, variable: t.variable };
        }),
      });
    },
    response(p, tc, req, sent) {
      const configurationKey: Json[] = [];
      const unknownKey: string[] = (req.key ?? []).filter((k: string) => !tc.config.keys.byKey.has(k) || WRITE_ONLY_KEYS.has(k));
      const results: Json[] = p.getVariableResult ?? [];
      sent.getVariableData.forEach((d: Json, i: number) => {
        const key = keyOf(tc.config.keys, tc.config.unmappedComponent, d);
        if (!key) return;
        const r = results.find((x) => x.component.name === d.component.name && x.variable.name === d.variable.name && (x.variable.instance ?? '') === (d.variable.instance ?? '')) ?? results[i];
        if (r?.attributeStatus !== 'Accepted') {
          // Keys the station does not know are "unknown" only when the CSMS asked for them by name.
          if (req.key?.length) unknownKey.push(key);
          return;
        }
        const readonly = tc.config.keys.byKey.get(key)?.readonly ?? BUILTIN_KEYS[key]?.readonly ?? false;
        configurationKey.push(defined({ key, readonly, value: r.attributeValue === undefined ? undefined : tc.fit(r.attributeValue, 500, `configuration ${key}`) }));
      });
      return defined({ configurationKey: configurationKey.length ? configurationKey : undefined, unknownKey: unknownKey.length ? unknownKey : undefined });
    },
  },

  ChangeConfiguration: {
    request(p, tc) {
      if (!tc.config.keys.byKey.has(p.key)) {
        tc.flag(`ChangeConfiguration of ${p.key}: no 2.0.1 variable is mapped to it (add it to configKeys), answered NotSupported`);
        return answer({ status: 'NotSupported' });
      }
      const t = targetOf(tc.config.keys, tc.config.unmappedComponent, p.key);
      return forward('SetVariables', { setVariableData: [{ component: t.component, variable: t.variable, attributeValue: p.value }] });
    },
    response(p) {
      const st = p.setVariableResult?.[0]?.attributeStatus;
      if (st === 'Accepted' || st === 'Rejected' || st === 'RebootRequired') return { status: st };
      return { status: st === 'NotSupportedAttributeType' ? 'Rejected' : 'NotSupported' };
    },
  },

  SendLocalList: {
    request(p, tc) {
      const list = (p.localAuthorizationList ?? []).map((e: Json) => ({
        idToken: idTagToToken(e.idTag, tc),
        ...(e.idTagInfo ? { idTokenInfo: idTagInfoToTokenInfo(e.idTagInfo, tc) } : {}),
      }));
      return forward('SendLocalList', { versionNumber: p.listVersion, updateType: p.updateType, ...(list.length ? { localAuthorizationList: list } : {}) });
    },
    response: status,
  },

  GetLocalListVersion: { request: () => forward('GetLocalListVersion', {}), response: (p) => ({ listVersion: p.versionNumber }) },

  ReserveNow: {
    request: (p, tc) => forward('ReserveNow', defined({
      id: p.reservationId,
      expiryDateTime: p.expiryDate,
      idToken: idTagToToken(p.idTag, tc),
      evseId: p.connectorId > 0 ? toEvse(tc, p.connectorId).id : undefined,
      groupIdToken: p.parentIdTag ? idTagToToken(p.parentIdTag, tc) : undefined,
    })),
    response: status,
  },

  CancelReservation: { request: (p) => forward('CancelReservation', { reservationId: p.reservationId }), response: status },
  ClearCache: { request: () => forward('ClearCache', {}), response: status },
  DataTransfer: {
    request: (p) => forward('DataTransfer', defined({ vendorId: p.vendorId, messageId: p.messageId, data: p.data })),
    response: (p) => defined({ status: p.status, data: p.data === undefined ? undefined : typeof p.data === 'string' ? p.data : JSON.stringify(p.data) }),
  },

  SetChargingProfile: {
    request: (p, tc) => forward('SetChargingProfile', { evseId: p.connectorId === 0 ? 0 : toEvse(tc, p.connectorId).id, chargingProfile: profile16to201(p.csChargingProfiles, tc) }),
    response: status,
  },

  ClearChargingProfile: {
    request(p, tc) {
      const criteria = defined({
        evseId: p.connectorId === undefined ? undefined : p.connectorId === 0 ? 0 : toEvse(tc, p.connectorId).id,
        chargingProfilePurpose: p.chargingProfilePurpose ? purpose16to201(p.chargingProfilePurpose) : undefined,
        stackLevel: p.stackLevel,
      });
      return forward('ClearChargingProfile', defined({
        chargingProfileId: p.id,
        chargingProfileCriteria: Object.keys(criteria).length ? criteria : undefined,
      }));
    },
    response: status,
  },

  GetCompositeSchedule: {
    request: (p, tc) => forward('GetCompositeSchedule', defined({ evseId: p.connectorId === 0 ? 0 : toEvse(tc, p.connectorId).id, duration: p.duration, chargingRateUnit: p.chargingRateUnit })),
    response(p, _tc, req) {
      const s = p.schedule;
      if (p.status !== 'Accepted' || !s) return { status: p.status };
      return {
        status: p.status,
        connectorId: req.connectorId,
        scheduleStart: s.scheduleStart,
        chargingSchedule: {
          duration: s.duration,
          startSchedule: s.scheduleStart,
          chargingRateUnit: s.chargingRateUnit,
          chargingSchedulePeriod: s.chargingSchedulePeriod.map((x: Json) => defined({ startPeriod: x.startPeriod, limit: x.limit, numberPhases: x.numberPhases })),
        },
      };
    },
  },

  UpdateFirmware: {
    request(p, tc) {
      const requestId = tc.state.nextRequestId++;
      tc.state.firmwareRequest = { requestId, via: 'UpdateFirmware' };
      tc.changed();
      return forward('UpdateFirmware', defined({
        requestId,
        retries: p.retries === undefined ? undefined : Math.round(p.retries),
        retryInterval: p.retryInterval === undefined ? undefined : Math.round(p.retryInterval),
        firmware: { location: p.location, retrieveDateTime: p.retrieveDate },
      }));
    },
    response(p, tc) {
      if (p.status !== 'Accepted') tc.flag(`UpdateFirmware answered ${p.status}: 1.6 UpdateFirmware.conf cannot say so`);
      return {};
    },
  },

  GetDiagnostics: {
    request(p, tc) {
      const requestId = tc.state.nextRequestId++;
      tc.state.logRequest = { requestId, via: 'GetDiagnostics' };
      tc.changed();
      return forward('GetLog', defined({
        logType: 'DiagnosticsLog',
        requestId,
        retries: p.retries,
        retryInterval: p.retryInterval,
        log: defined({ remoteLocation: p.location, oldestTimestamp: p.startTime, latestTimestamp: p.stopTime }),
      }));
    },
    response: (p) => (p.status !== 'Rejected' && p.filename ? { fileName: p.filename } : {}),
  },

  // ---- 1.6 security extension
  GetLog: {
    request(p, tc) {
      tc.state.logRequest = { requestId: p.requestId, via: 'GetLog' };
      tc.changed();
      return forward('GetLog', p);
    },
    response: plainResponse,
  },
  SignedUpdateFirmware: {
    request(p, tc) {
      tc.state.firmwareRequest = { requestId: p.requestId, via: 'SignedUpdateFirmware' };
      tc.changed();
      return forward('UpdateFirmware', p);
    },
    response: status,
  },
  CertificateSigned: {
    request: (p) => forward('CertificateSigned', { certificateChain: p.certificateChain, certificateType: 'ChargingStationCertificate' }),
    response: status,
  },
  InstallCertificate: {
    request: (p) => forward('InstallCertificate', { certificateType: CERT_TYPE_TO_201[p.certificateType], certificate: p.certificate }),
    response: status,
  },
  DeleteCertificate: { request: (p) => forward('DeleteCertificate', { certificateHashData: p.certificateHashData }), response: status },
  GetInstalledCertificateIds: {
    request: (p) => forward('GetInstalledCertificateIds', { certificateType: [CERT_TYPE_TO_201[p.certificateType]] }),
    response(p) {
      const hashes = (p.certificateHashDataChain ?? []).map((c: Json) => c.certificateHashData);
      return { status: p.status, ...(hashes.length ? { certificateHashData: hashes } : {}) };
    },
  },
};

