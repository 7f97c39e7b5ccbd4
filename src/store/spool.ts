/**
 * The disk spool: rows ClickHouse could not take yet, as append-only segment files under `<data>/spool/`, one table
 * and one row format per file (`.tsv` TabSeparated as the store writes them, `.jsonl` JSONEachRow as earlier
 * builds did, still replayed), fsync'd per batch. A segment is capped in size so that replaying it is one
 * INSERT (atomic in ClickHouse): a file is either all in the store or still on disk. Files left by a process that
 * died are replayed by the next one.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RowFormat } from './backend.js';

export interface SpoolFile {
  path: string;
  table: string;
  rows: number;
  format: RowFormat;
}

interface Segment {
  fh: FileHandle;
  path: string;
  bytes: number;
  rows: number;
}

const FILE_RE = /^(\d{13})-(\d{6})-([a-z_]+)\.(tsv|jsonl)$/;
const EXTENSION: Record<RowFormat, string> = { TabSeparated: 'tsv', JSONEachRow: 'jsonl' };
const FORMAT_OF: Record<string, RowFormat> = { tsv: 'TabSeparated', jsonl: 'JSONEachRow' };

const countLines = (buf: Buffer): number => {
  let n = 0;
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++;
  return n;
};

export class Spool {
  /** Rows on disk (or being written) that are not in the store yet. */
  rows = 0;
  /** Rows ClickHouse refused (bad data), kept under rejected/ for a human to look at. */
  rejectedRows = 0;
  private readonly open = new Map<string, Segment>();
  private readonly rowsByFile = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();
  private counter = 0;

  constructor(
    readonly dir: string,
    private readonly maxSegmentBytes = 8 * 1024 * 1024,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Files left by an earlier run: count their rows so the counters tell the truth from the start.
    for (const name of readdirSync(dir)) {
      if (!FILE_RE.test(name)) continue;
      const path = join(dir, name);
      const rows = statSync(path).size > 0 ? countLines(readFileSync(path)) : 0;
      this.rowsByFile.set(path, rows);
      this.rows += rows;
    }
  }

  /** Serialise file operations: appends, sealing and removal never interleave. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Append rows (one a line, each ending in '\n') of one table, durably. */
  append(table: string, lines: Buffer, rows: number, format: RowFormat): Promise<void> {
    this.rows += rows;
    const key = `${table}.${EXTENSION[format]}`;
    return this.run(async () => {
      try {
        let seg = this.open.get(key);
        if (seg && seg.bytes > 0 && seg.bytes + lines.length > this.maxSegmentBytes) {
          await this.closeSegment(key, seg);
          seg = undefined;
        }
        if (!seg) {
          const path = join(this.dir, this.fileName(key));
          seg = { fh: await open(path, 'a', 0o600), path, bytes: 0, rows: 0 };
          this.open.set(key, seg);
          this.rowsByFile.set(path, 0);
        }
        await seg.fh.write(lines);
        await seg.fh.datasync();
        seg.bytes += lines.length;
        seg.rows += rows;
        this.rowsByFile.set(seg.path, seg.rows);
      } catch (err) {
        this.rows -= rows;
        throw err;
      }
    });
  }

  /** `<ms>-<n>-<table>.<ext>`: names sort oldest first, which is the order they are replayed in. */
  private fileName(tableAndExtension: string): string {
    return `${Date.now()}-${String(this.counter++ % 1e6).padStart(6, '0')}-${tableAndExtension}`;
  }

  private async closeSegment(key: string, seg: Segment): Promise<void> {
    this.open.delete(key);
    await seg.fh.close();
  }

  /** Close the segments being written: what was appended so far becomes replayable. */
  seal(): Promise<void> {
    return this.run(async () => {
      for (const [key, seg] of [...this.open]) await this.closeSegment(key, seg);
    });
  }

  /** Sealed files, oldest first. */
  sealedFiles(): SpoolFile[] {
    const writing = new Set([...this.open.values()].map((s) => s.path));
    const out: SpoolFile[] = [];
    for (const [path, rows] of this.rowsByFile) {
      if (writing.has(path)) continue;
      const m = FILE_RE.exec(basename(path));
      if (m) out.push({ path, table: m[3]!, rows, format: FORMAT_OF[m[4]!]! });
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  read(file: SpoolFile): Promise<Buffer> {
    return readFile(file.path);
  }

  /** The file is in the store now. */
  remove(file: SpoolFile): Promise<void> {
    return this.run(async () => {
      await unlink(file.path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      this.rowsByFile.delete(file.path);
      this.rows -= file.rows;
    });
  }

  /** ClickHouse refuses this file's rows: move it aside so it does not block the rest. */
  reject(file: SpoolFile): Promise<string> {
    return this.run(async () => {
      const dir = join(this.dir, 'rejected');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const to = join(dir, basename(file.path));
      await rename(file.path, to);
      this.rowsByFile.delete(file.path);
      this.rows -= file.rows;
      this.rejectedRows += file.rows;
      return to;
    });
  }

  /** Rows refused straight from memory go to rejected/ too, so nothing is silently lost. */
  writeRejected(table: string, lines: Buffer, rows: number, format: RowFormat): Promise<string> {
    return this.run(async () => {
      const dir = join(this.dir, 'rejected');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const path = join(dir, this.fileName(`${table}.${EXTENSION[format]}`));
      const fh = await open(path, 'a', 0o600);
      try {
        await fh.write(lines);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      this.rejectedRows += rows;
      return path;
    });
  }

  async close(): Promise<void> {
    await this.seal();
  }
}
