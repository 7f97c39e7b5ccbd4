/** The read side over a back end: the SQL behind `report`, `frames` and the session history. */
import type { KpiName } from '../kpi/kpi-types.js';
import type { Direction } from '../core/types.js';
import type { StoreBackend } from './backend.js';
import { globToRegex, int, str, where } from './sql.js';
import type { FrameQuery, FrameRow, KpiQuery, KpiSampleQuery, KpiSampleRow, KpiSummaryRow, MirrorSummaryRow, SessionQuery, SessionRow, StoreReader } from './store-types.js';

export const DEFAULT_FRAME_LIMIT = 100;
export const MAX_FRAME_LIMIT = 100_000;
export const MAX_KPI_SAMPLES = 200_000;

const stationCond = (col: string, glob: string | undefined): string[] =>
  glob && glob !== '*' ? [`match(${col}, ${str(globToRegex(glob))})`] : [];

/** Percentiles by nearest rank: the value at 1-based rank ceil(p·n) of the sorted values. */
const rank = (p: number): string => `arrayElement(vals, toUInt64(greatest(1, ceil(${p} * length(vals)))))`;

export function kpiSummarySql(q: KpiQuery): string {
  const conds = [...stationCond('identity', q.station)];
  if (q.sinceMicros !== undefined) conds.push(`at >= ${int(q.sinceMicros)}`);
  // Timed-out samples count (count, timeouts) but have no value: figures come from the measured ones only.
  return `SELECT station, kpi, count, timeouts, length(vals) AS measured,
      arrayElement(vals, 1) AS min_ms, arrayElement(vals, toUInt64(length(vals))) AS max_ms,
      if(length(vals) = 0, 0, arraySum(vals) / length(vals)) AS avg_ms,
      ${rank(0.5)} AS p50_ms, ${rank(0.95)} AS p95_ms, ${rank(0.99)} AS p99_ms
    FROM (
      SELECT identity AS station, kpi, count() AS count, sum(timed_out) AS timeouts,
        arraySort(groupArrayIf(value_ms, timed_out = 0 AND value_ms >= 0)) AS vals
      FROM kpi_samples ${where(conds)}
      GROUP BY identity, kpi
    )
    ORDER BY station, kpi`;
}

interface RawKpiRow {
  station: string;
  kpi: string;
  count: number | string;
  timeouts: number | string;
  measured: number | string;
  min_ms: number;
  max_ms: number;
  avg_ms: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

export function toKpiRow(r: RawKpiRow): KpiSummaryRow {
  const has = Number(r.measured) > 0;
  const v = (x: number): number | null => (has ? round3(Number(x)) : null);
  return {
    station: r.station,
    kpi: r.kpi as KpiName,
    count: Number(r.count),
    timeouts: Number(r.timeouts),
    min_ms: v(r.min_ms),
    avg_ms: v(r.avg_ms),
    p50_ms: v(r.p50_ms),
    p95_ms: v(r.p95_ms),
    p99_ms: v(r.p99_ms),
    max_ms: v(r.max_ms),
  };
}

export function kpiSamplesSql(q: KpiSampleQuery): string {
  const conds = [...stationCond('identity', q.station)];
  if (q.sinceMicros !== undefined) conds.push(`at >= ${int(q.sinceMicros)}`);
  const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? MAX_KPI_SAMPLES)), MAX_KPI_SAMPLES);
  // The newest `limit`, returned oldest first. Aliases differ from column names (ClickHouse would substitute them).
  return `SELECT * FROM (
      SELECT identity AS s_station, kpi AS s_kpi, at AS s_at, if(timed_out = 0 AND value_ms >= 0, value_ms, -1) AS s_value, message_id AS s_message_id
      FROM kpi_samples ${where(conds)} ORDER BY at DESC LIMIT ${int(limit)}
    ) ORDER BY s_at ASC`;
}

interface RawKpiSample {
  s_station: string;
  s_kpi: string;
  s_at: number | string;
  s_value: number | string;
  s_message_id: string;
}

export function toKpiSampleRow(r: RawKpiSample): KpiSampleRow {
  const v = Number(r.s_value);
  return { station: r.s_station, kpi: r.s_kpi as KpiName, at: Number(r.s_at), valueMs: v >= 0 ? round3(v) : null, messageId: r.s_message_id };
}

export function framesSql(q: FrameQuery): string {
  const conds = [...stationCond('identity', q.station)];
  if (q.session) conds.push(`session_id = ${str(q.session)}`);
  if (q.action) {
    // Either leg's action: a translated CALL is recorded under the action it was sent with; the one it came with
    // is the action of its original text (kept with the frame when --payloads keeps text).
    const leg = `^\\[\\s*2\\s*,\\s*"(?:[^"\\\\]|\\\\.)*"\\s*,\\s*"${q.action.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`;
    conds.push(`(action = ${str(q.action)} OR call_action = ${str(q.action)} OR (modified = 1 AND match(original, ${str(leg)})))`);
  }
  if (q.direction) conds.push(`direction = ${str(q.direction)}`);
  if (q.sinceMicros !== undefined) conds.push(`received_at >= ${int(q.sinceMicros)}`);
  if (q.untilMicros !== undefined) conds.push(`received_at < ${int(q.untilMicros)}`);
  if (q.invalidOnly) conds.push('valid = 0');
  if (q.kind) conds.push(`kind = ${str(q.kind)}`);
  if (q.afterSeq !== undefined) conds.push(`store_seq > ${int(q.afterSeq)}`);
  const limit = Math.min(Math.max(1, Math.trunc(q.limit ?? DEFAULT_FRAME_LIMIT)), MAX_FRAME_LIMIT);
  // Following (afterSeq) reads forward from the cursor; otherwise the newest `limit`. Shown by time received: a
  // CALLERROR the proxy answered with is recorded (store_seq) before the CALL it refused, but received after it.
  const order = q.afterSeq !== undefined ? 'ASC' : 'DESC';
  return `SELECT * FROM (
      SELECT store_seq, session_id, identity, direction, origin, version, received_at, sent_at, kind, message_id,
        action, call_action, size, valid, issues, error_code, dropped, modified, injected, rule_ids, rule_delay_ms, latency_ms, payload, original
      FROM frames ${where(conds)} ORDER BY store_seq ${order} LIMIT ${int(limit)}
    ) ORDER BY received_at ASC, store_seq ASC`;
}

interface RawFrameRow {
  store_seq: number | string;
  session_id: string;
  identity: string;
  direction: string;
  origin: string;
  version: string;
  received_at: number | string;
  sent_at: number | string;
  kind: string;
  message_id: string;
  action: string;
  call_action: string;
  size: number | string;
  valid: number | string;
  issues: string;
  error_code: string;
  dropped: number | string;
  modified: number | string;
  injected: number | string;
  rule_ids: string[];
  rule_delay_ms?: number;
  latency_ms: number;
  payload: string;
  original: string;
}

export function toFrameRow(r: RawFrameRow): FrameRow {
  const sentAt = Number(r.sent_at);
  const latency = Number(r.latency_ms);
  return {
    seq: Number(r.store_seq),
    sessionId: r.session_id,
    identity: r.identity,
    direction: r.direction as Direction,
    origin: r.origin,
    version: r.version,
    receivedAt: Number(r.received_at),
    sentAt: sentAt > 0 ? sentAt : null,
    kind: r.kind,
    messageId: r.message_id,
    action: r.action || r.call_action,
    size: Number(r.size),
    valid: Number(r.valid) === 1,
    issues: r.issues || '[]',
    errorCode: r.error_code,
    dropped: Number(r.dropped) === 1,
    modified: Number(r.modified) === 1,
    injected: Number(r.injected) === 1,
    ruleIds: r.rule_ids,
    ruleDelayMs: Number(r.rule_delay_ms ?? 0),
    latencyMs: latency >= 0 ? latency : null,
    text: r.payload,
    original: r.original,
  };
}

export function sessionsSql(q: SessionQuery): string {
  const conds = [...stationCond('identity', q.station)];
  const having = q.sinceMicros !== undefined ? `HAVING max(at) >= ${int(q.sinceMicros)}` : '';
  // One row per event (open, close): fold them into one row per session. Aliases differ from column names, which
  // ClickHouse would otherwise substitute into WHERE.
  return `SELECT session_id, any(identity) AS s_identity, min(opened_at) AS s_opened_at,
      maxIf(at, event = 'close') AS s_closed_at, any(remote_address) AS s_remote_address,
      any(offered_protocols) AS s_offered_protocols, any(station_protocol) AS s_station_protocol,
      any(csms_protocol) AS s_csms_protocol, max(security_profile) AS s_security_profile, any(tls_version) AS s_tls_version,
      any(tls_cipher) AS s_tls_cipher, any(client_subject) AS s_client_subject,
      maxIf(close_code, event = 'close') AS s_close_code, anyIf(close_reason, event = 'close') AS s_close_reason,
      countIf(event = 'close') AS s_closes
    FROM sessions ${where(conds)}
    GROUP BY session_id ${having}
    ORDER BY s_opened_at, session_id`;
}

interface RawSessionRow {
  session_id: string;
  s_identity: string;
  s_opened_at: number | string;
  s_closed_at: number | string;
  s_remote_address: string;
  s_offered_protocols: string[];
  s_station_protocol: string;
  s_csms_protocol: string;
  s_security_profile: number | string;
  s_tls_version: string;
  s_tls_cipher: string;
  s_client_subject: string;
  s_close_code: number | string;
  s_close_reason: string;
  s_closes: number | string;
}

export function toSessionRow(r: RawSessionRow): SessionRow {
  const closed = Number(r.s_closes) > 0;
  return {
    sessionId: r.session_id,
    identity: r.s_identity,
    openedAt: Number(r.s_opened_at),
    closedAt: closed ? Number(r.s_closed_at) : null,
    remoteAddress: r.s_remote_address,
    offeredProtocols: r.s_offered_protocols,
    stationProtocol: r.s_station_protocol,
    csmsProtocol: r.s_csms_protocol,
    securityProfile: Number(r.s_security_profile),
    tlsVersion: r.s_tls_version,
    tlsCipher: r.s_tls_cipher,
    clientSubject: r.s_client_subject,
    closeCode: closed ? Number(r.s_close_code) : null,
    closeReason: closed ? r.s_close_reason : '',
  };
}

/**
 * Shadow answers are frames the proxy made (`made_by` 'mirror:URL'); an answer that differs from the primary's
 * carries issues whose rule starts with 'mirror-'.
 */
export function mirrorSummarySql(q: KpiQuery): string {
  const conds = [...stationCond('identity', q.station), "origin = 'proxy'", "made_by LIKE 'mirror:%'"];
  if (q.sinceMicros !== undefined) conds.push(`received_at >= ${int(q.sinceMicros)}`);
  return `SELECT substring(made_by, 8) AS mirror, call_action AS action, count() AS compared,
      countIf(position(issues, '"rule":"mirror-') > 0) AS differing
    FROM frames ${where(conds)}
    GROUP BY made_by, call_action
    ORDER BY mirror, action`;
}

/** A StoreReader straight on a back end (the proxy's own routes, or a reader that opened the store itself). */
export class BackendReader implements StoreReader {
  constructor(
    private readonly backend: StoreBackend,
    private readonly onClose?: () => Promise<void>,
  ) {}

  async kpiSummary(q: KpiQuery): Promise<KpiSummaryRow[]> {
    return (await this.backend.query<RawKpiRow>(kpiSummarySql(q))).map(toKpiRow);
  }

  async kpiSamples(q: KpiSampleQuery): Promise<KpiSampleRow[]> {
    return (await this.backend.query<RawKpiSample>(kpiSamplesSql(q))).map(toKpiSampleRow);
  }

  async frames(q: FrameQuery): Promise<FrameRow[]> {
    return (await this.backend.query<RawFrameRow>(framesSql(q))).map(toFrameRow);
  }

  async sessions(q: SessionQuery): Promise<SessionRow[]> {
    return (await this.backend.query<RawSessionRow>(sessionsSql(q))).map(toSessionRow);
  }

  async mirrorSummary(q: KpiQuery): Promise<MirrorSummaryRow[]> {
    const rows = await this.backend.query<{ mirror: string; action: string; compared: number | string; differing: number | string }>(mirrorSummarySql(q));
    return rows.map((r) => ({ mirror: r.mirror, action: r.action, compared: Number(r.compared), differing: Number(r.differing) }));
  }

  async close(): Promise<void> {
    await this.onClose?.();
  }
}
