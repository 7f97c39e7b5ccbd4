/**
 * `:export FILE`: the frames in view (the filter applied), oldest first, in the capture format `ocpp-mitm export`
 * writes — JSON lines (a header, the sessions, the frames), or HAR 1.2 when FILE ends in `.har` — so
 * `ocpp-mitm import` reads it back, and a browser's devtools open the HAR. An existing file is never overwritten.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CAPTURE_FORMAT, CAPTURE_VERSION, type CaptureHeader, type FrameRecord, type SessionRecord } from '../src/capture/capture-record.js';
import { HAR_TAIL, harEntry, harHead } from '../src/capture/har.js';
import type { MessageRecord } from '../src/core/relay-message.js';
import type { StationRow, ViewStore } from './view-store.js';

export function frameRecordOf(r: MessageRecord): FrameRecord {
  return {
    type: 'frame',
    time: new Date(Math.floor(r.receivedAt / 1000)).toISOString(),
    receivedAt: r.receivedAt,
    sentAt: r.sentAt ?? null,
    session: r.sessionId,
    station: r.identity,
    direction: r.direction,
    version: r.version ?? '',
    origin: r.origin,
    kind: r.kind,
    messageId: r.messageId,
    action: r.action ?? r.callAction ?? '',
    received: r.original ?? r.text,
    sent: r.dropped ? null : r.text,
    valid: r.valid,
    issues: r.issues,
    errorCode: r.errorCode ?? '',
    ruleIds: r.ruleIds,
    dropped: r.dropped !== undefined,
    modified: r.modified,
    latencyMs: r.latencyMs ?? null,
  };
}

/** A session as the capture records it; from the station table when the view knows it, else from its first frame. */
function sessionRecordOf(id: string, row: StationRow | undefined, first: MessageRecord): SessionRecord {
  const info = row?.info;
  const protocol = (v: string | undefined): string => (v ? `ocpp${v}` : '');
  return {
    type: 'session',
    session: id,
    station: info?.identity ?? first.identity,
    openedAt: info?.openedAt ?? first.receivedAt,
    closedAt: row?.close?.closedAt ?? null,
    remoteAddress: info?.remoteAddress ?? '',
    offeredProtocols: [...(info?.offeredProtocols ?? [])],
    stationProtocol: info?.stationProtocol ?? protocol(first.version),
    csmsProtocol: info?.csmsProtocol ?? protocol(first.version),
    securityProfile: info?.securityProfile ?? 0,
    tlsVersion: info?.tls?.version ?? '',
    tlsCipher: info?.tls?.cipher ?? '',
    clientSubject: info?.tls?.clientSubject ?? '',
    closeCode: row?.close?.code ?? null,
    closeReason: row?.close?.reason ?? '',
  };
}

export async function exportFiltered(store: ViewStore, file: string): Promise<{ path: string; frames: number; sessions: number; format: 'jsonl' | 'har' }> {
  const path = resolve(file);
  const bySession = new Map<string, MessageRecord[]>();
  let frames = 0;
  for (const r of store.filteredRecords()) {
    (bySession.get(r.sessionId) ?? bySession.set(r.sessionId, []).get(r.sessionId)!).push(r);
    frames++;
  }
  const sessions = [...bySession].map(([id, recs]) => ({ session: sessionRecordOf(id, store.stations.get(id), recs[0]!), frames: recs.map(frameRecordOf) }));
  const har = /\.har$/i.test(file);
  let text: string;
  if (har) {
    text = harHead() + sessions.map((s) => JSON.stringify(harEntry(s.session, s.frames))).join(',\n') + HAR_TAIL;
  } else {
    const header: CaptureHeader = { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, exportedAt: new Date().toISOString(), payloads: 'full' };
    const lines = [header, ...sessions.map((s) => s.session), ...sessions.flatMap((s) => s.frames)].map((x) => JSON.stringify(x));
    text = lines.join('\n') + '\n';
  }
  await writeFile(path, text, { flag: 'wx', mode: 0o600 });
  return { path, frames, sessions: sessions.length, format: har ? 'har' : 'jsonl' };
}
