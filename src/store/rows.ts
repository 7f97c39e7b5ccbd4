/** RelayEvents → table rows (plain objects in the column names of schema.ts). */
import type { KpiSample } from '../kpi/kpi-types.js';
import type { MessageRecord } from '../core/relay-message.js';
import type { CloseInfo, SessionInfo } from '../core/types.js';
import { FewMap } from '../core/few-map.js';
import { opposite } from '../core/types.js';
import { retainPayload, type PayloadMode } from './redact.js';

export type Row = Record<string, unknown>;

/*
 * Every row ends with wal_writer and wal_seq, placeholders the store's writer fills in as it numbers the row: set on
 * a row made without them, they would add two properties to it after the fact, which V8 pays for with a property
 * store allocated per row and a change of the row's shape.
 */

export function sessionRow(s: SessionInfo, close?: CloseInfo): Row {
  return {
    at: close ? close.closedAt : s.openedAt,
    event: close ? 'close' : 'open',
    session_id: s.id,
    identity: s.identity,
    opened_at: s.openedAt,
    path: s.path,
    remote_address: s.remoteAddress,
    offered_protocols: [...s.offeredProtocols],
    station_protocol: s.stationProtocol,
    csms_protocol: s.csmsProtocol,
    station_version: s.stationVersion ?? '',
    csms_version: s.csmsVersion ?? '',
    upstream_url: s.upstreamUrl,
    security_profile: s.securityProfile,
    tls_version: s.tls?.version ?? '',
    tls_cipher: s.tls?.cipher ?? '',
    client_subject: s.tls?.clientSubject ?? '',
    client_issuer: s.tls?.clientIssuer ?? '',
    client_fingerprint: s.tls?.clientFingerprint ?? '',
    basic_auth_user: s.basicAuthUser ?? '',
    close_initiator: close?.initiator ?? '',
    close_code: close?.code ?? 0,
    close_reason: close?.reason ?? '',
    wal_writer: '',
    wal_seq: 0,
  };
}

export function frameRow(m: MessageRecord, storeSeq: number, payloads: PayloadMode): Row {
  return {
    store_seq: storeSeq,
    received_at: m.receivedAt,
    sent_at: m.sentAt ?? 0,
    session_id: m.sessionId,
    identity: m.identity,
    relay_seq: m.seq,
    direction: m.direction,
    origin: m.origin,
    made_by: m.madeBy ?? '',
    version: m.version ?? '',
    kind: m.kind,
    message_id: m.messageId,
    action: m.action ?? '',
    size: m.size,
    valid: m.valid ? 1 : 0,
    error_code: m.errorCode ?? '',
    issues: m.issues.length === 0 ? '[]' : JSON.stringify(m.issues),
    malformed: m.malformed?.reason ?? '',
    dropped: m.dropped ? 1 : 0,
    drop_reason: m.dropped ? `${m.dropped.by}: ${m.dropped.reason}` : '',
    modified: m.modified ? 1 : 0,
    injected: m.origin !== 'wire' ? 1 : 0,
    changed_by: m.changedBy,
    rule_ids: m.ruleIds,
    rule_delay_ms: m.ruleDelayMs,
    latency_ms: m.latencyMs ?? -1,
    call_action: m.callAction ?? '',
    payload: retainPayload(m.text, payloads),
    original: retainPayload(m.original, payloads),
    wal_writer: '',
    wal_seq: 0,
  };
}

export function kpiRow(s: KpiSample): Row {
  return {
    at: s.at,
    kpi: s.kpi,
    session_id: s.sessionId,
    identity: s.identity,
    version: s.version,
    action: s.action,
    end_action: s.endAction,
    message_id: s.messageId,
    value_ms: s.valueMs === null || s.timedOut ? -1 : s.valueMs,
    timed_out: s.timedOut || s.valueMs === null ? 1 : 0,
    wal_writer: '',
    wal_seq: 0,
  };
}

/** The error code of a CALLERROR text (`[4, id, code, description, details]`), '' when unreadable. */
function callErrorCode(text: string): string {
  try {
    const f = JSON.parse(text) as unknown;
    return Array.isArray(f) && typeof f[2] === 'string' ? f[2].slice(0, 100) : '';
  } catch {
    return '';
  }
}

/** A session's CALLs waiting for their answer, per direction, by message id (oldest first). */
interface SessionCalls {
  'to-csms': FewMap<MessageRecord>;
  'to-station': FewMap<MessageRecord>;
}

const calledAt = (call: MessageRecord): number => call.sentAt ?? call.receivedAt;

/**
 * Pairs CALLs with their answers for the `calls` table. Answers carry their latency and the CALL's action; a CALL
 * left unanswered past `timeoutMs`, or when its session closes, becomes a 'timeout' row. Bounded: past `maxOpen`
 * waiting CALLs, the oldest is written off as a timeout.
 *
 * The waiting CALLs are kept per session in FewMaps, under their own message id: one Map for every session's CALLs
 * would gain and lose an entry per CALL, and the hash tables it reallocated for that outlived young-generation
 * collections (measured: 2 MB of the full proxy's sampled survivors, more than anything else of ocpp-mitm's own).
 */
export class CallTracker {
  private readonly sessions = new Map<string, SessionCalls>();
  private open = 0;

  constructor(
    private readonly emit: (row: Row) => void,
    private readonly timeoutMs = 60_000,
    private readonly maxOpen = 100_000,
  ) {}

  get waiting(): number {
    return this.open;
  }

  onMessage(m: MessageRecord): void {
    if (m.kind === 'CALL') {
      if (m.dropped) return;
      let calls = this.sessions.get(m.sessionId);
      if (!calls) this.sessions.set(m.sessionId, (calls = { 'to-csms': new FewMap(), 'to-station': new FewMap() }));
      const waiting = calls[m.direction];
      // A repeated id replaces the older CALL, and goes to the back: insertion order stays age order.
      if (waiting.delete(m.messageId)) this.open--;
      waiting.set(m.messageId, m);
      if (++this.open > this.maxOpen) this.writeOffOldest();
      return;
    }
    if ((m.kind !== 'CALLRESULT' && m.kind !== 'CALLERROR') || m.callAction === undefined || m.latencyMs === undefined) return;
    const callDirection = opposite(m.direction);
    const waiting = this.sessions.get(m.sessionId)?.[callDirection];
    const call = waiting?.get(m.messageId);
    if (call) {
      waiting!.delete(m.messageId);
      this.open--;
    }
    this.emit({
      called_at: call ? calledAt(call) : Math.round(m.receivedAt - m.latencyMs * 1000),
      answered_at: m.receivedAt,
      session_id: m.sessionId,
      identity: m.identity,
      version: m.version ?? call?.version ?? '',
      direction: callDirection,
      message_id: m.messageId,
      action: m.callAction,
      outcome: m.kind === 'CALLRESULT' ? 'result' : 'error',
      error_code: m.kind === 'CALLERROR' ? callErrorCode(m.text) : '',
      latency_ms: m.latencyMs,
      wal_writer: '',
      wal_seq: 0,
    });
  }

  /** Every CALL of this session still waiting is written off. */
  onSessionClose(sessionId: string): void {
    const calls = this.sessions.get(sessionId);
    if (!calls) return;
    this.sessions.delete(sessionId);
    for (const waiting of [calls['to-csms'], calls['to-station']]) {
      for (const call of waiting.values()) this.writeOff(call);
    }
  }

  /** Write off CALLs older than the timeout (call with a wall clock in µs). */
  sweep(nowMicros: number): void {
    const before = nowMicros - this.timeoutMs * 1000;
    for (const calls of this.sessions.values()) {
      for (const waiting of [calls['to-csms'], calls['to-station']]) {
        for (const [id, call] of waiting) {
          if (calledAt(call) >= before) break; // oldest first: the rest are younger
          waiting.delete(id);
          this.writeOff(call);
        }
      }
    }
  }

  /** Past the bound: the oldest CALL of all sessions (a scan, but only when thousands wait unanswered). */
  private writeOffOldest(): void {
    let oldest: { waiting: FewMap<MessageRecord>; call: MessageRecord } | undefined;
    for (const calls of this.sessions.values()) {
      for (const waiting of [calls['to-csms'], calls['to-station']]) {
        const id = waiting.oldestKey();
        const call = id === undefined ? undefined : waiting.get(id);
        if (call && (!oldest || calledAt(call) < calledAt(oldest.call))) oldest = { waiting, call };
      }
    }
    if (!oldest) return;
    oldest.waiting.delete(oldest.call.messageId);
    this.writeOff(oldest.call);
  }

  private writeOff(call: MessageRecord): void {
    this.open--;
    this.emit({
      called_at: calledAt(call),
      answered_at: 0,
      session_id: call.sessionId,
      identity: call.identity,
      version: call.version ?? '',
      direction: call.direction,
      message_id: call.messageId,
      action: call.action ?? '',
      outcome: 'timeout',
      error_code: '',
      latency_ms: -1,
      wal_writer: '',
      wal_seq: 0,
    });
  }
}
