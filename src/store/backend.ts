/** The one interface both ClickHouse back ends (embedded chDB, a server over HTTP) offer the store. */

/** How rows are written in an INSERT, and in the spool's files (.tsv, .jsonl). */
export type RowFormat = 'TabSeparated' | 'JSONEachRow';

export interface StoreBackend {
  /** Where the data lives, safe to print (never a password). */
  readonly where: string;
  readonly kind: 'chdb' | 'server';
  /** The engine's version string, e.g. '26.7.2.1' or '18.16.1'. */
  version(): Promise<string>;
  /** A statement without result (DDL, INSERT … VALUES). */
  exec(sql: string): Promise<void>;
  /**
   * Insert rows, one a line: JSONEachRow (an object a line), or TabSeparated in the order of `columns`. The store
   * writes TabSeparated; JSONEachRow is still read from spool files an older version left.
   */
  insert(table: string, lines: Buffer, format: RowFormat, columns?: readonly string[]): Promise<void>;
  /** A SELECT, rows parsed from JSONEachRow. */
  query<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

/** Error that says the back end could not be reached (as opposed to a statement it refused). */
export class BackendUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'ECONNABORTED',
]);

/** The short cause of a failure, for messages like "unreachable: ECONNREFUSED". */
export function causeOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined;
  if (e && typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (e?.cause) {
    const inner = causeOf(e.cause);
    if (NETWORK_CODES.has(inner)) return inner;
  }
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  return msg.split('\n')[0]!.slice(0, 300);
}

/** True when the error means "not reachable / timed out" rather than "refused this statement". */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof BackendUnavailableError) return true;
  const code = causeOf(err);
  if (NETWORK_CODES.has(code)) return true;
  const msg = String((err as { message?: unknown })?.message ?? err);
  // A cluster node that cannot reach a shard (all connection tries failed, network error, too few live replicas, a
  // replica without ZooKeeper, read-only) is as unavailable as one that cannot be reached itself.
  return /timeout|socket hang up|other side closed|connect E|Cannot (?:allocate|reserve)|Memory limit|TOO_MANY_PARTS|Too many parts|NOT_ENOUGH_SPACE|No space left|All connection tries failed|Code: (?:159|209|210|225|242|279|285|319|999)\b|Connection refused/i.test(
    msg,
  );
}
