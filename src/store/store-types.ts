/** The store's read side as types: rows, queries and the reader, shared by every reader and the commands. */
import type { KpiName } from '../kpi/kpi-types.js';
import type { Direction } from '../core/types.js';

export interface KpiSummaryRow {
  station: string;
  kpi: KpiName;
  count: number;
  timeouts: number;
  min_ms: number | null;
  avg_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/** One KPI measurement, for distributions and time series (the HTML report). */
export interface KpiSampleRow {
  station: string;
  kpi: KpiName;
  /** µs since the epoch: start of the measurement. */
  at: number;
  /** null when it timed out or was not measurable. */
  valueMs: number | null;
  /** The message id of the CALL that started the measurement. */
  messageId: string;
}

export interface KpiSampleQuery extends KpiQuery {
  /** At most this many samples, the newest (default and maximum 200 000). */
  limit?: number;
}

export interface FrameQuery {
  /** Identity glob (`*`, `?`, `[...]`). */
  station?: string;
  /** One session, by its id (export, replay). */
  session?: string;
  action?: string;
  direction?: Direction;
  /** µs since the epoch, inclusive. */
  sinceMicros?: number;
  /** µs since the epoch, exclusive. */
  untilMicros?: number;
  invalidOnly?: boolean;
  /** Only frames of this kind: CALL, CALLRESULT, CALLERROR, CALLRESULTERROR or SEND (OCPP 2.1), MALFORMED. */
  kind?: string;
  /** Only frames with a store sequence above this (for `--follow`). */
  afterSeq?: number;
  /** Most recent `limit` frames (default 100), returned oldest first. */
  limit?: number;
}

export interface FrameRow {
  /** The store's own sequence: unique and increasing within one store (relay seqs restart with the process). */
  seq: number;
  sessionId: string;
  identity: string;
  direction: Direction;
  origin: string;
  version: string;
  /** µs since the epoch. */
  receivedAt: number;
  sentAt: number | null;
  kind: string;
  messageId: string;
  action: string;
  size: number;
  valid: boolean;
  /** JSON array of ValidationIssue. */
  issues: string;
  errorCode: string;
  dropped: boolean;
  modified: boolean;
  injected: boolean;
  ruleIds: string[];
  latencyMs: number | null;
  /** Delay rules added on purpose (ms); 0 when none. */
  ruleDelayMs?: number;
  /** Payload text as retained: full, redacted or '' (per `--payloads`). */
  text: string;
  /** Text as received when something changed it, retained like `text`. */
  original: string;
}

export interface SessionRow {
  sessionId: string;
  identity: string;
  openedAt: number;
  closedAt: number | null;
  remoteAddress: string;
  offeredProtocols: string[];
  stationProtocol: string;
  csmsProtocol: string;
  securityProfile: number;
  tlsVersion: string;
  tlsCipher: string;
  clientSubject: string;
  closeCode: number | null;
  closeReason: string;
}

/** Shadow-CSMS answers (`start --mirror`) compared with the primary's, per mirror and action. */
export interface MirrorSummaryRow {
  mirror: string;
  action: string;
  compared: number;
  differing: number;
}

export interface SessionQuery {
  station?: string;
  sinceMicros?: number;
}

export interface KpiQuery {
  station?: string;
  sinceMicros?: number;
}

export interface StoreReader {
  kpiSummary(q: KpiQuery): Promise<KpiSummaryRow[]>;
  kpiSamples(q: KpiSampleQuery): Promise<KpiSampleRow[]>;
  frames(q: FrameQuery): Promise<FrameRow[]>;
  sessions(q: SessionQuery): Promise<SessionRow[]>;
  mirrorSummary(q: KpiQuery): Promise<MirrorSummaryRow[]>;
  close(): Promise<void>;
}

export interface OpenStoreReaderOptions {
  /** Data folder (default ./data): a live proxy's control API, else the chDB store in it. */
  dataDir?: string;
  /** ClickHouse server URL; user, password and database may be in it. Takes precedence over dataDir. */
  clickhouse?: string;
  clickhouseUser?: string;
  clickhousePassword?: string;
  clickhouseDatabase?: string;
}
