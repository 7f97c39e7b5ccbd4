/** The store's rows as the view's records, so recorded history shows (and filters) like live traffic. */
import type { MessageRecord } from '../src/core/relay-message.js';
import type { Direction, Origin, SessionInfo, ValidationIssue } from '../src/core/types.js';
import { versionOfProtocol } from '../src/core/types.js';
import type { FrameRow, SessionRow } from '../src/store/store-types.js';

function issuesOf(text: string): ValidationIssue[] {
  try {
    const v = JSON.parse(text || '[]') as unknown;
    return Array.isArray(v) ? (v as ValidationIssue[]) : [];
  } catch {
    return [];
  }
}

export function frameToRecord(f: FrameRow): MessageRecord {
  return {
    seq: f.seq,
    sessionId: f.sessionId,
    identity: f.identity,
    direction: f.direction as Direction,
    origin: (f.origin || 'wire') as Origin,
    madeBy: undefined,
    version: (f.version || undefined) as MessageRecord['version'],
    receivedAt: f.receivedAt,
    sentAt: f.sentAt ?? undefined,
    kind: f.kind as MessageRecord['kind'],
    messageId: f.messageId,
    action: f.action || undefined,
    text: f.text,
    original: f.modified && f.original ? f.original : undefined,
    size: f.size,
    valid: f.valid,
    issues: issuesOf(f.issues),
    errorCode: f.errorCode || undefined,
    malformed: undefined,
    // The store keeps that a frame was kept back, not by whom.
    dropped: f.dropped ? { by: 'proxy', reason: 'not forwarded (as recorded)' } : undefined,
    ruleDelayMs: 0,
    modified: f.modified,
    changedBy: [],
    ruleIds: f.ruleIds ?? [],
    latencyMs: f.latencyMs ?? undefined,
    callAction: undefined,
  };
}

export function sessionToInfo(s: SessionRow): SessionInfo {
  return {
    id: s.sessionId,
    identity: s.identity,
    path: `/${s.identity}`,
    remoteAddress: s.remoteAddress,
    offeredProtocols: s.offeredProtocols,
    stationProtocol: s.stationProtocol,
    csmsProtocol: s.csmsProtocol,
    stationVersion: versionOfProtocol(s.stationProtocol || s.csmsProtocol),
    csmsVersion: versionOfProtocol(s.csmsProtocol || s.stationProtocol),
    upstreamUrl: '',
    tls: s.tlsVersion ? { version: s.tlsVersion, cipher: s.tlsCipher, clientSubject: s.clientSubject || undefined } : undefined,
    securityProfile: s.securityProfile,
    basicAuthUser: undefined,
    openedAt: s.openedAt,
  };
}
