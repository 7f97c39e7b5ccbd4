/** The server back end: a ClickHouse server over HTTP through the official client (works with 18.16 and current). */
import { Readable } from 'node:stream';
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { BackendUnavailableError, causeOf, isUnavailable, type RowFormat, type StoreBackend } from './backend.js';
import { describeTarget, type ClickhouseTarget } from './clickhouse-url.js';

export interface ServerBackendOptions {
  /** Per-request timeout (ms): a server slower than this counts as unavailable and rows spool. */
  requestTimeoutMs?: number;
  /** Settings sent with every INSERT (e.g. insert_distributed_sync on a cluster). */
  insertSettings?: Record<string, string | number>;
}

export async function openServer(target: ClickhouseTarget, opts: ServerBackendOptions = {}): Promise<StoreBackend> {
  return new ServerBackend(target, opts);
}

class ServerBackend implements StoreBackend {
  readonly kind = 'server' as const;
  readonly where: string;
  private readonly client: ClickHouseClient;
  private databaseReady = false;
  private readonly insertSettings: Record<string, string | number> | undefined;

  constructor(
    private readonly target: ClickhouseTarget,
    opts: ServerBackendOptions,
  ) {
    this.insertSettings = opts.insertSettings;
    this.where = describeTarget(target);
    this.client = this.makeClient(target.database, opts.requestTimeoutMs ?? 10_000);
  }

  private makeClient(database: string, requestTimeout: number): ClickHouseClient {
    return createClient({
      url: this.target.url,
      username: this.target.username,
      password: this.target.password,
      database,
      request_timeout: requestTimeout,
      application: 'ocpp-mitm',
      // The client logs failed requests to the console itself; the store reports failures its own way.
      log: { level: ClickHouseLogLevel.OFF },
      max_open_connections: 4,
    });
  }

  /** CREATE DATABASE must go through a client not bound to that (maybe missing) database. */
  private async ensureDatabase(): Promise<void> {
    if (this.databaseReady || this.target.database === 'default') return;
    const admin = this.makeClient('default', 10_000);
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS \`${this.target.database.replace(/`/g, '')}\`` });
      this.databaseReady = true;
    } finally {
      await admin.close();
    }
  }

  private wrap(err: unknown): Error {
    if (isUnavailable(err)) return new BackendUnavailableError(`${this.where} unreachable: ${causeOf(err)}`, { cause: err });
    return err instanceof Error ? err : new Error(String(err));
  }

  async version(): Promise<string> {
    const rows = await this.query<{ v: string }>('SELECT version() AS v');
    return rows[0]?.v ?? '0';
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.ensureDatabase();
      await this.client.command({ query: sql });
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async insert(table: string, lines: Buffer, format: RowFormat, columns?: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    try {
      // A raw body: the rows are already encoded, so the client need not parse or re-encode them.
      await this.ensureDatabase();
      const names = columns ? ` (${columns.join(', ')})` : '';
      const res = await this.client.exec({
        query: `INSERT INTO ${table}${names} FORMAT ${format}`,
        values: Readable.from([lines]),
        clickhouse_settings: this.insertSettings as never,
      });
      res.stream.destroy(); // nothing to read; frees the socket
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async query<T>(sql: string): Promise<T[]> {
    try {
      await this.ensureDatabase();
      const rs = await this.client.query({ query: sql, format: 'JSONEachRow' });
      return await rs.json<T>();
    } catch (err) {
      throw this.wrap(err);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
