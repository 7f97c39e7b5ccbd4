/**
 * The audit: each station's field figures and recorded traffic against the certified profile bound to it.
 * A pure function over rows, so it is tested without a store; `audit-command.ts` feeds it from the StoreReader.
 */
import { bootFactsOf, type BootFacts, type ProfileResolver } from './bindings.js';
import { bootHint, checkBoot } from './audit-boot.js';
import { checkFrames } from './audit-frames.js';
import { kpiVerdict } from './audit-kpi.js';
import { checkSessions } from './audit-sessions.js';
import { CERTIFIED_KPIS } from './profile-types.js';
import { FindingSink, payloadOf, type AuditFrame, type AuditKpiRow, type AuditReport, type AuditSession, type StationAudit } from './audit-types.js';

export interface AuditInput {
  resolve: ProfileResolver;
  kpis: readonly AuditKpiRow[];
  frames: readonly AuditFrame[];
  sessions: readonly AuditSession[];
  /** Defaults to now; fixed in tests. */
  now?: Date;
}

const LEVEL_ORDER = { error: 0, warning: 1, info: 2 } as const;

export function runAudit(input: AuditInput): AuditReport {
  const stations = new Set<string>();
  for (const r of input.kpis) stations.add(r.station);
  for (const f of input.frames) stations.add(f.identity);
  for (const s of input.sessions) stations.add(s.identity);

  const framesOf = groupBy(input.frames, (f) => f.identity);
  const sessionsOf = groupBy(input.sessions, (s) => s.identity);
  const kpisOf = groupBy(input.kpis, (r) => r.station);

  const audits: StationAudit[] = [...stations].sort().map((station) => {
    const frames = [...(framesOf.get(station) ?? [])].sort((a, b) => a.receivedAt - b.receivedAt || a.seq - b.seq);
    const boot = lastBoot(frames);
    const sink = new FindingSink();
    const resolved = input.resolve(station, boot);
    const audit: StationAudit = { station, profile: null, kpis: [], findings: [] };
    if (boot) audit.boot = boot;
    if (!resolved) {
      sink.add({ level: 'info', station, code: 'no_profile', message: `no certified profile applies to this station (check bindings): ${bootHint(boot)}` }, '');
      audit.findings = sink.list();
      return audit;
    }
    const { profile, file } = resolved.loaded;
    audit.profile = { file, product: profile.product, source: resolved.source, ...(profile.certificateNumber ? { certificateNumber: profile.certificateNumber } : {}) };
    const rows = kpisOf.get(station) ?? [];
    for (const kpi of CERTIFIED_KPIS) {
      const row = rows.find((r) => r.kpi === kpi);
      const v = kpiVerdict(kpi, row, profile);
      audit.kpis.push(v);
      if (v.verdict === 'exceeds_declared_max') sink.add({ level: 'error', station, code: 'kpi_exceeds_declared_max', message: `${kpi}: ${v.reason}` }, kpi);
      if (v.verdict === 'slower_than_certified') sink.add({ level: 'warning', station, code: 'kpi_slower_than_certified', message: `${kpi}: ${v.reason}` }, kpi);
      if (row && row.timeouts > 0) {
        sink.add({ level: 'warning', station, code: 'kpi_timeouts', message: `${kpi}: ${row.timeouts} measurement(s) never completed (no answer or follow-up in the window)` }, kpi);
      }
    }
    checkBoot(station, profile, boot, sink);
    checkSessions(station, profile, sessionsOf.get(station) ?? [], sink);
    checkFrames(station, profile, frames, sink);
    audit.findings = sink.list().sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
    return audit;
  });

  const all = audits.flatMap((a) => a.findings);
  return {
    generatedAt: (input.now ?? new Date()).toISOString(),
    stations: audits,
    summary: {
      stations: audits.length,
      errors: all.filter((f) => f.level === 'error').length,
      warnings: all.filter((f) => f.level === 'warning').length,
      infos: all.filter((f) => f.level === 'info').length,
    },
  };
}

/** 2 when any finding is an error (a pipeline gate), else 0. */
export const auditExitCode = (report: AuditReport): number => (report.summary.errors > 0 ? 2 : 0);

function lastBoot(frames: readonly AuditFrame[]): BootFacts | undefined {
  for (let i = frames.length - 1; i >= 0; i--) {
    const f = frames[i]!;
    if (f.kind !== 'CALL' || f.action !== 'BootNotification' || f.direction !== 'to-csms' || !f.text) continue;
    // A redacted or cut payload gives no facts: look further back.
    const facts = bootFactsOf(payloadOf(f.text));
    if (facts) return facts;
  }
  return undefined;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}
