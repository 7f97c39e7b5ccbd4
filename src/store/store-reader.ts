/**
 * The store's read side, shared by `report`, `frames`, `audit` and the TUI.
 *
 * One owner per chDB folder: while a proxy runs on a data folder it holds the embedded store's lock, so readers go
 * through its control API; when no proxy runs, the reader opens the store itself.
 */
import type { KpiName } from '../core/addon.js';
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

export interface FrameQuery {
  /** Identity glob (`*`, `?`, `[...]`). */
  station?: string;
  action?: string;
  direction?: Direction;
  /** µs since the epoch, inclusive. */
  sinceMicros?: number;
  /** µs since the epoch, exclusive. */
  untilMicros?: number;
  invalidOnly?: boolean;
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
  frames(q: FrameQuery): Promise<FrameRow[]>;
  sessions(q: SessionQuery): Promise<SessionRow[]>;
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

/** Opens the running proxy's store through its control API when one holds the folder, else the store itself. */
export async function openStoreReader(opts: OpenStoreReaderOptions): Promise<StoreReader> {
  // Imported lazily so that code which only needs the types does not load chDB or the ClickHouse client.
  const { openReader } = await import('./open-reader.js');
  return openReader(opts);
}
