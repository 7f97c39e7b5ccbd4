/**
 * The embedded back end: chDB (ClickHouse in-process) on a folder under `--data`.
 *
 * chDB's async API (queryAsync/insert) runs the engine on libuv's thread pool, so the event loop never waits for a
 * statement. The proxy itself runs this in a helper process (chdb-process-backend.ts); the commands that read a
 * stopped proxy's folder use it in-process. (chdb 3.4 crashes the process at exit when loaded in a worker thread.)
 *
 * chDB allows one data folder per process, and one process per folder (ClickHouse locks `<dir>/status`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Session as ChdbSession } from 'chdb';
import { BackendUnavailableError, type RowFormat, type StoreBackend } from './backend.js';

export class StoreLockedError extends Error {
  constructor(readonly dir: string, detail: string) {
    super(
      `the chDB store in ${dir} is in use by another process${detail}: stop the proxy using this data folder, ` +
        `or read it through that proxy's control API (it writes control.json in its --data folder)`,
    );
    this.name = 'StoreLockedError';
  }
}

/** PID line of a live ClickHouse status file, when another process holds the folder. */
function lockHolder(dir: string): string {
  try {
    const pid = /PID:\s*(\d+)/.exec(readFileSync(`${dir}/status`, 'utf8'))?.[1];
    return pid ? ` (pid ${pid})` : '';
  } catch {
    return '';
  }
}

/**
 * One engine thread per insert. No os_thread_priority: ClickHouse resets a thread's nice value to 0 after each query
 * that set it, which would undo the priority the helper process runs at (chdb-process-backend.ts).
 */
const INSERT_SETTINGS = { max_threads: 1, max_insert_threads: 1, input_format_parallel_parsing: 0 };

/** Open sessions of this process, by folder: a second user in the same process shares it (chDB would too, but
 * closing one handle would then close it under the other). */
const shared = new Map<string, { session: ChdbSession; users: number }>();

export async function openChdb(dir: string): Promise<StoreBackend> {
  const key = resolve(dir);
  const open = shared.get(key);
  if (open) {
    open.users++;
    return new ChdbBackend(open.session, dir, key);
  }
  const { Session } = await import('chdb');
  let session: ChdbSession;
  try {
    session = new Session(dir);
  } catch (err) {
    const message = String((err as Error).message);
    if (/lock|Failed to create connection/i.test(message) && existsSync(`${dir}/status`)) {
      throw new StoreLockedError(dir, lockHolder(dir));
    }
    if (/only one active data directory/i.test(message)) {
      throw new Error(`chDB: this process already has another store open (${message})`);
    }
    throw new Error(`chDB could not open ${dir}: ${message}`, { cause: err });
  }
  shared.set(key, { session, users: 1 });
  return new ChdbBackend(session, dir, key);
}

class ChdbBackend implements StoreBackend {
  readonly kind = 'chdb' as const;
  readonly where: string;
  private closed = false;

  constructor(
    private readonly session: ChdbSession,
    dir: string,
    private readonly key: string,
  ) {
    this.where = `chDB at ${dir}`;
  }

  private check(): void {
    if (this.closed) throw new BackendUnavailableError(`${this.where} is closed`);
  }

  async version(): Promise<string> {
    const rows = await this.query<{ v: string }>('SELECT version() AS v');
    return rows[0]?.v ?? '0';
  }

  async exec(sql: string): Promise<void> {
    this.check();
    await this.session.queryAsync(sql, { format: 'JSONEachRow' });
  }

  async insert(table: string, lines: Buffer, format: RowFormat, columns?: readonly string[]): Promise<void> {
    this.check();
    if (lines.length === 0) return;
    await this.session.insert({ table, values: lines, format, columns, settings: INSERT_SETTINGS });
  }

  async query<T>(sql: string): Promise<T[]> {
    this.check();
    const res = await this.session.queryAsync(sql, { format: 'JSONEachRow' });
    return parseLines<T>(res.text());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const entry = shared.get(this.key);
    if (entry && --entry.users > 0) return;
    shared.delete(this.key);
    const { drainPending } = await import('chdb');
    this.session.close();
    // close() defers the native teardown behind running statements; wait so the folder's lock is really released.
    await drainPending();
  }
}

export function parseLines<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) if (line) out.push(JSON.parse(line) as T);
  return out;
}
