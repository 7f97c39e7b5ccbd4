/** RelayEvents → table rows (plain objects in the column names of schema.ts). */
import type { KpiSample } from '../core/addon.js';
import type { MessageRecord } from '../core/relay-message.js';
import type { CloseInfo, Direction, SessionInfo } from '../core/types.js';
import { opposite } from '../core/types.js';
import { retainPayload, type PayloadMode } from './redact.js';

export type Row = Record<string, unknown>;

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
    issues: JSON.stringify(m.issues),
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

interface OpenCall {
  calledAt: number;
  sessionId: string;
  identity: string;
  version: string;
  direction: Direction;
  messageId: string;
  action: string;
}

/**
 * Pairs CALLs with their answers for the `calls` table. Answers carry their latency and the CALL's action; a CALL
 * left unanswered past `timeoutMs`, or when its session closes, becomes a 'timeout' row. Bounded: past `maxOpen`
 * waiting CALLs, the oldest is written off as a timeout.
 */
export class CallTracker {
  private readonly open = new Map<string, OpenCall>();

  constructor(
    private readonly emit: (row: Row) => void,
    private readonly timeoutMs = 60_000,
    private readonly maxOpen = 100_000,
  ) {}

  get waiting(): number {
    return this.open.size;
  }

  onMessage(m: MessageRecord): void {
    if (m.kind === 'CALL') {
      if (m.dropped) return;
      const key = `${m.sessionId}\u0000${m.direction}\u0000${m.messageId}`;
      this.open.delete(key); // a repeated id replaces the older CALL: keeps insertion order = age order
      this.open.set(key, {
        calledAt: m.sentAt ?? m.receivedAt,
        sessionId: m.sessionId,
        identity: m.identity,
        version: m.version ?? '',
        direction: m.direction,
        messageId: m.messageId,
        action: m.action ?? '',
      });
      if (this.open.size > this.maxOpen) this.expire(Number.POSITIVE_INFINITY, 1);
      return;
    }
    if ((m.kind !== 'CALLRESULT' && m.kind !== 'CALLERROR') || m.callAction === undefined || m.latencyMs === undefined) return;
    const callDirection = opposite(m.direction);
    const key = `${m.sessionId}\u0000${callDirection}\u0000${m.messageId}`;
    const call = this.open.get(key);
    this.open.delete(key);
    this.emit({
      called_at: call?.calledAt ?? Math.round(m.receivedAt - m.latencyMs * 1000),
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
    });
  }

  /** Every CALL of this session still waiting is written off. */
  onSessionClose(sessionId: string): void {
    for (const [key, call] of this.open) {
      if (call.sessionId !== sessionId) continue;
      this.open.delete(key);
      this.emit(this.timeoutRow(call));
    }
  }

  /** Write off CALLs older than the timeout (call with a wall clock in µs). */
  sweep(nowMicros: number): void {
    this.expire(nowMicros - this.timeoutMs * 1000, Number.POSITIVE_INFINITY);
  }

  /** Write off everything (at shutdown nothing will answer any more). */
  flushAll(): void {
    this.expire(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  /** Up to `max` CALLs called before `olderThan`; the map is bounded, so a full scan stays cheap. */
  private expire(olderThan: number, max: number): void {
    let n = 0;
    for (const [key, call] of this.open) {
      if (n >= max) break;
      if (call.calledAt >= olderThan) continue;
      this.open.delete(key);
      this.emit(this.timeoutRow(call));
      n++;
    }
  }

  private timeoutRow(c: OpenCall): Row {
    return {
      called_at: c.calledAt,
      answered_at: 0,
      session_id: c.sessionId,
      identity: c.identity,
      version: c.version,
      direction: c.direction,
      message_id: c.messageId,
      action: c.action,
      outcome: 'timeout',
      error_code: '',
      latency_ms: -1,
    };
  }
}
