/**
 * Writes rows to ClickHouse in bounded memory, through a write-ahead log (wal.ts) so that neither a ClickHouse
 * outage nor a killed proxy loses a row. Rows arrive on the relay path (the store is a recorder, see addon.ts).
 *
 * A row's way: `add` numbers it (writer id + a sequence per table, stored in its `wal_writer`/`wal_seq` columns) and
 * encodes it into the turn's buffer; at the end of that turn (`commit`, which the relay calls before it lets the
 * turn's frames go out; else setImmediate) one append writes the turn's rows to the log, and only then are they
 * queued in memory for their INSERT. An INSERT that ClickHouse acknowledged
 * trims them from the log. When ClickHouse cannot take rows (unreachable, or slower than the traffic), the memory
 * queue is let go and the log is replayed from disk once it can. Replayed rows are inserted exactly once: before a
 * segment is replayed, the writer asks the store which of its (writer, sequence) pairs it already holds (an
 * INSERT that landed before the process died, or that landed only in part) and inserts only the others.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { BackendUnavailableError, causeOf, isUnavailable, type RowFormat, type StoreBackend } from './backend.js';
import type { Row } from './rows.js';
import { int, str } from './sql.js';
import type { Spool, SpoolFile } from './spool.js';
import type { TsvEncoder } from './tsv-encoder.js';
import type { Wal, WalRecord, WalSegment } from './wal.js';

export type StoreState = 'starting' | 'up' | 'down' | 'closed';

export interface StoreStats {
  backend: string;
  state: StoreState;
  /** Rows in memory, waiting for the next batch. */
  queued: number;
  /** Rows on disk (write-ahead log, and spool files of earlier versions) waiting to be replayed into ClickHouse. */
  spooled: number;
  /** Rows in ClickHouse (directly or replayed). */
  written: number;
  /** Rows whose INSERT failed (they are replayed from the write-ahead log). */
  failed: number;
  /** Of `written`, rows that were replayed from disk. */
  replayed: number;
  /** Rows a replay found already in ClickHouse (an INSERT that landed before its acknowledgement), not inserted again. */
  duplicatesSkipped: number;
  /** Rows ClickHouse refused as bad data, kept under spool/rejected/. */
  rejected: number;
  /** Rows that could not be written to the write-ahead log (disk full, log full): the only rows ever lost. */
  lost: number;
  /** Bytes in the write-ahead log. */
  walBytes: number;
  walDir: string;
  spoolDir: string;
  lastError: string;
}

export interface StoreWriterOptions {
  backend: StoreBackend;
  wal: Wal;
  /** Spool files earlier versions left: replayed once, then the folder stays empty. Also keeps refused rows. */
  spool: Spool;
  /** Rows → TabSeparated lines, for the tables the writer is given rows of. */
  encoder: TsvEncoder;
  logger: Logger;
  /** Rows per INSERT; a full batch is written at once. */
  batchRows: number;
  /** Longest a row waits in memory (ms). */
  flushMs: number;
  /** Above this many rows in memory (ClickHouse slow), the memory queue is let go: the log is replayed later. */
  maxQueuedRows?: number;
  /** A batch is also cut at this many bytes (frames can be large). Default 16 MiB. */
  maxBatchBytes?: number;
  /** Memory bound in bytes, as maxQueuedRows. Default 128 MiB. */
  maxQueuedBytes?: number;
  /** The writer's id in `wal_writer` (default: random). */
  writerId?: string;
  /** Create or migrate the schema: before the first write and after ClickHouse comes back. */
  prepare: () => Promise<void>;
  /** ClickHouse went away or came back. */
  onStateChange?: (state: 'up' | 'down', text: string) => void;
  /** Something the operator must know (rows lost). */
  onNotice?: (level: 'warn' | 'error', text: string) => void;
}

interface Batch {
  table: string;
  buf: Buffer;
  rows: number;
  /** The whole segment `buf` is a view of, to be reused once its rows are in ClickHouse. */
  segment: Buffer;
  /** How many of its rows sit in which log segment: trimmed when the INSERT is acknowledged. */
  logged: Map<WalSegment, number>;
}

interface Segment {
  buf: Buffer;
  used: number;
  rows: number;
  logged: Map<WalSegment, number>;
}

/** The rows of one table added during the current turn, not yet in the log. */
interface TurnBuffer {
  buf: Buffer;
  used: number;
  rows: number;
  firstSeq: number;
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

const NEWLINE = 0x0a;
/** A turn's rows are appended at this size at the latest. */
const TURN_MAX_BYTES = 4 * 1024 * 1024;

export class StoreWriter {
  private state: StoreState = 'starting';
  readonly writerId: string;
  private readonly seqs = new Map<string, number>();
  private readonly turn = new Map<string, TurnBuffer>();
  private turnScheduled = false;
  /**
   * Rows wait as TabSeparated lines written straight into off-heap buffers: as JS strings they would survive
   * young-generation collections for up to --store-flush-ms and make every one of them (a pause on the relay's
   * thread) longer.
   */
  private readonly queues = new Map<string, Segment[]>();
  private readonly spare: Buffer[] = [];
  private queued = 0;
  private queuedBytes = 0;
  /** Rows queued per table: a table's INSERT is due once it holds batchRows (ClickHouse's cost is per INSERT and per row). */
  private readonly queuedByTable = new Map<string, number>();
  private fullestTable = 0;
  private written = 0;
  private failed = 0;
  private replayed = 0;
  private duplicates = 0;
  private lost = 0;
  private lossEpisode = false;
  private lastError = '';
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private inserting: Promise<unknown> | undefined;
  private replaying: Promise<void> | undefined;
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
    // Unique per process start: sequences restart at 1, so (writer, table, seq) names a row for good.
    this.writerId = o.writerId ?? `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  }

  stats(): StoreStats {
    return {
      backend: this.o.backend.where,
      state: this.state,
      queued: this.queued,
      spooled: this.o.wal.replayRows + this.o.spool.rows,
      written: this.written,
      failed: this.failed,
      replayed: this.replayed,
      duplicatesSkipped: this.duplicates,
      rejected: this.o.spool.rejectedRows,
      lost: this.lost,
      walBytes: this.o.wal.bytes,
      walDir: this.o.wal.dir,
      spoolDir: this.o.spool.dir,
      lastError: this.lastError,
    };
  }

  /** Connect and prepare the schema; when ClickHouse is not there yet, keep probing (rows wait in the log). */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.flush(), this.o.flushMs);
    this.timer.unref();
    try {
      await this.o.prepare();
      this.state = 'up';
      const waiting = this.o.wal.replayRows + this.o.spool.rows;
      if (waiting > 0) {
        this.o.logger.info({ rows: waiting, wal: this.o.wal.dir }, 'store: replaying rows an earlier run had not written');
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

  /** Number the row, encode it into this turn's buffer; the turn's rows reach the log in one append. */
  add(table: string, row: Row): void {
    if (this.state === 'closed') return;
    const seq = (this.seqs.get(table) ?? 0) + 1;
    this.seqs.set(table, seq);
    row.wal_writer = this.writerId;
    row.wal_seq = seq;
    const size = this.o.encoder.encode(table, row);
    let t = this.turn.get(table);
    if (!t) this.turn.set(table, (t = { buf: Buffer.allocUnsafeSlow(Math.max(64 * 1024, size)), used: 0, rows: 0, firstSeq: seq }));
    if (t.rows === 0) t.firstSeq = seq;
    if (t.used + size > t.buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(t.buf.length * 2, t.used + size));
      t.buf.copy(bigger, 0, 0, t.used);
      t.buf = bigger;
    }
    this.o.encoder.out.copy(t.buf, t.used, 0, size);
    t.used += size;
    t.rows++;
    // A turn that adds a great many rows (a replay of a test, a burst) writes them in pieces.
    if (t.used >= TURN_MAX_BYTES) this.commit();
    else if (!this.turnScheduled) {
      this.turnScheduled = true;
      setImmediate(this.commit);
    }
  }

  /**
   * One append for the turn's rows; then they queue for their INSERT (unless ClickHouse is away: then they wait on
   * disk). Called by the relay at the end of every turn that recorded something, before that turn's frames go out.
   */
  readonly commit = (): void => {
    this.turnScheduled = false;
    const records: WalRecord[] = [];
    for (const [table, t] of this.turn) {
      if (t.rows === 0) continue;
      records.push({ table, writer: this.writerId, firstSeq: t.firstSeq, rows: t.rows, lines: t.buf.subarray(0, t.used) });
    }
    if (records.length === 0) return;
    let seg: WalSegment;
    try {
      seg = this.o.wal.append(records);
      this.lossEpisode = false;
    } catch (err) {
      const rows = records.reduce((n, r) => n + r.rows, 0);
      this.lost += rows;
      this.resetTurn();
      if (!this.lossEpisode) {
        this.lossEpisode = true;
        const text = `store: rows are being lost: cannot write the write-ahead log in ${this.o.wal.dir}: ${causeOf(err)}`;
        this.lastError = text;
        this.o.logger.error(text);
        this.o.onNotice?.('error', text);
      }
      return;
    }
    if (this.state === 'starting' || this.state === 'up') {
      for (const r of records) this.enqueue(r.table, r.lines, r.rows, seg);
    } else if (this.o.wal.enabled) {
      seg.replay = true; // down: these rows are not in memory, only on disk
    } else {
      this.lost += records.reduce((n, r) => n + r.rows, 0); // down, and no log to keep them in
    }
    this.resetTurn();
    if (this.fullestTable >= this.o.batchRows || this.queuedBytes >= this.maxBatchBytes) void this.flush();
    // ClickHouse slower than the traffic (or not answering yet): memory stays bounded, the rows wait in the log.
    if (this.queued > this.maxQueued || this.queuedBytes > this.maxQueuedBytes) this.letQueueGo();
  };

  private resetTurn(): void {
    for (const t of this.turn.values()) {
      t.used = 0;
      t.rows = 0;
    }
  }

  private enqueue(table: string, lines: Buffer, rows: number, logSeg: WalSegment): void {
    let segs = this.queues.get(table);
    if (!segs) this.queues.set(table, (segs = []));
    let seg = segs.at(-1);
    if (!seg || seg.used + lines.length > seg.buf.length || seg.rows + rows > this.o.batchRows) {
      const buf = lines.length <= SEGMENT_BYTES ? (this.spare.pop() ?? Buffer.allocUnsafeSlow(SEGMENT_BYTES)) : Buffer.allocUnsafeSlow(lines.length);
      seg = { buf, used: 0, rows: 0, logged: new Map() };
      segs.push(seg);
    }
    lines.copy(seg.buf, seg.used);
    seg.used += lines.length;
    seg.rows += rows;
    seg.logged.set(logSeg, (seg.logged.get(logSeg) ?? 0) + rows);
    this.queued += rows;
    this.queuedBytes += lines.length;
    const inTable = (this.queuedByTable.get(table) ?? 0) + rows;
    this.queuedByTable.set(table, inTable);
    if (inTable > this.fullestTable) this.fullestTable = inTable;
  }

  /** Write what is queued now (resolves once it is in ClickHouse, or left to the log's replay). */
  flush(): Promise<void> {
    if (this.turnScheduled) this.commit();
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    // Starting: rows wait in memory (and in the log) until ClickHouse answers; down: the log is replayed instead.
    if (this.queued === 0 || this.state !== 'up') return Promise.resolve();
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
      for (const seg of segs) {
        if (seg.rows > 0) out.push({ table, buf: seg.buf.subarray(0, seg.used), rows: seg.rows, segment: seg.buf, logged: seg.logged });
      }
    }
    this.queues.clear();
    this.queued = 0;
    this.queuedBytes = 0;
    this.queuedByTable.clear();
    this.fullestTable = 0;
    return out;
  }

  /**
   * Memory is full while an INSERT runs: let the queue go. Its rows are in the log; the segment being written is
   * closed first, so that no row is both in memory and in a segment marked for replay.
   */
  private letQueueGo(): void {
    this.dropQueue();
    this.o.wal.rotate();
    this.o.wal.markUnackedForReplay();
    this.o.logger.warn(`store: ${this.o.backend.where} is slower than the traffic; rows wait in ${this.o.wal.dir} and are replayed`);
    if (this.state === 'up') void this.replay();
  }

  private async write(b: Batch): Promise<void> {
    if (this.state !== 'up') {
      if (!this.o.wal.enabled) this.lost += b.rows;
      return; // down: its rows are in segments marked for replay
    }
    for (const seg of b.logged.keys()) seg.attempted = true;
    const p = this.insertOrReprepare(b.table, b.buf, 'TabSeparated');
    this.inserting = p.catch(() => undefined);
    try {
      await p;
    } catch (err) {
      if (!isUnavailable(err)) {
        await this.rejectBatch(b, err);
        this.ackBatch(b);
        return;
      }
      this.failed += b.rows;
      if (!this.o.wal.enabled) this.lost += b.rows;
      this.goDown(err);
      return;
    } finally {
      this.inserting = undefined;
    }
    this.written += b.rows;
    this.ackBatch(b);
    // Only after a clean insert: a failed request might still hold the bytes, so those segments are left to GC.
    if (b.segment.length === SEGMENT_BYTES && this.spare.length < SPARE_SEGMENTS) this.spare.push(b.segment);
  }

  /** Let the memory queue go: its rows are in the log (or, with the log disabled, lost and counted). */
  private dropQueue(): void {
    const dropped = this.take();
    if (!this.o.wal.enabled) for (const b of dropped) this.lost += b.rows;
  }

  private ackBatch(b: Batch): void {
    for (const [seg, rows] of b.logged) this.o.wal.ack(seg, rows);
  }

  /**
   * A refused INSERT may mean the tables went away (dropped, new server): prepare the schema and try once more. When
   * even that fails the server is unusable (e.g. the password changed): treated as unavailable. Only a second
   * refusal by a working server is about the rows themselves.
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

  /** "ClickHouse at … unreachable: ECONNREFUSED — spooling to ./data/wal" */
  private downText(err: unknown): string {
    const cause = causeOf(err);
    const base = cause.startsWith(this.o.backend.where) ? cause : `${this.o.backend.where} unreachable: ${cause}`;
    return `${base} — spooling to ${this.o.wal.dir}`;
  }

  private async rejectBatch(b: { table: string; buf: Buffer; rows: number }, err: unknown): Promise<void> {
    this.failed += b.rows;
    try {
      const path = await this.o.spool.writeRejected(b.table, b.buf, b.rows, 'TabSeparated');
      this.o.logger.error({ table: b.table, rows: b.rows, file: path }, `store: ${this.o.backend.where} refused ${b.rows} rows: ${causeOf(err)} — kept in ${path}`);
    } catch (e) {
      this.lost += b.rows;
      this.o.logger.error({ table: b.table, rows: b.rows }, `store: ${b.rows} rows lost: refused (${causeOf(err)}) and could not be kept on disk: ${causeOf(e)}`);
    }
  }

  /** Start failed late (after the relay went on without waiting): keep probing, rows wait in the log. */
  markDown(err: unknown): void {
    this.goDown(err);
  }

  private goDown(err: unknown): void {
    if (this.state === 'closed') return;
    const text = this.downText(err);
    this.lastError = text;
    // The memory queue is let go: every row not yet acknowledged is replayed from the log.
    this.dropQueue();
    this.o.wal.markUnackedForReplay();
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
    // Rows from here on go through memory again; those written while down are in closed segments, replayed.
    this.commit();
    this.o.wal.rotate();
    this.state = 'up';
    const text = `${this.o.backend.where} is back: replaying ${this.o.wal.replayRows + this.o.spool.rows} spooled rows`;
    this.o.logger.info(text);
    this.o.onStateChange?.('up', text);
    void this.replay();
  }

  /** Move what waits on disk into ClickHouse: spool files of earlier versions, then the log's segments, oldest first. */
  replay(): Promise<void> {
    if (this.replaying) return this.replaying;
    if (this.state !== 'up') return Promise.resolve();
    this.replaying = (async () => {
      for (const f of this.o.spool.pending()) if (!(await this.replayLegacyFile(f))) return;
      while (this.state === 'up') {
        // An INSERT still running from before the outage may yet land: wait for it, so the check below sees it.
        await this.inserting;
        let seg = this.o.wal.nextReplay();
        if (!seg) {
          const cur = this.o.wal.segments().find((s) => s.replay);
          if (!cur) break;
          this.commit();
          this.o.wal.rotate();
          seg = this.o.wal.nextReplay();
          if (!seg) break;
        }
        if (!(await this.replaySegment(seg))) return;
      }
    })()
      .catch((err: unknown) => {
        this.o.logger.error(`store: replaying the write-ahead log failed: ${causeOf(err)}`);
      })
      .finally(() => {
        this.replaying = undefined;
      });
    return this.replaying;
  }

  /** Replay one log segment: per table and writer, only the rows ClickHouse does not hold yet. */
  private async replaySegment(seg: WalSegment): Promise<boolean> {
    const { records, tornBytes } = await this.o.wal.read(seg);
    if (tornBytes > 0) {
      this.o.logger.warn(`store: ${seg.path} ends in ${tornBytes} bytes that are not a whole record (cut short by a crash or a full disk): skipped`);
    }
    const groups = new Map<string, WalRecord[]>();
    for (const r of records) {
      const key = `${r.table}\0${r.writer}`;
      const g = groups.get(key);
      if (g) g.push(r);
      else groups.set(key, [r]);
    }
    const check = seg.attempted;
    seg.attempted = true;
    try {
      for (const g of groups.values()) await this.replayGroup(g, check);
    } catch (err) {
      if (isUnavailable(err)) {
        this.goDown(err);
        return false;
      }
      // Refused data: keep the segment's rows aside rather than retry them forever.
      for (const g of groups.values()) for (const r of g) await this.rejectBatch({ table: r.table, buf: r.lines, rows: r.rows }, err);
    }
    this.o.wal.remove(seg);
    return true;
  }

  /** `check`: ask the store first which of these rows it holds (some INSERT of them may have landed). */
  private async replayGroup(records: WalRecord[], check: boolean): Promise<void> {
    const { table, writer } = records[0]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of records) {
      lo = Math.min(lo, r.firstSeq);
      hi = Math.max(hi, r.firstSeq + r.rows - 1);
    }
    const present = check ? await this.storedSeqs(table, writer, lo, hi) : new Set<number>();
    if (present.size === 0) {
      // None of them is in the store (the usual case: they waited out an outage or a slow spell): whole records.
      for (let i = 0; i < records.length; ) {
        let rows = 0;
        let bytes = 0;
        const part: Buffer[] = [];
        for (; i < records.length && (rows === 0 || (rows + records[i]!.rows <= this.o.batchRows * 4 && bytes + records[i]!.lines.length <= this.maxBatchBytes)); i++) {
          part.push(records[i]!.lines);
          rows += records[i]!.rows;
          bytes += records[i]!.lines.length;
        }
        await this.insertOrReprepare(table, Buffer.concat(part, bytes), 'TabSeparated');
        this.written += rows;
        this.replayed += rows;
      }
      return;
    }
    const keep: Buffer[] = [];
    let rows = 0;
    let bytes = 0;
    const send = async (): Promise<void> => {
      if (rows === 0) return;
      await this.insertOrReprepare(table, Buffer.concat(keep, bytes), 'TabSeparated');
      this.written += rows;
      this.replayed += rows;
      keep.length = 0;
      rows = 0;
      bytes = 0;
    };
    for (const r of records) {
      let start = 0;
      for (let i = 0; i < r.rows; i++) {
        const end = r.lines.indexOf(NEWLINE, start);
        if (end < 0) break;
        if (present.has(r.firstSeq + i)) this.duplicates++;
        else {
          keep.push(r.lines.subarray(start, end + 1));
          rows++;
          bytes += end + 1 - start;
          if (rows >= this.o.batchRows * 4 || bytes >= this.maxBatchBytes) await send();
        }
        start = end + 1;
      }
    }
    await send();
  }

  /** The sequence numbers of this writer's rows in [lo, hi] that the table already holds. */
  private async storedSeqs(table: string, writer: string, lo: number, hi: number): Promise<Set<number>> {
    const rows = await this.o.backend.query<{ s: number | string }>(
      `SELECT wal_seq AS s FROM ${table} WHERE wal_writer = ${str(writer)} AND wal_seq BETWEEN ${int(lo)} AND ${int(hi)}`,
    );
    return new Set(rows.map((r) => Number(r.s)));
  }

  /** A spool file an earlier version left: one INSERT (these rows carry no sequence, so they are written as they are). */
  private async replayLegacyFile(f: SpoolFile): Promise<boolean> {
    const buf = await this.o.spool.read(f);
    try {
      await this.o.backend.insert(f.table, buf, f.format, f.format === 'TabSeparated' ? this.o.encoder.columns(f.table).filter((c) => !c.startsWith('wal_')) : undefined);
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

  /** Flush everything into ClickHouse when it is up (the log included); else it stays in the log for the next start. */
  async stop(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.timer) clearInterval(this.timer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    await this.flush();
    await this.flushing;
    if (this.state === 'up') await this.replay();
    await this.replaying;
    this.commit();
    this.state = 'closed';
    this.o.wal.close();
  }
}
