/**
 * What the translator must remember per station, across reconnects and proxy restarts: the pairs of transaction
 * ids, seqNo, pending remote starts and the request ids 1.6 does not carry. Plain JSON, so it is stored as is.
 */

export interface TxRecord {
  /** 2.0.1 transactionId. */
  id: string;
  /** 1.6 transactionId (down: assigned by the 1.6 CSMS, undefined until StartTransaction was answered). */
  int?: number;
  /** 1.6 connectorId and its 2.0.1 EVSE / connector. */
  connector: number;
  evseId: number;
  evseConnector: number;
  /** Next seqNo to send in a TransactionEvent (1.6 station → 2.0.1 CSMS). */
  seqNo: number;
  remoteStartId?: number;
  idTag?: string;
  /** Last energy register seen (Wh), to fill meterStart / meterStop when 2.0.1 omits them. */
  energyWh?: number;
  /** Last chargingState reported (2.0.1 wording). */
  chargingState?: string;
  /** Down: StartTransaction has been answered by the 1.6 CSMS. */
  started: boolean;
  ended: boolean;
  /** A StatusNotification to synthesise for the 1.6 CSMS once the current CALL is answered. */
  synthStatus?: string;
  startedAt: string;
}

export interface StationState {
  v: 1;
  /** Up: the 1.6 transactionId the proxy hands out next (the 2.0.1 CSMS assigns none). */
  nextTxInt: number;
  /** Down: remoteStartId / requestId for 1.6 requests that carry none. */
  nextRemoteStartId: number;
  nextRequestId: number;
  /** Newest last; ended transactions are kept a while for late messages. */
  txs: TxRecord[];
  /** Up: RequestStartTransaction.remoteStartId per 1.6 connectorId (0 = any), until its StartTransaction. */
  remoteStarts: Record<string, { remoteStartId: number; idTag: string; at: string }>;
  /** The log / firmware request whose status notifications are in flight, and how it reached the station. */
  logRequest?: { requestId: number; via: 'GetDiagnostics' | 'GetLog' };
  firmwareRequest?: { requestId: number; via: 'UpdateFirmware' | 'SignedUpdateFirmware' };
  /** Last connector status per 1.6 connectorId, in the station's own wording. */
  connectorStatus: Record<string, string>;
  /** Up: last 1.6 errorCode other than NoError per connectorId, to report its clearing as a NotifyEvent. */
  connectorError: Record<string, string>;
  /** Up: eventId / seqNo of the next NotifyEvent the proxy sends for a 1.6 error code. */
  nextEventId: number;
}

export const emptyState = (): StationState => ({
  v: 1,
  nextTxInt: 1,
  nextRemoteStartId: 1,
  nextRequestId: 1,
  txs: [],
  remoteStarts: {},
  connectorStatus: {},
  connectorError: {},
  nextEventId: 1,
});

/** Ended transactions kept for late MeterValues / offline replays. */
const KEEP_ENDED = 20;

export const txById = (s: StationState, id: string): TxRecord | undefined => s.txs.find((t) => t.id === id);
/** Newest first: a CSMS that reuses integer ids means its latest transaction. */
export const txByInt = (s: StationState, int: number): TxRecord | undefined => s.txs.findLast((t) => t.int === int);
/** The open transaction on a 1.6 connector. */
export const openTxOn = (s: StationState, connector: number): TxRecord | undefined =>
  [...s.txs].reverse().find((t) => t.connector === connector && !t.ended);

export function addTx(s: StationState, tx: TxRecord): TxRecord {
  s.txs.push(tx);
  const ended = s.txs.filter((t) => t.ended);
  if (ended.length > KEEP_ENDED) {
    const drop = new Set(ended.slice(0, ended.length - KEEP_ENDED));
    s.txs = s.txs.filter((t) => !drop.has(t));
  }
  return tx;
}
