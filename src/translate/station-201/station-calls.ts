/**
 * A 2.0.1 station behind a 1.6 CSMS: the CALLs the station makes, into 1.6, and the CSMS's answers back.
 * TransactionEvent becomes StartTransaction / MeterValues / StopTransaction, and its chargingState becomes the
 * StatusNotification a 1.6 CSMS expects.
 */
import {
  CHARGING_STATE_TO_16,
  STOP_REASON_TO_16,
  dataTo16,
  defined,
  energyWh,
  idTagInfoToTokenInfo,
  meterValues201to16,
  toConnector,
  tokenToIdTag,
} from '../convert-values.js';
import { addTx, openTxOn, txById, type TxRecord } from '../station-state.js';
import type { CallOutcome, Json, TranslationContext, TranslatorTable } from '../translator-types.js';

const forward = (action: string, payload: Json): CallOutcome => ({ kind: 'forward', action, payload });
const answer = (payload: Json): CallOutcome => ({ kind: 'answer', payload });

const CHARGING_16 = new Set(['Charging', 'SuspendedEV', 'SuspendedEVSE']);

/** The StatusNotification a 1.6 station would have sent, made for the 1.6 CSMS. */
function synthStatus(tc: TranslationContext, connector: number, status: string): void {
  if (tc.state.connectorStatus[connector] === status) return;
  tc.state.connectorStatus[connector] = status;
  tc.changed(false);
  tc.call('to-csms', 'StatusNotification', { connectorId: connector, errorCode: 'NoError', status, timestamp: tc.now() });
}

function flushSynth(tc: TranslationContext, tx: TxRecord | undefined): void {
  if (!tx?.synthStatus) return;
  const s = tx.synthStatus;
  delete tx.synthStatus;
  synthStatus(tc, tx.connector, s);
}

function stopTransaction(p: Json, tx: TxRecord, tc: TranslationContext): Json {
  const stopped = p.transactionInfo.stoppedReason;
  const reason = stopped ? STOP_REASON_TO_16[stopped] : undefined;
  if (stopped && !reason) tc.flag(`stoppedReason ${stopped} has no 1.6 counterpart: sent as Other`);
  const end = energyWh(p.meterValue, 'Transaction.End') ?? tx.energyWh;
  if (end === undefined) tc.flag(`transaction ${tx.id} ended without an energy register: meterStop 0`);
  const data = meterValues201to16(p.meterValue ?? [], tc);
  return defined({
    transactionId: tx.int,
    meterStop: Math.round(end ?? 0),
    timestamp: p.timestamp,
    reason: stopped ? (reason ?? 'Other') : undefined,
    idTag: p.idToken ? tokenToIdTag(p.idToken, tc) : undefined,
    transactionData: data.length ? data : undefined,
  });
}

export const station201Calls: TranslatorTable = {
  BootNotification: {
    request(p, tc) {
      const cs = p.chargingStation;
      if (p.reason !== 'PowerUp') tc.flag(`BootNotification reason ${p.reason} has no 1.6 counterpart: dropped`);
      return forward('BootNotification', defined({
        chargePointVendor: tc.fit(cs.vendorName, 20, 'chargingStation.vendorName'),
        chargePointModel: tc.fit(cs.model, 20, 'chargingStation.model'),
        chargePointSerialNumber: cs.serialNumber === undefined ? undefined : tc.fit(cs.serialNumber, 25, 'chargingStation.serialNumber'),
        firmwareVersion: cs.firmwareVersion === undefined ? undefined : tc.fit(cs.firmwareVersion, 50, 'chargingStation.firmwareVersion'),
        iccid: cs.modem?.iccid,
        imsi: cs.modem?.imsi,
      }));
    },
    response: (p) => ({ status: p.status, currentTime: p.currentTime, interval: Math.round(p.interval) }),
  },

  Heartbeat: { request: () => forward('Heartbeat', {}), response: (p) => ({ currentTime: p.currentTime }) },

  Authorize: {
    request(p, tc) {
      if (p.certificate || p.iso15118CertificateHashData) tc.lose('Authorize certificate data has no 1.6 counterpart');
      return forward('Authorize', { idTag: tokenToIdTag(p.idToken, tc) });
    },
    response: (p, tc) => ({ idTokenInfo: idTagInfoToTokenInfo(p.idTagInfo, tc) }),
  },

  StatusNotification: {
    request(p, tc) {
      const connector = toConnector(tc, p.evseId, p.connectorId);
      let status: string = p.connectorStatus;
      if (status === 'Occupied') {
        const tx = openTxOn(tc.state, connector);
        const prev = tc.state.connectorStatus[connector];
        if (tx) status = CHARGING_STATE_TO_16[tx.chargingState ?? 'EVConnected'] ?? 'Preparing';
        else status = prev && (CHARGING_16.has(prev) || prev === 'Finishing') ? 'Finishing' : 'Preparing';
      }
      if (tc.state.connectorStatus[connector] !== status) {
        tc.state.connectorStatus[connector] = status;
        tc.changed(false);
      }
      return forward('StatusNotification', { connectorId: connector, errorCode: status === 'Faulted' ? 'OtherError' : 'NoError', status, timestamp: p.timestamp });
    },
    response: () => ({}),
  },

  TransactionEvent: {
    request(p, tc) {
      const info = p.transactionInfo;
      let tx = txById(tc.state, info.transactionId);
      if (!tx) {
        const evseId = p.evse?.id ?? 1;
        if (!p.evse) tc.flag(`transaction ${info.transactionId} first seen without evse: assumed EVSE 1`);
        tx = addTx(tc.state, {
          id: info.transactionId,
          connector: toConnector(tc, evseId, p.evse?.connectorId),
          evseId,
          evseConnector: p.evse?.connectorId ?? 1,
          seqNo: p.seqNo,
          started: false,
          ended: false,
          startedAt: p.timestamp,
          remoteStartId: info.remoteStartId,
          energyWh: energyWh(p.meterValue, 'Transaction.Begin'),
        });
      }
      const wh = energyWh(p.meterValue);
      if (wh !== undefined) tx.energyWh = wh;
      if (p.idToken) tx.idTag = tokenToIdTag(p.idToken, tc);
      const cs = info.chargingState;
      let synth: string | undefined;
      if (cs && cs !== tx.chargingState) {
        tx.chargingState = cs;
        synth = CHARGING_STATE_TO_16[cs];
      }
      const ended = p.eventType === 'Ended';
      if (ended) tx.ended = true;
      // Updated events only refine what is known (energy, charging state): they need not hit the disk each time.
      tc.changed(p.eventType !== 'Updated' || Boolean(p.idToken));

      if (!tx.started) {
        if (!tx.idTag) {
          // 1.6 starts a transaction with an idTag: wait for the event that brings one.
          tc.flag(ended
            ? `transaction ${tx.id} ended before any idToken: the 1.6 CSMS never saw it`
            : `transaction ${tx.id} has no idToken yet: StartTransaction waits for it`);
          if (synth) synthStatus(tc, tx.connector, synth);
          return answer({});
        }
        tx.synthStatus = synth;
        return forward('StartTransaction', defined({
          connectorId: tx.connector,
          idTag: tx.idTag,
          meterStart: Math.round(energyWh(p.meterValue, 'Transaction.Begin') ?? tx.energyWh ?? 0),
          timestamp: p.eventType === 'Started' ? p.timestamp : tx.startedAt,
          reservationId: p.reservationId,
        }));
      }
      if (ended) {
        const prev = tc.state.connectorStatus[tx.connector];
        if (info.stoppedReason !== 'EVDisconnected' && prev && CHARGING_16.has(prev)) tx.synthStatus = 'Finishing';
        return forward('StopTransaction', stopTransaction(p, tx, tc));
      }
      const meterValue = meterValues201to16(p.meterValue ?? [], tc);
      if (meterValue.length > 0) {
        tx.synthStatus = synth;
        return forward('MeterValues', { connectorId: tx.connector, transactionId: tx.int, meterValue });
      }
      if (synth) {
        tc.state.connectorStatus[tx.connector] = synth;
        return forward('StatusNotification', { connectorId: tx.connector, errorCode: 'NoError', status: synth, timestamp: p.timestamp });
      }
      return answer({});
    },
    response(p, tc, req, sent) {
      const tx = txById(tc.state, req.transactionInfo.transactionId);
      if ('meterStart' in sent) {
        if (tx) {
          tx.int = p.transactionId;
          tx.started = true;
          tc.changed();
          if (req.eventType === 'Ended') tc.call('to-csms', 'StopTransaction', stopTransaction(req, tx, tc));
        }
        flushSynth(tc, tx);
        return { idTokenInfo: idTagInfoToTokenInfo(p.idTagInfo, tc) };
      }
      flushSynth(tc, tx);
      if ('meterStop' in sent && p.idTagInfo) return { idTokenInfo: idTagInfoToTokenInfo(p.idTagInfo, tc) };
      return {};
    },
  },

  MeterValues: {
    request(p, tc) {
      const connector = toConnector(tc, p.evseId);
      const meterValue = meterValues201to16(p.meterValue, tc);
      if (meterValue.length === 0) {
        tc.flag('MeterValues carried no value 1.6 can hold: answered by the proxy');
        return answer({});
      }
      return forward('MeterValues', { connectorId: connector, meterValue });
    },
    response: () => ({}),
  },

  DataTransfer: {
    request: (p) => forward('DataTransfer', defined({ vendorId: p.vendorId, messageId: p.messageId, data: dataTo16(p.data) })),
    response: (p) => defined({ status: p.status, data: p.data }),
  },

  LogStatusNotification: {
    request(p, tc) {
      if (tc.state.logRequest?.via === 'GetDiagnostics') {
        const failed = ['UploadFailure', 'BadMessage', 'NotSupportedOperation', 'PermissionDenied'].includes(p.status);
        const status = failed ? 'UploadFailed' : p.status === 'AcceptedCanceled' ? 'Idle' : p.status;
        if (status !== p.status && p.status !== 'UploadFailure') tc.flag(`LogStatusNotification ${p.status} sent as DiagnosticsStatusNotification ${status}`);
        return forward('DiagnosticsStatusNotification', { status });
      }
      if (p.status === 'AcceptedCanceled') tc.flag('LogStatusNotification AcceptedCanceled has no 1.6 counterpart: sent as Idle');
      return forward('LogStatusNotification', defined({ status: p.status === 'AcceptedCanceled' ? 'Idle' : p.status, requestId: p.requestId }));
    },
    response: () => ({}),
  },

  FirmwareStatusNotification: {
    request(p, tc) {
      if (tc.state.firmwareRequest?.via === 'SignedUpdateFirmware') return forward('SignedFirmwareStatusNotification', defined({ status: p.status, requestId: p.requestId }));
      const status = FIRMWARE_TO_16[p.status] ?? p.status;
      if (status !== p.status) tc.flag(`FirmwareStatusNotification ${p.status} has no 1.6 counterpart: sent as ${status}`);
      return forward('FirmwareStatusNotification', { status });
    },
    response: () => ({}),
  },

  // ---- 1.6 security extension
  SecurityEventNotification: { request: (p) => forward('SecurityEventNotification', defined({ type: p.type, timestamp: p.timestamp, techInfo: p.techInfo })), response: () => ({}) },
  SignCertificate: {
    request(p) {
      if (p.certificateType === 'V2GCertificate') {
        return { kind: 'error', code: 'NotSupported', description: 'a 1.6 CSMS signs no V2G certificates', gap: true };
      }
      return forward('SignCertificate', { csr: p.csr });
    },
    response: (p) => ({ status: p.status }),
  },
};

/** 2.0.1 firmware states 1.6 core lacks, to the nearest 1.6 state. */
const FIRMWARE_TO_16: Record<string, string> = {
  DownloadScheduled: 'Idle',
  DownloadPaused: 'Downloading',
  InstallRebooting: 'Installing',
  InstallScheduled: 'Downloaded',
  InstallVerificationFailed: 'InstallationFailed',
  InvalidSignature: 'InstallationFailed',
  SignatureVerified: 'Downloaded',
};
