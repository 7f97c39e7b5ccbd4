/**
 * A capture → the store's rows. Frames become MessageRecords again, and go through the same CallTracker and KPI
 * session trackers the live proxy uses, so an imported capture has the `calls` and `kpi_samples` a live recording
 * of those frames would have had (a browser's HAR, which has no KPIs, gets them too).
 */
import type { KpiSample } from '../kpi/kpi-types.js';
import type { MessageRecord } from '../core/relay-message.js';
import type { OcppVersion, SessionInfo, ValidationIssue } from '../core/types.js';
import { DEFAULT_WINDOWS_MS } from '../kpi/kpi-addon.js';
import { SessionTracker } from '../kpi/session-tracker.js';
import { StationFrame } from '../kpi/station-frame.js';
import { CallTracker, frameRow, kpiRow, sessionRow, type Row } from '../store/rows.js';
import type { Capture, FrameRecord, SessionRecord } from './capture-record.js';

export type CaptureRows = Record<'sessions' | 'frames' | 'calls' | 'kpi_samples', Row[]>;

const VERSION_OF: Record<string, OcppVersion> = { 'ocpp1.6': '1.6', 'ocpp1.6j': '1.6', 'ocpp2.0.1': '2.0.1', 'ocpp2.0': '2.0.1' };

function sessionInfo(s: SessionRecord): SessionInfo {
  return {
    id: s.session,
    identity: s.station,
    path: `/${s.station}`,
    remoteAddress: s.remoteAddress,
    offeredProtocols: s.offeredProtocols,
    stationProtocol: s.stationProtocol,
    csmsProtocol: s.csmsProtocol,
    stationVersion: VERSION_OF[s.stationProtocol],
    csmsVersion: VERSION_OF[s.csmsProtocol],
    upstreamUrl: '',
    tls: s.tlsVersion ? { version: s.tlsVersion, cipher: s.tlsCipher, clientSubject: s.clientSubject || undefined } : undefined,
    securityProfile: s.securityProfile,
    basicAuthUser: undefined,
    openedAt: s.openedAt,
  };
}

const ANSWERS = new Set(['CALLRESULT', 'CALLERROR']);

/** A frame record as the relay's MessageRecord; `latency` fills in what a browser's HAR lacks. */
function messageRecord(f: FrameRecord, seq: number, latencyMs: number | undefined): MessageRecord {
  const isAnswer = ANSWERS.has(f.kind);
  const text = f.sent ?? f.received;
  return {
    seq,
    sessionId: f.session,
    identity: f.station,
    direction: f.direction,
    origin: f.origin as MessageRecord['origin'],
    madeBy: undefined,
    version: (f.version || undefined) as OcppVersion | undefined,
    receivedAt: f.receivedAt,
    sentAt: f.sentAt ?? undefined,
    kind: f.kind as MessageRecord['kind'],
    messageId: f.messageId,
    action: f.kind === 'CALL' ? f.action || undefined : undefined,
    text,
    original: f.modified ? f.received : undefined,
    size: Buffer.byteLength(text),
    valid: f.valid,
    issues: f.issues as ValidationIssue[],
    errorCode: f.errorCode || undefined,
    malformed: f.kind === 'MALFORMED' ? { reason: 'not-json', detail: 'imported', messageId: f.messageId } : undefined,
    dropped: f.dropped ? { by: 'import', reason: 'dropped in the recording' } : undefined,
    ruleDelayMs: 0,
    modified: f.modified,
    changedBy: [],
    ruleIds: f.ruleIds,
    latencyMs: isAnswer ? latencyMs : undefined,
    callAction: isAnswer && f.action ? f.action : undefined,
  };
}

/**
 * Rows for every table. `nextSeq` hands out store sequences (increasing, above what the store holds). Answers
 * without a recorded latency get one from their CALL (written → answer read), and their CALL's action.
 */
export function captureRows(c: Capture, nextSeq: () => number): CaptureRows {
  const rows: CaptureRows = { sessions: [], frames: [], calls: [], kpi_samples: [] };
  const calls = new CallTracker((r) => rows.calls.push(r), Number.MAX_SAFE_INTEGER);
  const bySession = new Map<string, FrameRecord[]>();
  for (const f of c.frames) {
    let list = bySession.get(f.session);
    if (!list) bySession.set(f.session, (list = []));
    list.push(f);
  }
  let relaySeq = 0;
  for (const s of c.sessions) {
    const info = sessionInfo(s);
    rows.sessions.push(sessionRow(info));
    const tracker = new SessionTracker(
      { id: s.session, identity: s.station, version: info.stationVersion ?? info.csmsVersion ?? '' },
      DEFAULT_WINDOWS_MS,
      (o) => {
        if ('sample' in o) rows.kpi_samples.push(kpiRow(o.sample as KpiSample));
      },
    );
    // CALLs by direction and id, to pair answers a browser's HAR left unpaired.
    const open = new Map<string, FrameRecord>();
    for (const f of bySession.get(s.session) ?? []) {
      let latency = f.latencyMs ?? undefined;
      let action = f.action;
      if (f.kind === 'CALL') open.set(`${f.direction}:${f.messageId}`, f);
      else if (ANSWERS.has(f.kind)) {
        const callDir = f.direction === 'to-csms' ? 'to-station' : 'to-csms';
        const call = open.get(`${callDir}:${f.messageId}`);
        open.delete(`${callDir}:${f.messageId}`);
        if (call) {
          action ||= call.action;
          latency ??= Math.max(0, (f.receivedAt - (call.sentAt ?? call.receivedAt)) / 1000);
        }
      }
      const m = messageRecord({ ...f, action }, ++relaySeq, latency);
      rows.frames.push(frameRow(m, nextSeq(), 'full'));
      calls.onMessage(m);
      tracker.onFrame(new StationFrame(m));
    }
    const closedAt = s.closedAt ?? (bySession.get(s.session)?.at(-1)?.receivedAt ?? s.openedAt);
    tracker.close(closedAt);
    calls.onSessionClose(s.session);
    if (s.closedAt !== null) {
      rows.sessions.push(
        sessionRow(info, { initiator: 'station', code: s.closeCode ?? 1005, reason: s.closeReason, closedAt: s.closedAt }),
      );
    }
  }
  return rows;
}
