/**
 * `ocpp-mitm export`: sessions and their frames from any store (live proxy, chDB folder, ClickHouse server) as
 * JSON lines or HAR 1.2, to a file or stdout, with progress on stderr. Frames are read a page at a time by the
 * store's own sequence, so an export of any size runs in bounded memory (HAR holds one session at a time).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, unlink } from 'node:fs/promises';
import type { Direction } from '../core/types.js';
import { parseTimeMicros } from '../store/duration.js';
import { openStoreReader, type FrameQuery, type OpenStoreReaderOptions, type StoreReader } from '../store/store-reader.js';
import { CAPTURE_FORMAT, CAPTURE_VERSION, frameRecord, sessionRecord, type CaptureHeader, type FrameRecord, type SessionRecord } from './capture-record.js';
import { HAR_TAIL, harEntry, harHead } from './har.js';

export type ExportFormat = 'jsonl' | 'har';

export interface ExportOptions extends OpenStoreReaderOptions {
  format?: ExportFormat;
  /** File to write; '-' or undefined: stdout. */
  out?: string;
  station?: string;
  /** One or more session ids. */
  session?: string | string[];
  action?: string;
  direction?: string;
  since?: string;
  until?: string;
  invalid?: boolean;
  payloads?: 'full' | 'redacted';
  /** Where progress goes (stderr by default); nothing when undefined is passed explicitly as null. */
  progress?: ((s: string) => void) | null;
}

export interface ExportResult {
  sessions: number;
  frames: number;
}

const PAGE = 5000;

/** Every frame of one session that passes the filters, oldest first, a page at a time. */
export async function* sessionFrames(reader: StoreReader, session: string, q: FrameQuery): AsyncGenerator<FrameRow[]> {
  let after = 0;
  for (;;) {
    const page = await reader.frames({ ...q, session, afterSeq: after, limit: PAGE });
    if (page.length === 0) return;
    yield page;
    after = page.at(-1)!.seq;
    if (page.length < PAGE) return;
  }
}
type FrameRow = Awaited<ReturnType<StoreReader['frames']>>[number];

/** The sessions an export covers: station, session ids, and those open at some time in [since, until). */
export async function selectSessions(reader: StoreReader, opts: ExportOptions): Promise<SessionRecord[]> {
  const since = opts.since ? parseTimeMicros(opts.since) : undefined;
  const until = opts.until ? parseTimeMicros(opts.until) : undefined;
  const ids = opts.session === undefined ? undefined : new Set(Array.isArray(opts.session) ? opts.session : [opts.session]);
  const rows = await reader.sessions({ station: opts.station, sinceMicros: since });
  const chosen = rows.filter((s) => (!ids || ids.has(s.sessionId)) && (until === undefined || s.openedAt < until));
  if (ids) {
    const missing = [...ids].filter((id) => !rows.some((s) => s.sessionId === id));
    if (missing.length) throw new Error(`no session ${missing.join(', ')} in the store (for this selection)`);
  }
  return chosen.map(sessionRecord);
}

function frameQuery(opts: ExportOptions): FrameQuery {
  const d = opts.direction;
  if (d !== undefined && d !== 'to-csms' && d !== 'to-station') throw new Error(`--direction: expected to-csms or to-station, got "${d}"`);
  return {
    action: opts.action,
    direction: d as Direction | undefined,
    sinceMicros: opts.since ? parseTimeMicros(opts.since) : undefined,
    untilMicros: opts.until ? parseTimeMicros(opts.until) : undefined,
    invalidOnly: opts.invalid === true,
  };
}

/**
 * Writes with backpressure, to stdout or to a file. A file is written beside its name and renamed when complete,
 * so a failed export never leaves a truncated capture (nor clobbers an earlier one).
 */
class Sink {
  private readonly stream: WriteStream | NodeJS.WriteStream;
  private readonly part: string | undefined;
  constructor(private readonly out: string | undefined) {
    this.part = out && out !== '-' ? `${out}.part-${process.pid}` : undefined;
    this.stream = this.part ? createWriteStream(this.part) : process.stdout;
  }
  async write(s: string): Promise<void> {
    if (!this.stream.write(s)) await once(this.stream, 'drain');
  }
  private async close(): Promise<void> {
    const s = this.stream as WriteStream;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.end(() => resolve());
    });
  }
  async end(): Promise<void> {
    if (!this.part) return;
    await this.close();
    await rename(this.part, this.out!);
  }
  async abandon(): Promise<void> {
    if (!this.part) return;
    await this.close().catch(() => undefined);
    await unlink(this.part).catch(() => undefined);
  }
}

export async function runExport(opts: ExportOptions): Promise<ExportResult> {
  const format = opts.format ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'har') throw new Error(`--format: expected jsonl or har, got "${format}"`);
  const redact = opts.payloads === 'redacted';
  const progress = opts.progress === null ? undefined : (opts.progress ?? ((s: string) => void process.stderr.write(s)));
  const q = frameQuery(opts);
  const reader = await openStoreReader(opts);
  let sink: Sink | undefined;
  let frames = 0;
  let lastReport = Date.now();
  try {
    const sessions = await selectSessions(reader, opts);
    sink = new Sink(opts.out);
    if (format === 'jsonl') {
      const header: CaptureHeader = { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, exportedAt: new Date().toISOString(), payloads: redact ? 'redacted' : 'full' };
      await sink.write(JSON.stringify(header) + '\n');
      for (const s of sessions) await sink.write(JSON.stringify(s) + '\n');
    } else {
      await sink.write(harHead());
    }
    for (const [i, s] of sessions.entries()) {
      const held: FrameRecord[] = [];
      for await (const page of sessionFrames(reader, s.session, q)) {
        const recs = page.map((f) => frameRecord(f, redact));
        if (format === 'jsonl') await sink.write(recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
        else held.push(...recs);
        frames += page.length;
        if (progress && Date.now() - lastReport > 1000) {
          lastReport = Date.now();
          progress(`export: session ${i + 1}/${sessions.length}, ${frames} frames\n`);
        }
      }
      if (format === 'har') await sink.write((i > 0 ? ',\n' : '') + JSON.stringify(harEntry(s, held)));
    }
    if (format === 'har') await sink.write(HAR_TAIL);
    await sink.end();
    sink = undefined;
    progress?.(`exported ${sessions.length} session(s), ${frames} frame(s)${opts.out && opts.out !== '-' ? ` to ${opts.out}` : ''}\n`);
    return { sessions: sessions.length, frames };
  } catch (err) {
    await sink?.abandon();
    throw err;
  } finally {
    await reader.close();
  }
}
