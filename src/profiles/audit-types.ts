/** The audit's input rows and its report. Rows are the store reader's, narrowed to what the audit reads. */
import type { FrameRow, KpiSummaryRow, SessionRow } from '../store/store-types.js';
import type { BootFacts } from './bindings.js';
import type { CertifiedKpi } from './profile-types.js';

export type AuditFrame = Pick<FrameRow, 'seq' | 'identity' | 'direction' | 'kind' | 'action' | 'messageId' | 'text' | 'receivedAt'> &
  Partial<Pick<FrameRow, 'size' | 'version' | 'sessionId' | 'origin'>>;
export type AuditSession = Pick<SessionRow, 'sessionId' | 'identity' | 'openedAt' | 'securityProfile' | 'tlsVersion' | 'tlsCipher' | 'stationProtocol'>;
export type AuditKpiRow = KpiSummaryRow;

export type KpiVerdict = 'within_certified' | 'slower_than_certified' | 'exceeds_declared_max' | 'no_data';
export type FindingLevel = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'no_profile'
  | 'boot_mismatch'
  | 'kpi_exceeds_declared_max'
  | 'kpi_slower_than_certified'
  | 'kpi_timeouts'
  | 'ocpp_version_mismatch'
  | 'uncertified_action'
  | 'evse_out_of_range'
  | 'connector_out_of_range'
  | 'heartbeat_interval_out_of_range'
  | 'ping_interval_out_of_range'
  | 'message_limit_exceeded'
  | 'security_profile_not_certified'
  | 'cipher_not_certified'
  | 'cipher_not_listed';

/** Where a finding was seen: a frame (seq, message id) or a session, and when (ISO time). */
export interface Evidence {
  at: string;
  seq?: number;
  messageId?: string;
  direction?: string;
  sessionId?: string;
}

export interface Finding {
  level: FindingLevel;
  station: string;
  code: FindingCode;
  message: string;
  /** How many times it was seen; evidence keeps the first few. */
  count: number;
  evidence: Evidence[];
}

export interface KpiAudit {
  kpi: CertifiedKpi;
  field: { count: number; timeouts: number; minMs: number | null; avgMs: number | null; p95Ms: number | null; maxMs: number | null } | null;
  certified: { declaredMaxS: number | null; minS: number | null; avgS: number | null; maxS: number | null } | null;
  verdict: KpiVerdict;
  /** Why, in one sentence. */
  reason: string;
}

export interface StationAudit {
  station: string;
  profile: { file: string; product: string; certificateNumber?: string; source: string } | null;
  boot?: BootFacts;
  kpis: KpiAudit[];
  findings: Finding[];
}

export interface AuditReport {
  generatedAt: string;
  stations: StationAudit[];
  summary: { stations: number; errors: number; warnings: number; infos: number };
}

/**
 * The payload of a recorded frame. The store keeps the frame's whole text (`[2,id,action,payload]`,
 * `[3,id,payload]`); a bare payload object is taken as is. undefined when the text is empty, redacted away or cut.
 */
export function payloadOf(text: string | undefined): unknown {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return v;
  if (v[0] === 2) return v[3];
  if (v[0] === 3) return v[2];
  return undefined;
}

export const toIso = (micros: number): string => new Date(Math.floor(micros / 1000)).toISOString();

/** Collects findings, folding repeats of the same (station, code, subject) into one with a count. */
export class FindingSink {
  private readonly byKey = new Map<string, Finding>();
  static readonly MAX_EVIDENCE = 3;

  add(f: Omit<Finding, 'count' | 'evidence'>, subject: string, evidence?: Evidence): void {
    const key = `${f.station}\u0000${f.code}\u0000${subject}`;
    let found = this.byKey.get(key);
    if (!found) this.byKey.set(key, (found = { ...f, count: 0, evidence: [] }));
    found.count++;
    if (evidence && found.evidence.length < FindingSink.MAX_EVIDENCE) found.evidence.push(evidence);
  }

  list(): Finding[] {
    return [...this.byKey.values()];
  }
}
