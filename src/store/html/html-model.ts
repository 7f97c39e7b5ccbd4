/**
 * What the HTML report shows, independent of where it came from: `report --html` fills the field figures only,
 * `audit --html` adds each station's certified figures, verdicts and findings. Kept structural (no import from the
 * profiles feature) so the store does not depend on it.
 */
import type { FrameRow, KpiSampleRow } from '../store-reader.js';

/** Verdict words as the audit gives them; `field_only` when no certificate is bound (report mode). */
export type HtmlVerdict = 'within_certified' | 'slower_than_certified' | 'exceeds_declared_max' | 'no_data' | 'field_only';

export interface HtmlKpi {
  kpi: string;
  field: { count: number; timeouts: number; minMs: number | null; avgMs: number | null; p95Ms: number | null; maxMs: number | null } | null;
  /** Seconds, as certified; null where nothing is bound or the certificate gives nothing. */
  certified: { declaredMaxS: number | null; minS: number | null; avgS: number | null; maxS: number | null } | null;
  verdict: HtmlVerdict;
  reason: string;
}

/** A recorded frame shown as evidence of a finding. */
export interface HtmlFrame {
  seq: number;
  at: string;
  direction: string;
  kind: string;
  action: string;
  messageId: string;
  text: string;
}

export interface HtmlEvidence {
  at: string;
  /** The frame the finding names, then the frame that answers it (or that it answers), when recorded. */
  frames: HtmlFrame[];
  /** What the frames show in words: the session (protocol, security profile, TLS) or a KPI measurement. */
  note?: string;
}

export interface HtmlFinding {
  level: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  count: number;
  evidence: HtmlEvidence[];
}

export interface FirmwareChange {
  /** ms since the epoch. */
  at: number;
  firmware: string;
  /** The version before, '' for the first BootNotification seen. */
  from: string;
}

export interface HtmlStation {
  station: string;
  /** "product (certificate)" and where the binding came from; undefined in report mode or when none applies. */
  profile?: string;
  firmware?: string;
  firmwareChanges: FirmwareChange[];
  kpis: HtmlKpi[];
  findings?: HtmlFinding[];
}

export interface HtmlReport {
  mode: 'audit' | 'report';
  title: string;
  generatedAt: string;
  /** What was read (data folder or server), for the header; no credentials. */
  source: string;
  /** The KPI columns, in order. */
  kpis: string[];
  stations: HtmlStation[];
  samples: KpiSampleRow[];
}

const MAX_TEXT = 4000;

export function htmlFrame(f: Pick<FrameRow, 'seq' | 'receivedAt' | 'direction' | 'kind' | 'action' | 'messageId' | 'text'>): HtmlFrame {
  return {
    seq: f.seq,
    at: new Date(Math.floor(f.receivedAt / 1000)).toISOString(),
    direction: f.direction,
    kind: f.kind,
    action: f.action,
    messageId: f.messageId,
    text: f.text.length > MAX_TEXT ? `${f.text.slice(0, MAX_TEXT)}… (${f.text.length} characters)` : f.text,
  };
}

/** The firmware a BootNotification CALL states (1.6 `firmwareVersion`, 2.0.1 `chargingStation.firmwareVersion`). */
export function bootFirmware(text: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  const p = Array.isArray(v) && v[0] === 2 ? (v[3] as Record<string, unknown> | undefined) : undefined;
  if (!p || typeof p !== 'object') return undefined;
  const cs = p.chargingStation as Record<string, unknown> | undefined;
  const fw = cs && typeof cs === 'object' ? cs.firmwareVersion : p.firmwareVersion;
  return typeof fw === 'string' && fw !== '' ? fw : undefined;
}

/** Per station, each BootNotification whose firmware differs from the one before (the first one included). */
export function firmwareChanges(frames: Iterable<Pick<FrameRow, 'identity' | 'kind' | 'action' | 'direction' | 'receivedAt' | 'text'>>): Map<string, FirmwareChange[]> {
  const boots = [...frames].filter((f) => f.kind === 'CALL' && f.action === 'BootNotification' && f.direction === 'to-csms');
  boots.sort((a, b) => a.receivedAt - b.receivedAt);
  const out = new Map<string, FirmwareChange[]>();
  for (const f of boots) {
    const fw = bootFirmware(f.text);
    if (!fw) continue;
    const list = out.get(f.identity) ?? [];
    const last = list[list.length - 1]?.firmware ?? '';
    if (fw !== last) list.push({ at: Math.floor(f.receivedAt / 1000), firmware: fw, from: last });
    out.set(f.identity, list);
  }
  return out;
}
