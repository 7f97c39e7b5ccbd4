/** The audit as the HTML report's model: verdicts and certified figures per KPI, each finding with its frames. */
import type { HtmlEvidence, HtmlFinding, HtmlFrame, HtmlReport } from '../store/html/html-model.js';
import { firmwareChanges, htmlFrame } from '../store/html/html-model.js';
import type { FrameRow, KpiSampleRow, SessionRow } from '../store/store-reader.js';
import type { AuditReport, Evidence, Finding } from './audit-types.js';
import { CERTIFIED_KPIS } from './profile-types.js';

export interface AuditHtmlInput {
  report: AuditReport;
  frames: readonly FrameRow[];
  sessions: readonly SessionRow[];
  samples: readonly KpiSampleRow[];
  source: string;
}

/** Frames by station and message id, to pair a CALL with its answer. */
class FrameIndex {
  private readonly bySeq = new Map<number, FrameRow>();
  private readonly byId = new Map<string, FrameRow[]>();
  constructor(frames: readonly FrameRow[]) {
    for (const f of frames) {
      this.bySeq.set(f.seq, f);
      const k = `${f.identity}\u0000${f.messageId}`;
      const list = this.byId.get(k);
      if (list) list.push(f);
      else this.byId.set(k, [f]);
    }
  }
  /** The frame, then the frame on the other side of its exchange (the answer to a CALL, the CALL of an answer). */
  exchange(seq: number): HtmlFrame[] {
    const f = this.bySeq.get(seq);
    if (!f) return [];
    const other = (this.byId.get(`${f.identity}\u0000${f.messageId}`) ?? []).find(
      (o) => o.seq !== f.seq && o.direction !== f.direction && (f.kind === 'CALL') !== (o.kind === 'CALL'),
    );
    return (other ? [f, other].sort((a, b) => a.seq - b.seq) : [f]).map(htmlFrame);
  }
  /** The CALL with this message id (a KPI's start) and its answer. */
  call(station: string, messageId: string): HtmlFrame[] {
    const call = (this.byId.get(`${station}\u0000${messageId}`) ?? []).find((f) => f.kind === 'CALL');
    return call ? this.exchange(call.seq) : [];
  }
}

const describeSession = (s: SessionRow | undefined, id: string): string =>
  s
    ? `session ${id}: ${s.stationProtocol || 'no subprotocol'}, security profile ${s.securityProfile}${s.tlsVersion ? `, ${s.tlsVersion} ${s.tlsCipher}` : ''}${s.clientSubject ? `, client ${s.clientSubject}` : ''}`
    : `session ${id}`;

const KPI_CODES = new Set(['kpi_slower_than_certified', 'kpi_exceeds_declared_max', 'kpi_timeouts']);
const SLOWEST_SHOWN = 2;

export function auditHtmlModel(input: AuditHtmlInput): HtmlReport {
  const index = new FrameIndex(input.frames);
  const sessions = new Map(input.sessions.map((s) => [s.sessionId, s]));
  const fw = firmwareChanges(input.frames);

  const evidenceOf = (e: Evidence): HtmlEvidence => ({
    at: e.at,
    frames: e.seq !== undefined ? index.exchange(e.seq) : [],
    ...(e.sessionId && e.seq === undefined ? { note: describeSession(sessions.get(e.sessionId), e.sessionId) } : {}),
  });

  // A KPI finding names no frame: show the slowest measurements' exchanges (or the timed-out ones).
  const kpiEvidence = (f: Finding): HtmlEvidence[] => {
    const kpi = CERTIFIED_KPIS.find((k) => f.message.startsWith(`${k}:`));
    if (!kpi) return [];
    const own = input.samples.filter((s) => s.station === f.station && s.kpi === kpi);
    const picked =
      f.code === 'kpi_timeouts'
        ? own.filter((s) => s.valueMs === null).slice(0, SLOWEST_SHOWN)
        : own.filter((s) => s.valueMs !== null).sort((a, b) => b.valueMs! - a.valueMs!).slice(0, SLOWEST_SHOWN);
    return picked.map((s) => ({
      at: new Date(Math.floor(s.at / 1000)).toISOString(),
      frames: index.call(f.station, s.messageId),
      note: s.valueMs === null ? `${kpi}: timed out` : `${kpi}: ${(s.valueMs / 1000).toFixed(3)} s`,
    }));
  };

  const stations = input.report.stations.map((s) => {
    const changes = fw.get(s.station) ?? [];
    const p = s.profile;
    const findings: HtmlFinding[] = s.findings.map((f) => ({
      level: f.level,
      code: f.code,
      message: f.message,
      count: f.count,
      evidence: KPI_CODES.has(f.code) ? kpiEvidence(f) : f.evidence.map(evidenceOf),
    }));
    return {
      station: s.station,
      ...(p ? { profile: `${p.product}${p.certificateNumber ? ` (${p.certificateNumber})` : ''}, bound by ${p.source}` } : {}),
      firmware: s.boot?.firmware ?? changes[changes.length - 1]?.firmware,
      firmwareChanges: changes,
      kpis: s.kpis,
      findings,
    };
  });
  return {
    mode: 'audit',
    title: 'ocpp-mitm audit',
    generatedAt: input.report.generatedAt,
    source: input.source,
    kpis: [...CERTIFIED_KPIS],
    stations,
    samples: [...input.samples],
  };
}
