/**
 * Batches rows into ClickHouse in bounded memory, and spools them to disk whenever ClickHouse cannot take them
 * (unreachable, refusing, or slower than the traffic). Nothing here runs on the relay path: rows arrive from the
 * observer queue, and every write is asynchronous.
 */
import type { Logger } from 'pino';
import { BackendUnavailableError, causeOf, isUnavailable, type RowFormat, type StoreBackend } from './backend.js';
import type { Row } from './rows.js';
import type { Spool, SpoolFile } from './spool.js';
import type { TsvEncoder } from './tsv-encoder.js';

export type StoreState = 'starting' | 'up' | 'down' | 'closed';

export interface StoreStats {
  backend: string;
  state: StoreState;
  /** Rows in memory, waiting for the next batch. */
  queued: number;
  /** Rows on disk in the spool, waiting for ClickHouse. */
  spooled: number;
  /** Rows in ClickHouse (directly or replayed from the spool). */
  written: number;
  /** Rows whose INSERT failed (they went to the spool instead). */
  failed: number;
  /** Of `written`, rows that came from the spool. */
  replayed: number;
  /** Rows ClickHouse refused as bad data, kept under spool/rejected/. */
  rejected: number;
  /** Rows that could neither be written nor spooled (disk full): the only rows ever lost. */
  lost: number;
  spoolDir: string;
  lastError: string;
}

export interface StoreWriterOptions {
  backend: StoreBackend;
  spool: Spool;
  /** Rows → TabSeparated lines, for the tables the writer is given rows of. */
  encoder: TsvEncoder;
  logger: Logger;
  /** Rows per INSERT; a full batch is written at once. */
  batchRows: number;
  /** Longest a row waits in memory (ms). */
  flushMs: number;
  /** Above this many rows in memory (ClickHouse slow), batches go to the spool. Default 20 batches. */
  maxQueuedRows?: number;
  /** A batch is also cut at this many bytes (frames can be large). Default 16 MiB. */
  maxBatchBytes?: number;
  /** Memory bound in bytes, as maxQueuedRows. Default 128 MiB. */
  maxQueuedBytes?: number;
  /** Create or migrate the schema: before the first write and after ClickHouse comes back. */
  prepare: () => Promise<void>;
  /** ClickHouse went away or came back. */
  onStateChange?: (state: 'up' | 'down', text: string) => void;
}

interface Batch {
  table: string;
  buf: Buffer;
  rows: number;
  /** The whole segment `buf` is a view of, to be reused once its rows are in ClickHouse. */
  segment: Buffer;
}

interface Segment {
  buf: Buffer;
  used: number;
  rows: number;
}

/** Size of one off-heap queue segment; a row larger than this gets a segment of its own. */
const SEGMENT_BYTES = 4 * 1024 * 1024;

/**
 * Written segments kept for reuse. Every new segment is 4 MiB of external memory to V8, and external memory
 * growing by 64 MB starts a full (mark-compact) collection: at a few thousand rows a second, fresh segments for
 * each flush did that every second or two, each time pausing the relay's thread for 5–15 ms.
 */
const SPARE_SEGMENTS = 6;

const PROBE_MIN_MS = 250;
const PROBE_MAX_MS = 5000;

export class StoreWriter {
  private state: StoreState = 'starting';
  /**
   * Rows wait as TabSeparated lines written straight into off-heap buffers: as JS strings they would survive
   * young-generation collections for up to --store-flush-ms and make every one of them (a pause on the relay's
   * thread) longer.
   */
  private readonly queues = new Map<string, Segment[]>();
  private readonly spare: Buffer[] = [];
  private queued = 0;
  private queuedBytes = 0;
  private written = 0;
  private failed = 0;
  private replayed = 0;
  private lost = 0;
  private lastError = '';
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private replaying: Promise<void> | undefined;
  private readonly pendingSpills = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probeDelay = PROBE_MIN_MS;
  private readonly maxQueued: number;
  private readonly maxBatchBytes: number;
  private readonly maxQueuedBytes: number;

  constructor(private readonly o: StoreWriterOptions) {
    this.maxQueued = o.maxQueuedRows ?? Math.max(10_000, o.batchRows * 20);
    this.maxBatchBytes = o.maxBatchBytes ?? 16 * 1024 * 1024;
    this.maxQueuedBytes = o.maxQueuedBytes ?? 128 * 1024 * 1024;
  }

  stats(): StoreStats {
    return {
      backend: this.o.backend.where,
      state: this.state,
      queued: this.queued,
      spooled: this.o.spool.rows,
      written: this.written,
      failed: this.failed,
      replayed: this.replayed,
      rejected: this.o.spool.rejectedRows,
      lost: this.lost,
      spoolDir: this.o.spool.dir,
      lastError: this.lastError,
    };
  }

  /** Connect and prepare the schema; when ClickHouse is not there yet, start spooling and keep probing. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.flush(), this.o.flushMs);
    this.timer.unref();
    try {
      await this.o.prepare();
      this.state = 'up';
      if (this.o.spool.rows > 0) {
        this.o.logger.info({ rows: this.o.spool.rows, spool: this.o.spool.dir }, 'store: replaying rows spooled by an earlier run');
      }
      void this.replay();
    } catch (err) {
      if (!isUnavailable(err)) {
        // Misconfiguration (wrong password, no rights, a newer schema): say so at start rather than spool forever.
        clearInterval(this.timer);
        throw new Error(`${this.o.backend.where}: ${causeOf(err)}`, { cause: err });
      }
      this.goDown(err);
    }
  }

  add(table: string, row: Row): void {
    if (this.state === 'closed') return;
    const size = this.o.encoder.encode(table, row);
    let segs = this.queues.get(table);
    if (!segs) this.queues.set(table, (segs = []));
    let seg = segs.at(-1);
    if (!seg || seg.used + size > seg.buf.length || seg.rows >= this.o.batchRows) {
      const buf = size <= SEGMENT_BYTES ? (this.spare.pop() ?? Buffer.allocUnsafeSlow(SEGMENT_BYTES)) : Buffer.allocUnsafeSlow(size);
      seg = { buf, used: 0, rows: 0 };
      segs.push(seg);
    }
    this.o.encoder.out.copy(seg.buf, seg.used, 0, size);
    seg.used += size;
    seg.rows++;
    this.queued++;
    this.queuedBytes += size;
    if (this.queued >= this.o.batchRows || this.queuedBytes >= this.maxBatchBytes) void this.flush();
    // ClickHouse slower than the traffic: memory stays bounded, the overflow waits on disk.
    if ((this.queued > this.maxQueued || this.queuedBytes > this.maxQueuedBytes) && this.flushing) this.spill();
  }

  /** Write what is queued now (resolves once it is in ClickHouse or in the spool). */
  flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    if (this.queued === 0) return Promise.resolve();
    this.flushing = (async () => {
      do {
        this.flushAgain = false;
        for (const b of this.take()) await this.write(b);
      } while (this.flushAgain && this.queued > 0);
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Everything queued, as batches: each segment holds at most batchRows rows and about SEGMENT_BYTES bytes. */
  private take(): Batch[] {
    const out: Batch[] = [];
    for (const [table, segs] of this.queues) {
      for (const seg of segs) if (seg.rows > 0) out.push({ table, buf: seg.buf.subarray(0, seg.used), rows: seg.rows, segment: seg.buf });
    }
    this.queues.clear();
    this.queued = 0;
    this.queuedBytes = 0;
    return out;
  }

  private spill(): void {
    const batches = this.take();
    const p = (async () => {
      for (const b of batches) await this.toSpool(b);
    })().finally(() => this.pendingSpills.delete(p));
    this.pendingSpills.add(p);
  }

  /** Straight into ClickHouse when it is up and nothing older waits in the spool; else into the spool. */
  private async write(b: Batch): Promise<void> {
    if (this.state === 'up' && this.o.spool.rows === 0) {
      try {
        await this.insertOrReprepare(b.table, b.buf, 'TabSeparated');
        this.written += b.rows;
        // Only after a clean insert: a failed request might still hold the bytes, so those segments are left to GC.
        if (b.segment.length === SEGMENT_BYTES && this.spare.length < SPARE_SEGMENTS) this.spare.push(b.segment);
        return;
      } catch (err) {
        if (!isUnavailable(err)) {
          await this.rejectBatch(b, err);
          return;
        }
        this.failed += b.rows;
        this.goDown(err);
      }
    }
    await this.toSpool(b);
  }

  /**
   * A refused INSERT may mean the tables went away (dropped, new server): prepare the schema and try once more. When
   * even that fails the server is unusable (e.g. the password changed): treated as unavailable, rows spool. Only a
   * second refusal by a working server is about the rows themselves.
   */
  private async insertOrReprepare(table: string, buf: Buffer, format: RowFormat): Promise<void> {
    const columns = format === 'TabSeparated' ? this.o.encoder.columns(table) : undefined;
    try {
      await this.o.backend.insert(table, buf, format, columns);
    } catch (err) {
      if (isUnavailable(err)) throw err;
      try {
        await this.o.prepare();
      } catch (e) {
        throw new BackendUnavailableError(`${this.o.backend.where} unusable: ${causeOf(e)}`, { cause: e });
      }
      await this.o.backend.insert(table, buf, format, columns);
    }
  }

  /** "ClickHouse at … unreachable: ECONNREFUSED — spooling to …" */
  private downText(err: unknown): string {
    const cause = causeOf(err);
    const base = cause.startsWith(this.o.backend.where) ? cause : `${this.o.backend.where} unreachable: ${cause}`;
    return `${base} — spooling to ${this.o.spool.dir}`;
  }

  private async rejectBatch(b: Batch, err: unknown): Promise<void> {
    this.failed += b.rows;
    try {
      const path = await this.o.spool.writeRejected(b.table, b.buf, b.rows, 'TabSeparated');
      this.o.logger.error({ table: b.table, rows: b.rows, file: path }, `store: ${this.o.backend.where} refused ${b.rows} rows: ${causeOf(err)} — kept in ${path}`);
    } catch (e) {
      this.lost += b.rows;
      this.o.logger.error({ table: b.table, rows: b.rows }, `store: ${b.rows} rows lost: refused (${causeOf(err)}) and could not be kept on disk: ${causeOf(e)}`);
    }
  }

  private async toSpool(b: Batch): Promise<void> {
    try {
      await this.o.spool.append(b.table, b.buf, b.rows, 'TabSeparated');
    } catch (err) {
      this.lost += b.rows;
      this.o.logger.error({ table: b.table, rows: b.rows }, `store: ${b.rows} rows lost: could not spool to ${this.o.spool.dir}: ${causeOf(err)}`);
      return;
    }
    if (this.state === 'up') void this.replay();
  }

  /** Start failed late (after the relay went on without waiting): spool and keep probing. */
  markDown(err: unknown): void {
    this.goDown(err);
  }

  private goDown(err: unknown): void {
    if (this.state === 'closed') return;
    const text = this.downText(err);
    this.lastError = text;
    if (this.state !== 'down') {
      this.state = 'down';
      this.o.logger.error(text);
      this.o.onStateChange?.('down', text);
    }
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probeTimer || this.state === 'closed') return;
    this.probeTimer = setTimeout(() => void this.probe(), this.probeDelay);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    this.probeTimer = undefined;
    if (this.state !== 'down') return;
    try {
      await this.o.prepare();
    } catch (err) {
      this.lastError = this.downText(err);
      this.probeDelay = Math.min(PROBE_MAX_MS, this.probeDelay * 2);
      this.scheduleProbe();
      return;
    }
    if (this.state !== 'down') return;
    this.probeDelay = PROBE_MIN_MS;
    this.state = 'up';
    const text = `${this.o.backend.where} is back: replaying ${this.o.spool.rows} spooled rows`;
    this.o.logger.info(text);
    this.o.onStateChange?.('up', text);
    void this.replay();
  }

  /** Move the spool into ClickHouse, oldest file first, one INSERT per file. */
  replay(): Promise<void> {
    if (this.replaying) return this.replaying;
    if (this.state !== 'up' || this.o.spool.rows === 0) return Promise.resolve();
    this.replaying = (async () => {
      while (this.state === 'up') {
        await this.o.spool.seal();
        const files = this.o.spool.sealedFiles();
        if (files.length === 0) break;
        for (const f of files) if (!(await this.replayFile(f))) return;
      }
    })()
      .catch((err: unknown) => {
        this.o.logger.error(`store: replaying the spool failed: ${causeOf(err)}`);
      })
      .finally(() => {
        this.replaying = undefined;
      });
    return this.replaying;
  }

  private async replayFile(f: SpoolFile): Promise<boolean> {
    const buf = await this.o.spool.read(f);
    try {
      await this.insertOrReprepare(f.table, buf, f.format);
    } catch (err) {
      if (isUnavailable(err)) {
        this.goDown(err);
        return false;
      }
      const to = await this.o.spool.reject(f);
      this.o.logger.error({ table: f.table, rows: f.rows, file: to }, `store: ${this.o.backend.where} refused spooled rows: ${causeOf(err)} — moved to ${to}`);
      return true;
    }
    this.written += f.rows;
    this.replayed += f.rows;
    await this.o.spool.remove(f);
    return true;
  }

  /** Flush everything: into ClickHouse when it is up (spool included), else into the spool for the next start. */
  async stop(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.timer) clearInterval(this.timer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    await this.flush();
    await Promise.all([...this.pendingSpills]);
    if (this.state === 'up') await this.replay();
    await this.replaying;
    this.state = 'closed';
    await this.o.spool.close();
  }
}
