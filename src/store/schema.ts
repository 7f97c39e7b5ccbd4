/**
 * The store's tables, versioned. One DDL text serves ClickHouse 18.16 (Debian's server) and current ClickHouse
 * (chDB 26.x): timestamps are UInt64 µs, flags UInt8, no Nullable/DateTime64/Map. Newer features are used only
 * where the server has them: LowCardinality for repetitive strings, TTL for `--store-retention`.
 */
import type { StoreBackend } from './backend.js';
import { int, str } from './sql.js';

export const SCHEMA_VERSION = 2;

/**
 * Columns every table ends with: which writer (one per proxy start) wrote the row and its sequence per table, so a
 * replay of the write-ahead log inserts only what the store does not hold yet (schema version 2).
 */
export const WAL_COLUMNS: Array<[name: string, type: string]> = [
  ['wal_writer', 'LC'],
  ['wal_seq', 'UInt64'],
];

export interface ServerCaps {
  version: string;
  lowCardinality: boolean;
  ttl: boolean;
}

export function capsOf(version: string): ServerCaps {
  const [major = 0, minor = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const atLeast = (ma: number, mi: number): boolean => major > ma || (major === ma && minor >= mi);
  // LowCardinality left "experimental" in 19.9; column TTL arrived in 19.6. 20.x is where both are settled.
  return { version, lowCardinality: atLeast(20, 1), ttl: atLeast(20, 1) };
}

/** µs column → DateTime, for partitioning and TTL. */
const dateOf = (col: string): string => `toDateTime(intDiv(${col}, 1000000))`;

export interface TableDef {
  name: string;
  /** Column lines; `LC` marks a string column stored as LowCardinality where the server has it. */
  columns: Array<[name: string, type: string]>;
  orderBy: string;
  /** The µs time column used for partitions and retention. */
  timeColumn: string;
}

const LC = 'LC';

export const TABLES: TableDef[] = [
  {
    name: 'sessions',
    timeColumn: 'at',
    orderBy: '(at, session_id)',
    columns: [
      ['at', 'UInt64'], // µs: when this event happened (open or close)
      ['event', LC], // 'open' | 'close'
      ['session_id', 'String'],
      ['identity', LC],
      ['opened_at', 'UInt64'],
      ['path', 'String'],
      ['remote_address', 'String'],
      ['offered_protocols', 'Array(String)'],
      ['station_protocol', LC],
      ['csms_protocol', LC],
      ['station_version', LC],
      ['csms_version', LC],
      ['upstream_url', 'String'],
      ['security_profile', 'UInt8'],
      ['tls_version', LC],
      ['tls_cipher', LC],
      ['client_subject', 'String'],
      ['client_issuer', 'String'],
      ['client_fingerprint', 'String'],
      ['basic_auth_user', 'String'],
      ['close_initiator', LC], // '' for an open event
      ['close_code', 'UInt16'],
      ['close_reason', 'String'],
      ...WAL_COLUMNS,
    ],
  },
  {
    name: 'frames',
    timeColumn: 'received_at',
    orderBy: '(received_at, store_seq)',
    columns: [
      ['store_seq', 'UInt64'], // the store's own sequence, increasing across restarts
      ['received_at', 'UInt64'], // µs
      ['sent_at', 'UInt64'], // µs, 0 when never written (dropped)
      ['session_id', 'String'],
      ['identity', LC],
      ['relay_seq', 'UInt64'],
      ['direction', LC],
      ['origin', LC],
      ['made_by', 'String'],
      ['version', LC],
      ['kind', LC],
      ['message_id', 'String'],
      ['action', LC],
      ['size', 'UInt32'],
      ['valid', 'UInt8'],
      ['error_code', LC],
      ['issues', 'String'], // JSON array of ValidationIssue
      ['malformed', 'String'], // MalformedInfo.reason, '' when well-formed
      ['dropped', 'UInt8'],
      ['drop_reason', 'String'],
      ['modified', 'UInt8'],
      ['injected', 'UInt8'],
      ['changed_by', 'Array(String)'],
      ['rule_ids', 'Array(String)'],
      ['rule_delay_ms', 'Float64'],
      ['latency_ms', 'Float64'], // answers only; -1 when not an answer to a known CALL
      ['call_action', LC],
      ['payload', 'String'], // per --payloads: full text, redacted text, or ''
      ['original', 'String'], // text as received when something changed it, retained like payload
      ...WAL_COLUMNS,
    ],
  },
  {
    name: 'calls',
    timeColumn: 'called_at',
    orderBy: '(called_at, session_id)',
    columns: [
      ['called_at', 'UInt64'], // µs: CALL written to its receiver
      ['answered_at', 'UInt64'], // µs, 0 on timeout
      ['session_id', 'String'],
      ['identity', LC],
      ['version', LC],
      ['direction', LC], // the CALL's direction
      ['message_id', 'String'],
      ['action', LC],
      ['outcome', LC], // 'result' | 'error' | 'timeout'
      ['error_code', LC],
      ['latency_ms', 'Float64'], // -1 on timeout
      ...WAL_COLUMNS,
    ],
  },
  {
    name: 'kpi_samples',
    timeColumn: 'at',
    orderBy: '(at, identity)',
    columns: [
      ['at', 'UInt64'], // µs: start of the measurement
      ['kpi', LC],
      ['session_id', 'String'],
      ['identity', LC],
      ['version', LC],
      ['action', LC],
      ['end_action', LC],
      ['message_id', 'String'],
      ['value_ms', 'Float64'], // -1 when timed out / not measurable
      ['timed_out', 'UInt8'],
      ...WAL_COLUMNS,
    ],
  },
];

export const TABLE_NAMES = TABLES.map((t) => t.name);
export type TableName = 'sessions' | 'frames' | 'calls' | 'kpi_samples';

function ttlClause(t: TableDef, retentionDays: number | undefined, caps: ServerCaps): string {
  return retentionDays && caps.ttl ? ` TTL ${dateOf(t.timeColumn)} + INTERVAL ${int(retentionDays)} DAY` : '';
}

const columnType = (type: string, caps: ServerCaps): string => (type === LC ? (caps.lowCardinality ? 'LowCardinality(String)' : 'String') : type);

/** `as`: another name and engine, for a cluster's local tables (cluster-schema.ts). */
export function createTableSql(t: TableDef, caps: ServerCaps, retentionDays?: number, as?: { name: string; engine: string }): string {
  const cols = t.columns.map(([n, type]) => `  ${n} ${columnType(type, caps)}`).join(',\n');
  return (
    `CREATE TABLE IF NOT EXISTS ${as?.name ?? t.name} (\n${cols}\n) ENGINE = ${as?.engine ?? 'MergeTree()'}` +
    ` PARTITION BY toYYYYMM(${dateOf(t.timeColumn)}) ORDER BY ${t.orderBy}${ttlClause(t, retentionDays, caps)}`
  );
}

/** Version 2: the write-ahead log's columns, on tables a version-1 store created without them. */
async function addWalColumns(backend: StoreBackend, caps: ServerCaps): Promise<void> {
  const have = await backend.query<{ table: string; name: string }>(
    `SELECT table, name FROM system.columns WHERE database = currentDatabase() AND name IN (${WAL_COLUMNS.map(([n]) => str(n)).join(', ')})`,
  );
  for (const t of TABLES) {
    for (const [n, type] of WAL_COLUMNS) {
      if (have.some((h) => h.table === t.name && h.name === n)) continue;
      await backend.exec(`ALTER TABLE ${t.name} ADD COLUMN ${n} ${columnType(type, caps)}`);
    }
  }
}

/** Create or migrate the schema. Returns the version found before (0 for a new store). */
export async function migrate(backend: StoreBackend, caps: ServerCaps, retentionDays?: number): Promise<number> {
  await backend.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version UInt32, applied_at UInt64, description String)' +
      ' ENGINE = MergeTree() ORDER BY version',
  );
  const rows = await backend.query<{ v: number | string }>('SELECT max(version) AS v FROM schema_version');
  const found = Number(rows[0]?.v ?? 0);
  if (found > SCHEMA_VERSION) {
    throw new Error(`the store's schema is version ${found}, newer than this ocpp-mitm knows (${SCHEMA_VERSION}): upgrade ocpp-mitm`);
  }
  for (const t of TABLES) await backend.exec(createTableSql(t, caps, retentionDays));
  // Later versions add their ALTER TABLE steps here, each guarded by `found < N`.
  if (found > 0 && found < 2) await addWalColumns(backend, caps);
  if (found < SCHEMA_VERSION) {
    const what = found === 0 ? 'sessions, frames, calls, kpi_samples with wal_writer, wal_seq' : 'wal_writer, wal_seq on every table';
    await backend.exec(
      `INSERT INTO schema_version (version, applied_at, description) VALUES (${SCHEMA_VERSION}, ${int(Date.now() * 1000)}, ${str(what)})`,
    );
  }
  if (retentionDays && caps.ttl && found > 0) {
    // Only when the retention changed: MODIFY TTL rewrites the table's parts.
    const defs = await backend.query<{ name: string; q: string }>(
      'SELECT name, create_table_query AS q FROM system.tables WHERE database = currentDatabase()',
    );
    for (const t of TABLES) {
      const q = defs.find((d) => d.name === t.name)?.q ?? '';
      if (q.includes(`toIntervalDay(${retentionDays})`) || q.includes(`INTERVAL ${retentionDays} DAY`)) continue;
      await backend.exec(`ALTER TABLE ${t.name} MODIFY${ttlClause(t, retentionDays, caps)}`);
    }
  }
  return found;
}
