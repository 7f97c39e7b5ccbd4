/**
 * `ocpp-mitm import FILE`: a JSON-lines or HAR capture into a store (a chDB folder or a ClickHouse server), so
 * `report`, `frames`, `audit` and `replay` work on it. The whole file is read and checked first; sessions already
 * in the store are refused (importing twice would count twice); if writing fails half-way, what was written is
 * deleted again.
 */
import { readFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import type { StoreBackend } from '../store/backend.js';
import { openChdb, StoreLockedError } from '../store/chdb-backend.js';
import { parseClickhouseTarget } from '../store/clickhouse-url.js';
import { readControlInfo } from '../control/control-client.js';
import { capsOf, migrate, TABLES } from '../store/schema.js';
import { openServer } from '../store/server-backend.js';
import { str } from '../store/sql.js';
import { chdbDir } from '../store/store-paths.js';
import type { OpenStoreReaderOptions } from '../store/store-reader.js';
import { TsvEncoder } from '../store/tsv-encoder.js';
import { CaptureError } from './capture-error.js';
import { captureRows, type CaptureRows } from './capture-rows.js';
import { parseCapture } from './parse-capture.js';

export interface ImportOptions extends OpenStoreReaderOptions {
  file: string;
}

export interface ImportResult {
  sessions: number;
  frames: number;
  kpiSamples: number;
}

/** A store to write into: a server, or the chDB folder when no proxy holds it. */
export async function openWritableStore(opts: OpenStoreReaderOptions): Promise<StoreBackend> {
  let backend: StoreBackend;
  if (opts.clickhouse) {
    backend = await openServer(parseClickhouseTarget({ ...opts, clickhouse: opts.clickhouse }));
  } else {
    const dataDir = opts.dataDir ?? './data';
    if (await readControlInfo(dataDir)) {
      throw new Error(`a proxy is running on ${dataDir} and owns its store: stop it, or import into another --data folder`);
    }
    mkdirSync(chdbDir(dataDir), { recursive: true });
    try {
      backend = await openChdb(chdbDir(dataDir));
    } catch (err) {
      if (err instanceof StoreLockedError) throw new Error(`${err.message} (import writes, so it cannot go through the control API)`);
      throw err;
    }
  }
  try {
    await migrate(backend, capsOf(await backend.version()));
  } catch (err) {
    await backend.close();
    throw err;
  }
  return backend;
}

const sessionList = (ids: string[]): string => `(${ids.map(str).join(', ')})`;

async function writeRows(backend: StoreBackend, rows: CaptureRows): Promise<void> {
  const enc = new TsvEncoder(TABLES);
  for (const [table, list] of Object.entries(rows)) {
    // Batches of a few thousand rows keep each INSERT within a request's size.
    for (let i = 0; i < list.length; i += 5000) {
      const parts = list.slice(i, i + 5000).map((r) => Buffer.from(enc.out.subarray(0, enc.encode(table, r))));
      await backend.insert(table, Buffer.concat(parts), 'TabSeparated', enc.columns(table));
    }
  }
}

export async function runImport(opts: ImportOptions, log: (s: string) => void = (s) => void process.stderr.write(s)): Promise<ImportResult> {
  let text: string;
  try {
    text = await readFile(opts.file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let capture;
  try {
    capture = parseCapture(text);
  } catch (err) {
    if (err instanceof CaptureError) throw new Error(`${opts.file}: ${err.message}; nothing was imported`);
    throw err;
  }
  if (capture.sessions.length === 0) throw new Error(`${opts.file}: no OCPP sessions in it; nothing was imported`);
  const backend = await openWritableStore(opts);
  try {
    const ids = capture.sessions.map((s) => s.session);
    const present = await backend.query<{ session_id: string }>(
      `SELECT DISTINCT session_id FROM sessions WHERE session_id IN ${sessionList(ids)} LIMIT 5`,
    );
    if (present.length) {
      throw new Error(`${opts.file}: ${present.length === 5 ? 'sessions' : `session${present.length > 1 ? 's' : ''}`} ${present.map((p) => p.session_id).join(', ')} already in ${backend.where}; nothing was imported`);
    }
    const maxSeq = Number((await backend.query<{ m: number | string }>('SELECT max(store_seq) AS m FROM frames'))[0]?.m ?? 0);
    let seq = Math.max(maxSeq, Date.now() * 1000);
    const rows = captureRows(capture, () => ++seq);
    try {
      await writeRows(backend, rows);
    } catch (err) {
      // ClickHouse has no transactions: take back what this import wrote (mutations run in the background).
      for (const t of TABLES) {
        await backend.exec(`ALTER TABLE ${t.name} DELETE WHERE session_id IN ${sessionList(ids)}`).catch(() => undefined);
      }
      throw new Error(`writing into ${backend.where} failed (${(err as Error).message.split('\n')[0]}); what was written is being deleted again`);
    }
    const result = { sessions: capture.sessions.length, frames: rows.frames.length, kpiSamples: rows.kpi_samples.length };
    log(`imported ${result.sessions} session(s), ${result.frames} frame(s), ${result.kpiSamples} KPI sample(s) from ${opts.file} into ${backend.where}\n`);
    return result;
  } finally {
    await backend.close();
  }
}
