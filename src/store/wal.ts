/**
 * The write-ahead log: every row the store will insert is appended here first, as records of TabSeparated lines,
 * in segment files under `<data>/wal/`. One append (one write(2)) per event-loop turn holds that turn's rows of every
 * table. A segment is removed once every row in it is in ClickHouse; segments left by a process that died are
 * replayed by the next one (the writer checks each row against the store first, so nothing is inserted twice).
 *
 * Record: magic 'OWAL' (u32), body length (u32), CRC-32 of the body (u32), then the body: table name and writer id
 * (u8 length + ASCII each), the table's sequence number of the first row (f64), the row count (u32), and the lines.
 * A record cut short by a crash or a full disk fails its length or CRC check and is skipped with everything after it
 * in that segment; an append that failed part-way is cut off the file at once, so later appends stay readable.
 */
import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

export type FsyncMode = 'never' | 'interval' | 'always';
export const FSYNC_MODES: readonly FsyncMode[] = ['never', 'interval', 'always'];

export interface WalRecord {
  table: string;
  writer: string;
  /** The table's sequence number (per writer) of the first line; the others follow one by one. */
  firstSeq: number;
  rows: number;
  lines: Buffer;
}

export interface WalSegment {
  readonly id: number;
  readonly path: string;
  bytes: number;
  /** Rows appended to this segment. */
  rows: number;
  /** Rows not yet acknowledged by ClickHouse (for segments fed to the in-memory queue). */
  unacked: number;
  /** Its rows are no longer in memory: the writer must replay it from disk. */
  replay: boolean;
  /**
   * An INSERT of some of its rows was sent (or may have been: segments an earlier process left), so a replay must
   * ask the store which rows it holds. Rows that waited out a slow spell in the log were never sent: no question.
   */
  attempted: boolean;
}

export interface WalReadResult {
  records: WalRecord[];
  /** Bytes at the end that did not form a whole, intact record (a torn last append). */
  tornBytes: number;
}

export interface WalOptions {
  fsync?: FsyncMode;
  /** The whole log's bound: past it appends are refused (rows counted as lost). Default 1 GiB. */
  maxBytes?: number;
  /** A segment is closed past this size, so it can be removed once its rows are in. Default 8 MiB. */
  segmentBytes?: number;
  /** `interval`: how often the log is flushed to the disk (ms). Default 1000. */
  fsyncIntervalMs?: number;
  /** No log at all (`--no-store-wal`): nothing is written; what ClickHouse cannot take is lost. For comparison. */
  disabled?: boolean;
}

const MAGIC = 0x4c41574f; // 'OWAL' little-endian
const HEADER = 12;
const FILE_RE = /^(\d{6,})\.wal$/;

export class WalFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalFullError';
  }
}

export class Wal {
  private readonly list: WalSegment[] = [];
  private current: WalSegment | undefined;
  private fd: number | undefined;
  private nextId = 1;
  private total = 0;
  private syncTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  readonly fsync: FsyncMode;
  readonly maxBytes: number;
  readonly enabled: boolean;
  private readonly segmentBytes: number;
  /** Where appends "go" when the log is disabled. */
  private readonly nowhere: WalSegment = { id: 0, path: '', bytes: 0, rows: 0, unacked: 0, replay: false, attempted: false };

  constructor(
    readonly dir: string,
    opts: WalOptions = {},
  ) {
    this.fsync = opts.fsync ?? 'never';
    this.maxBytes = opts.maxBytes ?? 1024 * 1024 * 1024;
    this.segmentBytes = opts.segmentBytes ?? 8 * 1024 * 1024;
    this.enabled = !opts.disabled;
    if (!this.enabled) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Segments an earlier process left: every one is replayed (its rows are checked against the store first).
    for (const name of readdirSync(dir).sort()) {
      const m = FILE_RE.exec(name);
      if (!m) continue;
      const path = join(dir, name);
      const bytes = statSync(path).size;
      const { records } = Wal.parse(readFileSync(path));
      const rows = records.reduce((n, r) => n + r.rows, 0);
      this.list.push({ id: Number(m[1]), path, bytes, rows, unacked: rows, replay: true, attempted: true });
      this.total += bytes;
      this.nextId = Math.max(this.nextId, Number(m[1]) + 1);
    }
    if (this.fsync === 'interval') {
      this.syncTimer = setInterval(() => this.syncNow(), opts.fsyncIntervalMs ?? 1000);
      this.syncTimer.unref();
    }
  }

  /** Bytes on disk in the log. */
  get bytes(): number {
    return this.total;
  }

  segments(): readonly WalSegment[] {
    return this.list;
  }

  isCurrent(seg: WalSegment): boolean {
    return seg === this.current;
  }

  /** Rows in segments waiting to be replayed. */
  get replayRows(): number {
    let n = 0;
    for (const s of this.list) if (s.replay) n += s.unacked;
    return n;
  }

  /**
   * Append records with one write; returns the segment they went to. Throws WalFullError past the bound, or the
   * file system's error (ENOSPC …) after cutting the partial append off, so the log stays readable.
   */
  append(records: WalRecord[]): WalSegment {
    if (!this.enabled) return this.nowhere;
    const buf = Wal.encode(records);
    if (this.total + buf.length > this.maxBytes) {
      const bound = this.maxBytes >= 1048576 ? `${Math.round(this.maxBytes / 1048576)} MiB` : `${this.maxBytes} bytes`;
      throw new WalFullError(`the write-ahead log in ${this.dir} is full (${bound}, --store-wal-max)`);
    }
    if (this.current && this.current.bytes > 0 && this.current.bytes + buf.length > this.segmentBytes) this.rotate();
    const seg = this.current ?? this.openSegment();
    const fd = this.fd!;
    let done = 0;
    try {
      while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done, null);
    } catch (err) {
      try {
        ftruncateSync(fd, seg.bytes);
      } catch {
        this.rotate(); // cannot cut the torn bytes off: leave them at the end of this segment, where the reader stops
      }
      throw err;
    }
    seg.bytes += buf.length;
    this.total += buf.length;
    const rows = records.reduce((n, r) => n + r.rows, 0);
    seg.rows += rows;
    seg.unacked += rows;
    if (this.fsync === 'always') fdatasyncSync(fd);
    else this.dirty = true;
    return seg;
  }

  private openSegment(): WalSegment {
    const path = join(this.dir, `${String(this.nextId).padStart(6, '0')}.wal`);
    this.fd = openSync(path, 'a', 0o600);
    const seg: WalSegment = { id: this.nextId++, path, bytes: 0, rows: 0, unacked: 0, replay: false, attempted: false };
    this.list.push(seg);
    this.current = seg;
    return seg;
  }

  /** Close the segment being written; the next append opens a new one. */
  rotate(): void {
    if (this.fd !== undefined) {
      // Before the close, and synchronously: an fdatasync still queued would reach a closed (or reused) descriptor.
      if (this.fsync !== 'never' && this.dirty) fdatasyncSync(this.fd);
      this.dirty = false;
      closeSync(this.fd);
    }
    this.fd = undefined;
    const old = this.current;
    this.current = undefined;
    if (old && old.unacked === 0 && !old.replay) this.remove(old);
  }

  /** ClickHouse holds `rows` more rows of this segment. */
  ack(seg: WalSegment, rows: number): void {
    if (seg === this.nowhere) return;
    seg.unacked -= rows;
    if (seg.unacked <= 0 && !seg.replay && seg !== this.current) this.remove(seg);
  }

  /** Every segment with rows not in ClickHouse yet is to be replayed from disk (the memory queue was let go). */
  markUnackedForReplay(): void {
    for (const s of this.list) if (s.unacked > 0) s.replay = true;
  }

  /** The oldest segment to replay that is no longer written to. */
  nextReplay(): WalSegment | undefined {
    return this.list.find((s) => s.replay && s !== this.current);
  }

  /** A segment's records (read in the thread pool: a segment is up to 8 MiB, too much for the relay's thread). */
  async read(seg: WalSegment): Promise<WalReadResult> {
    return Wal.parse(await readFile(seg.path));
  }

  remove(seg: WalSegment): void {
    if (seg === this.current || seg === this.nowhere) return;
    try {
      unlinkSync(seg.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const i = this.list.indexOf(seg);
    if (i >= 0) this.list.splice(i, 1);
    this.total -= seg.bytes;
  }

  /** `interval` mode's flush, in the thread pool. */
  private syncNow(): void {
    if (!this.dirty || this.fd === undefined) return;
    this.dirty = false;
    fdatasync(this.fd, () => undefined);
  }

  close(): void {
    if (this.syncTimer) clearInterval(this.syncTimer);
    if (this.fd !== undefined) {
      if (this.fsync !== 'never' && this.dirty) fdatasyncSync(this.fd);
      closeSync(this.fd);
    }
    this.fd = undefined;
    const cur = this.current;
    this.current = undefined;
    if (cur && cur.unacked === 0 && !cur.replay) this.remove(cur);
  }

  static encode(records: WalRecord[]): Buffer {
    const parts: Buffer[] = [];
    for (const r of records) {
      const table = Buffer.from(r.table, 'latin1');
      const writer = Buffer.from(r.writer, 'latin1');
      const meta = Buffer.allocUnsafe(HEADER + 2 + table.length + writer.length + 12);
      const bodyLen = meta.length - HEADER + r.lines.length;
      let at = HEADER;
      meta[at++] = table.length;
      at += table.copy(meta, at);
      meta[at++] = writer.length;
      at += writer.copy(meta, at);
      meta.writeDoubleLE(r.firstSeq, at);
      meta.writeUInt32LE(r.rows, at + 8);
      const crc = crc32(r.lines, crc32(meta.subarray(HEADER)));
      meta.writeUInt32LE(MAGIC, 0);
      meta.writeUInt32LE(bodyLen, 4);
      meta.writeUInt32LE(crc, 8);
      parts.push(meta, r.lines);
    }
    return Buffer.concat(parts);
  }

  /** Records of a segment's bytes, up to the first one that is cut short or damaged. */
  static parse(buf: Buffer): WalReadResult {
    const records: WalRecord[] = [];
    let at = 0;
    while (at < buf.length) {
      if (buf.length - at < HEADER || buf.readUInt32LE(at) !== MAGIC) break;
      const bodyLen = buf.readUInt32LE(at + 4);
      const crc = buf.readUInt32LE(at + 8);
      const start = at + HEADER;
      if (bodyLen < 14 || start + bodyLen > buf.length) break;
      const body = buf.subarray(start, start + bodyLen);
      if (crc32(body) !== crc) break;
      let p = 0;
      const tLen = body[p++]!;
      const table = body.toString('latin1', p, p + tLen);
      p += tLen;
      const wLen = body[p++]!;
      const writer = body.toString('latin1', p, p + wLen);
      p += wLen;
      const firstSeq = body.readDoubleLE(p);
      const rows = body.readUInt32LE(p + 8);
      records.push({ table, writer, firstSeq, rows, lines: body.subarray(p + 12) });
      at = start + bodyLen;
    }
    return { records, tornBytes: buf.length - at };
  }
}
