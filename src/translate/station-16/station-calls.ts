/**
 * A 1.6 station behind a 2.0.1 CSMS: the CALLs the station makes, into 2.0.1, and the CSMS's answers back.
 */
import { randomUUID } from 'node:crypto';
import {
  STATUS_TO_201,
  STATUS_TO_CHARGING_STATE,
  STOP_REASON_TO_201,
  STOP_TRIGGER_TO_201,
  dataTo16,
  defined,
  energyWh,
  idTagToToken,
  meterValues16to201,
  toEvse,
  tokenInfoToIdTagInfo,
} from '../convert-values.js';
import { addTx, openTxOn, txByInt, type TxRecord } from '../station-state.js';
import { plainResponse, type Json, type TranslationContext, type TranslatorTable } from '../translator-types.js';

const forward = (action: string, payload: Json) => ({ kind: 'forward' as const, action, payload });

/** The vendor id under which 1.6 fields with no 2.0.1 home travel in customData. */
const VENDOR = 'ocpp-mitm.translation';

function transactionEvent(tx: TxRecord, eventType: string, triggerReason: string, timestamp: string, extra: Json = {}): Json {
  const info: Json = { transactionId: tx.id, ...extra.transactionInfo };
  const ev: Json = { eventType, timestamp, triggerReason, seqNo: tx.seqNo++, transactionInfo: info };
  for (const [k, v] of Object.entries(extra)) if (k !== 'transactionInfo' && v !== undefined) ev[k] = v;
  return ev;
}

/** A transaction the 1.6 station knows and the translator does not (state lost): give it a stable 2.0.1 id. */
function adoptTx(tc: TranslationContext, int: number, connector: number, at: string): TxRecord {
  tc.flag(`1.6 transaction ${int} is unknown to the translator (state lost?): reported as transaction "ocpp16-${int}"`);
  const evse = toEvse(tc, connector);
  return addTx(tc.state, { id: `ocpp16-${int}`, int, connector, evseId: evse.id, evseConnector: evse.connectorId, seqNo: 1, started: true, ended: false, startedAt: at });
}

/**
 * 2.0.1 StatusNotification carries no error code: a 1.6 errorCode other than NoError becomes a NotifyEvent on the
 * connector's Problem variable (2.0.1 part 2, Connector component), and its clearing one with cleared: true.
 */
function notifyProblem(p: Json, tc: TranslationContext): void {
  const key = String(p.connectorId);
  const prev = tc.state.connectorError[key];
  const code: string = p.errorCode ?? 'NoError';
  if (code === 'NoError' ? !prev : prev === code) return;
  if (code === 'NoError') delete tc.state.connectorError[key];
  else tc.state.connectorError[key] = code;
  const id = tc.state.nextEventId++;
  tc.changed();
  const component: Json = p.connectorId === 0 ? { name: 'ChargingStation' } : { name: 'Connector', evse: toEvse(tc, p.connectorId) };
  const event: Json = {
    eventId: id,
    timestamp: p.timestamp ?? tc.now(),
    trigger: 'Delta',
    actualValue: code === 'NoError' ? 'false' : 'true',
    techCode: code === 'NoError' ? prev : (p.vendorErrorCode ? `${code}/${p.vendorErrorCode}` : code).slice(0, 50),
    component,
    variable: { name: 'Problem' },
    eventNotificationType: 'HardWiredNotification',
  };
  if (code === 'NoError') event.cleared = true;
  if (p.info) event.techInfo = p.info;
  tc.call('to-csms', 'NotifyEvent', { generatedAt: tc.now(), seqNo: 0, tbc: false, eventData: [event] });
}

export const station16Calls: TranslatorTable = {
  BootNotification: {
    request(p) {
      const station: Json = defined({ vendorName: p.chargePointVendor, model: p.chargePointModel, serialNumber: p.chargePointSerialNumber, firmwareVersion: p.firmwareVersion });
      if (p.iccid || p.imsi) station.modem = defined({ iccid: p.iccid, imsi: p.imsi });
      const homeless = defined({ chargeBoxSerialNumber: p.chargeBoxSerialNumber, meterType: p.meterType, meterSerialNumber: p.meterSerialNumber });
      if (Object.keys(homeless).length > 0) station.customData = { vendorId: VENDOR, ...homeless };
      return forward('BootNotification', { reason: 'PowerUp', chargingStation: station });
    },
    response: (p) => ({ status: p.status, currentTime: p.currentTime, interval: p.interval }),
  },

  Heartbeat: { request: () => forward('Heartbeat', {}), response: (p) => ({ currentTime: p.currentTime }) },

  Authorize: {
    request: (p, tc) => forward('Authorize', { idToken: idTagToToken(p.idTag, tc) }),
    response: (p, tc) => ({ idTagInfo: tokenInfoToIdTagInfo(p.idTokenInfo, tc) }),
  },

  StatusNotification: {
    request(p, tc) {
      const prev = tc.state.connectorStatus[p.connectorId];
      if (prev !== p.status) {
        tc.state.connectorStatus[p.connectorId] = p.status;
        tc.changed(false);
      }
      notifyProblem(p, tc);
      // A charging-state change inside a transaction is a TransactionEvent in 2.0.1.
      const tx = openTxOn(tc.state, p.connectorId);
      const cs = STATUS_TO_CHARGING_STATE[p.status];
      if (tx && cs && cs !== tx.chargingState && prev !== p.status) {
        tx.chargingState = cs;
        const ev = transactionEvent(tx, 'Updated', 'ChargingStateChanged', p.timestamp ?? tc.now(), { transactionInfo: { chargingState: cs } });
        tc.call('to-csms', 'TransactionEvent', ev);
      }
      if (p.connectorId === 0) {
        // 2.0.1 has no station-wide StatusNotification (evseId 0 is not allowed there): answer the station ourselves.
        tc.flag(`StatusNotification for connector 0 (${p.status}) has no 2.0.1 counterpart: answered by the proxy`);
        return { kind: 'answer', payload: {} };
      }
      const evse = toEvse(tc, p.connectorId);
      return forward('StatusNotification', {
        timestamp: p.timestamp ?? tc.now(),
        connectorStatus: STATUS_TO_201[p.status],
        evseId: evse.id,
        connectorId: evse.connectorId,
      });
    },
    response: () => ({}),
  },

  StartTransaction: {
    request(p, tc) {
      const evse = toEvse(tc, p.connectorId);
      const tx = addTx(tc.state, {
        id: randomUUID(),
        int: tc.state.nextTxInt++,
        connector: p.connectorId,
        evseId: evse.id,
        evseConnector: evse.connectorId,
        seqNo: 0,
        idTag: p.idTag,
        energyWh: p.meterStart,
        started: true,
        ended: false,
        startedAt: p.timestamp,
      });
      const remote = tc.state.remoteStarts[p.connectorId] ?? tc.state.remoteStarts[0];
      const info: Json = {};
      let trigger = 'Authorized';
      if (remote && remote.idTag === p.idTag) {
        info.remoteStartId = remote.remoteStartId;
        tx.remoteStartId = remote.remoteStartId;
        trigger = 'RemoteStart';
        delete tc.state.remoteStarts[tc.state.remoteStarts[p.connectorId] ? p.connectorId : 0];
      }
      const status = tc.state.connectorStatus[p.connectorId];
      const cs = status ? STATUS_TO_CHARGING_STATE[status] : undefined;
      if (cs) info.chargingState = tx.chargingState = cs;
      tc.changed();
      return forward('TransactionEvent', transactionEvent(tx, 'Started', trigger, p.timestamp, {
        transactionInfo: info,
        evse: { id: evse.id, connectorId: evse.connectorId },
        idToken: idTagToToken(p.idTag, tc),
        reservationId: p.reservationId,
        meterValue: [{ timestamp: p.timestamp, sampledValue: [{ value: p.meterStart, context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }],
      }));
    },
    response(p, tc, _req, sent) {
      const tx = tc.state.txs.find((t) => t.id === sent.transactionInfo.transactionId);
      return {
        idTagInfo: p.idTokenInfo ? tokenInfoToIdTagInfo(p.idTokenInfo, tc) : { status: 'Accepted' },
        transactionId: tx?.int ?? 0,
      };
    },
  },

  StopTransaction: {
    request(p, tc) {
      const tx = txByInt(tc.state, p.transactionId) ?? adoptTx(tc, p.transactionId, 0, p.timestamp);
      tx.ended = true;
      tx.energyWh = p.meterStop;
      const reason = p.reason ?? 'Local';
      const meterValue = meterValues16to201(p.transactionData ?? [], tc);
      meterValue.push({ timestamp: p.timestamp, sampledValue: [{ value: p.meterStop, context: 'Transaction.End', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] });
      if (reason === 'UnlockCommand') tc.flag(`StopTransaction reason UnlockCommand has no 2.0.1 stoppedReason: sent as Other`);
      tc.changed();
      return forward('TransactionEvent', transactionEvent(tx, 'Ended', STOP_TRIGGER_TO_201[reason] ?? 'StopAuthorized', p.timestamp, {
        transactionInfo: { stoppedReason: STOP_REASON_TO_201[reason] ?? 'Other' },
        idToken: p.idTag ? idTagToToken(p.idTag, tc) : undefined,
        meterValue,
      }));
    },
    response: (p, tc) => (p.idTokenInfo ? { idTagInfo: tokenInfoToIdTagInfo(p.idTokenInfo, tc) } : {}),
  },

  MeterValues: {
    request(p, tc) {
      const meterValue = meterValues16to201(p.meterValue, tc);
      if (meterValue.length === 0) {
        tc.flag('MeterValues carried no value 2.0.1 can hold: answered by the proxy');
        return { kind: 'answer', payload: {} };
      }
      const tx = p.transactionId !== undefined ? (txByInt(tc.state, p.transactionId) ?? adoptTx(tc, p.transactionId, p.connectorId, tc.now())) : undefined;
      if (!tx || tx.ended) {
        if (tx?.ended) tc.flag(`MeterValues for ended transaction ${p.transactionId}: sent as MeterValues, not TransactionEvent`);
        return forward('MeterValues', { evseId: toEvse(tc, p.connectorId).id, meterValue });
      }
      const wh = energyWh(p.meterValue);
      if (wh !== undefined) tx.energyWh = wh;
      const ctx = p.meterValue[0]?.sampledValue?.[0]?.context;
      const trigger = ctx === 'Sample.Clock' ? 'MeterValueClock' : ctx === 'Trigger' ? 'Trigger' : 'MeterValuePeriodic';
      tc.changed(false);
      return forward('TransactionEvent', transactionEvent(tx, 'Updated', trigger, p.meterValue[0].timestamp, { meterValue }));
    },
    response: () => ({}),
  },

  DataTransfer: {
    request: (p) => forward('DataTransfer', defined({ vendorId: p.vendorId, messageId: p.messageId, data: p.data })),
    response: (p) => defined({ status: p.status, data: dataTo16(p.data) }),
  },

  DiagnosticsStatusNotification: {
    request(p, tc) {
      const status = p.status === 'UploadFailed' ? 'UploadFailure' : p.status;
      const requestId = tc.state.logRequest?.requestId;
      return forward('LogStatusNotification', defined({ status, requestId: status === 'Idle' ? undefined : requestId }));
    },
    response: () => ({}),
  },

  FirmwareStatusNotification: {
    request: (p, tc) => forward('FirmwareStatusNotification', defined({ status: p.status, requestId: p.status === 'Idle' ? undefined : tc.state.firmwareRequest?.requestId })),
    response: () => ({}),
  },

  // ---- 1.6 security extension: same names and shapes in 2.0.1
  SecurityEventNotification: { request: (p) => forward('SecurityEventNotification', p), response: () => ({}) },
  SignCertificate: { request: (p) => forward('SignCertificate', { csr: p.csr, certificateType: 'ChargingStationCertificate' }), response: plainResponse },
  LogStatusNotification: { request: (p) => forward('LogStatusNotification', p), response: () => ({}) },
  SignedFirmwareStatusNotification: { request: (p) => forward('FirmwareStatusNotification', p), response: () => ({}) },
};
