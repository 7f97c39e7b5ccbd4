/**
 * A capture: the sessions and frames of a store as plain records, the unit `export` writes and `import` reads (in
 * JSON lines or HAR). One frame record holds what the proxy knew of a frame: both texts, timing, validation, rules.
 */
import type { Direction } from '../core/types.js';
import { redactFrameText } from '../store/redact.js';
import type { FrameRow, SessionRow } from '../store/store-reader.js';

export const CAPTURE_FORMAT = 'ocpp-mitm-capture';
export const CAPTURE_VERSION = 1;

export interface CaptureHeader {
  format: typeof CAPTURE_FORMAT;
  version: number;
  exportedAt: string;
  /** How payloads were kept: full, or redacted on export. */
  payloads: 'full' | 'redacted' | 'none';
}

/** A recorded session as a capture line: the store's SessionRow under the capture's names (times in µs). */
export type SessionRecord = { type: 'session'; session: string; station: string } & Omit<SessionRow, 'sessionId' | 'identity'>;

export interface FrameRecord {
  type: 'frame';
  /** ISO time the frame was read, for people; `receivedAt` is the exact µs. */
  time: string;
  receivedAt: number;
  sentAt: number | null;
  session: string;
  station: string;
  direction: Direction;
  version: string;
  origin: string;
  kind: string;
  messageId: string;
  /** A CALL's action, or for an answer the action of the CALL it answers. */
  action: string;
  /** Text as received from the sender. */
  received: string;
  /** Text as written to the receiver; null when the proxy dropped it. */
  sent: string | null;
  valid: boolean;
  issues: unknown[];
  errorCode: string;
  ruleIds: string[];
  dropped: boolean;
  modified: boolean;
  latencyMs: number | null;
}

export interface Capture {
  sessions: SessionRecord[];
  frames: FrameRecord[];
}

export function sessionRecord(s: SessionRow): SessionRecord {
  return {
    type: 'session',
    session: s.sessionId,
    station: s.identity,
    openedAt: s.openedAt,
    closedAt: s.closedAt,
    remoteAddress: s.remoteAddress,
    offeredProtocols: s.offeredProtocols,
    stationProtocol: s.stationProtocol,
    csmsProtocol: s.csmsProtocol,
    securityProfile: s.securityProfile,
    tlsVersion: s.tlsVersion,
    tlsCipher: s.tlsCipher,
    clientSubject: s.clientSubject,
    closeCode: s.closeCode,
    closeReason: s.closeReason,
  };
}

function parseIssues(text: string): unknown[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** A stored frame as a record; `redact` masks secrets in both texts (idTag, idToken, passwords). */
export function frameRecord(f: FrameRow, redact = false): FrameRecord {
  const keep = (t: string): string => (redact ? redactFrameText(t) : t);
  const received = f.modified && f.original ? f.original : f.text;
  return {
    type: 'frame',
    time: new Date(Math.floor(f.receivedAt / 1000)).toISOString(),
    receivedAt: f.receivedAt,
    sentAt: f.sentAt,
    session: f.sessionId,
    station: f.identity,
    direction: f.direction,
    version: f.version,
    origin: f.origin,
    kind: f.kind,
    messageId: f.messageId,
    action: f.action,
    received: keep(received),
    sent: f.dropped ? null : keep(f.text),
    valid: f.valid,
    issues: parseIssues(f.issues),
    errorCode: f.errorCode,
    ruleIds: f.ruleIds,
    dropped: f.dropped,
    modified: f.modified,
    latencyMs: f.latencyMs,
  };
}

/** The text the station saw: what it sent, or what was written to it. */
export const stationText = (f: FrameRecord): string => (f.direction === 'to-csms' ? f.received : (f.sent ?? f.received));
