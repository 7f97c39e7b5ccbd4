/**
 * Transactions read from the frames in memory: 1.6 StartTransaction (its id from the CSMS's answer),
 * MeterValues and StopTransaction; 2.0.1/2.1 TransactionEvent Started/Updated/Ended (the station's id). Frames
 * are read as they were sent, so a translated session shows its transaction in the CSMS's version once.
 * Energy is the Energy.Active.Import.Register span (Wh) from start to the latest reading.
 */
import type { MessageRecord } from '../src/core/relay-message.js';

export interface Transaction {
  /** sessionId + transaction id: unique in the view. */
  key: string;
  sessionId: string;
  identity: string;
  transactionId: string;
  connectorId: number | undefined;
  evseId: number | undefined;
  idToken: string | undefined;
  /** µs since the epoch (the frame's arrival at the proxy). */
  startedAt: number;
  stoppedAt: number | undefined;
  meterStartWh: number | undefined;
  meterLastWh: number | undefined;
  state: 'active' | 'ended';
  stopReason: string | undefined;
  /** seq of the first and last frame that belongs to it (its timeline spans them). */
  firstSeq: number;
  lastSeq: number;
}

type Json = Record<string, any>;

function parse(r: MessageRecord): unknown[] | undefined {
  try {
    const f = JSON.parse(r.text) as unknown;
    return Array.isArray(f) ? f : undefined;
  } catch {
    return undefined;
  }
}

/** Wh from a sampled value, or undefined when it is not the energy register. */
function energyWh(sv: Json): number | undefined {
  if (sv.measurand !== undefined && sv.measurand !== 'Energy.Active.Import.Register') return undefined;
  const value = Number(sv.value);
  if (!Number.isFinite(value)) return undefined;
  const unit = sv.unit ?? sv.unitOfMeasure?.unit ?? 'Wh';
  const multiplier = Number(sv.unitOfMeasure?.multiplier ?? 0);
  return (unit === 'kWh' ? value * 1000 : value) * 10 ** multiplier;
}

function lastEnergy(meterValues: unknown): number | undefined {
  let wh: number | undefined;
  for (const mv of Array.isArray(meterValues) ? (meterValues as Json[]) : []) {
    for (const sv of Array.isArray(mv?.sampledValue) ? (mv.sampledValue as Json[]) : []) wh = energyWh(sv) ?? wh;
  }
  return wh;
}

export function transactionsOf(records: Iterable<MessageRecord>): Transaction[] {
  const txs = new Map<string, Transaction>();
  /** 1.6: StartTransaction CALLs waiting for the answer that names the transaction, by session + message id. */
  const starts = new Map<string, { r: MessageRecord; p: Json }>();
  const touch = (t: Transaction, r: MessageRecord): void => {
    t.lastSeq = Math.max(t.lastSeq, r.seq);
  };
  const open = (r: MessageRecord, transactionId: string, p: Partial<Transaction>): Transaction => {
    const key = `${r.sessionId}|${transactionId}`;
    let t = txs.get(key);
    if (!t) {
      t = {
        key,
        sessionId: r.sessionId,
        identity: r.identity,
        transactionId,
        connectorId: undefined,
        evseId: undefined,
        idToken: undefined,
        startedAt: r.receivedAt,
        stoppedAt: undefined,
        meterStartWh: undefined,
        meterLastWh: undefined,
        state: 'active',
        stopReason: undefined,
        firstSeq: r.seq,
        lastSeq: r.seq,
      };
      txs.set(key, t);
    }
    for (const [k, v] of Object.entries(p)) if (v !== undefined && (t as any)[k] === undefined) (t as any)[k] = v;
    touch(t, r);
    return t;
  };
  const find = (r: MessageRecord, transactionId: unknown): Transaction | undefined =>
    transactionId === undefined || transactionId === null ? undefined : txs.get(`${r.sessionId}|${String(transactionId)}`);

  for (const r of records) {
    if (r.dropped) continue;
    const f = parse(r);
    if (!f) continue;
    const action = r.action ?? r.callAction;
    if (f[0] === 2) {
      const p = (f[3] ?? {}) as Json;
      if (action === 'StartTransaction') {
        starts.set(`${r.sessionId}|${r.messageId}`, { r, p });
      } else if (action === 'StopTransaction') {
        const t = find(r, p.transactionId);
        if (!t) continue;
        touch(t, r);
        t.state = 'ended';
        t.stoppedAt = r.receivedAt;
        t.stopReason = p.reason ?? 'Local';
        t.meterLastWh = typeof p.meterStop === 'number' ? p.meterStop : (lastEnergy(p.transactionData) ?? t.meterLastWh);
      } else if (action === 'MeterValues') {
        const t = find(r, p.transactionId);
        if (!t) continue;
        touch(t, r);
        t.meterLastWh = lastEnergy(p.meterValue) ?? t.meterLastWh;
      } else if (action === 'TransactionEvent') {
        const id = p.transactionInfo?.transactionId;
        if (typeof id !== 'string') continue;
        const wh = lastEnergy(p.meterValue);
        const t = open(r, id, { connectorId: p.evse?.connectorId, evseId: p.evse?.id, idToken: p.idToken?.idToken, meterStartWh: wh });
        if (wh !== undefined) t.meterLastWh = wh;
        if (p.eventType === 'Ended') {
          t.state = 'ended';
          t.stoppedAt = r.receivedAt;
          t.stopReason = p.transactionInfo?.stoppedReason ?? 'Local';
        }
      }
    } else if (f[0] === 3 && action === 'StartTransaction') {
      const start = starts.get(`${r.sessionId}|${r.messageId}`);
      const p = (f[2] ?? {}) as Json;
      if (!start || typeof p.transactionId !== 'number') continue;
      starts.delete(`${r.sessionId}|${r.messageId}`);
      const t = open(start.r, String(p.transactionId), { connectorId: start.p.connectorId, idToken: start.p.idTag, meterStartWh: start.p.meterStart });
      t.meterLastWh ??= start.p.meterStart;
      touch(t, r);
    }
  }
  return [...txs.values()].sort((a, b) => b.startedAt - a.startedAt);
}

/** Energy delivered so far (Wh), when both ends of the register are known. */
export const energyOf = (t: Transaction): number | undefined =>
  t.meterStartWh !== undefined && t.meterLastWh !== undefined ? t.meterLastWh - t.meterStartWh : undefined;

/** Duration in ms (to now while active). */
export const durationOf = (t: Transaction, nowMicros: number): number => ((t.stoppedAt ?? nowMicros) - t.startedAt) / 1000;

/** The frames of one transaction: its session's frames from its first to its last, and the answers to its CALLs. */
export function framesOf(t: Transaction, records: Iterable<MessageRecord>): MessageRecord[] {
  const out: MessageRecord[] = [];
  const calls = new Set<string>();
  for (const r of records) {
    if (r.sessionId !== t.sessionId || r.seq < t.firstSeq) continue;
    if (r.seq <= t.lastSeq) {
      out.push(r);
      if (r.kind === 'CALL') calls.add(r.messageId);
    } else if (r.kind !== 'CALL' && r.kind !== 'SEND' && calls.has(r.messageId)) {
      out.push(r);
      calls.delete(r.messageId);
    }
  }
  return out;
}

/** A whole session as a span the timeline shows (every frame of it in memory). */
export function sessionSpan(sessionId: string, identity: string): Transaction {
  return {
    key: `session|${sessionId}`,
    sessionId,
    identity,
    transactionId: '',
    connectorId: undefined,
    evseId: undefined,
    idToken: undefined,
    startedAt: 0,
    stoppedAt: undefined,
    meterStartWh: undefined,
    meterLastWh: undefined,
    state: 'active',
    stopReason: undefined,
    firstSeq: 0,
    lastSeq: Number.MAX_SAFE_INTEGER,
  };
}
