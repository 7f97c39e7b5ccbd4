/**
 * A station's live values, read back from its recent frames (newest first): the connector and EVSE it last
 * reported, its last transaction id and id token. Templates of composed CALLs are filled with them.
 */
import type { MessageRecord } from '../src/core/relay-message.js';

export interface LiveValues {
  connectorId?: number;
  evseId?: number;
  /** 1.6: a number (as text); 2.0.1/2.1: the station's string id. */
  transactionId?: string;
  idToken?: string;
}

type Json = Record<string, any>;

function payloadOf(r: MessageRecord): Json | undefined {
  try {
    const frame = JSON.parse(r.text) as unknown[];
    const p = frame[0] === 2 ? frame[3] : frame[0] === 3 ? frame[2] : undefined;
    return p && typeof p === 'object' ? (p as Json) : undefined;
  } catch {
    return undefined;
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);

/** `records` oldest first (the view's buffer); only `sessionId`'s frames are read. */
export function liveValues(records: Iterable<MessageRecord>, sessionId: string): LiveValues {
  const mine: MessageRecord[] = [];
  for (const r of records) if (r.sessionId === sessionId) mine.push(r);
  const v: LiveValues = {};
  for (let i = mine.length - 1; i >= 0; i--) {
    const r = mine[i]!;
    const p = payloadOf(r);
    if (!p) continue;
    const action = r.action ?? r.callAction;
    if (r.kind === 'CALL') {
      v.connectorId ??= num(p.connectorId) ?? num(p.evse?.connectorId);
      v.evseId ??= num(p.evseId) ?? num(p.evse?.id);
      v.idToken ??= typeof p.idTag === 'string' ? p.idTag : typeof p.idToken?.idToken === 'string' ? p.idToken.idToken : undefined;
      if (action === 'TransactionEvent' && typeof p.transactionInfo?.transactionId === 'string') v.transactionId ??= p.transactionInfo.transactionId;
      if ((action === 'StopTransaction' || action === 'MeterValues') && num(p.transactionId) !== undefined) v.transactionId ??= String(p.transactionId);
    } else if (r.kind === 'CALLRESULT' && action === 'StartTransaction' && num(p.transactionId) !== undefined) {
      v.transactionId ??= String(p.transactionId);
    }
  }
  return v;
}
