/**
 * What is left of the disk spool of earlier versions, now that the write-ahead log (wal.ts) keeps every row: their
 * files under `<data>/spool/` (`<ms>-<n>-<table>.tsv` TabSeparated, `.jsonl` JSONEachRow from before that) are
 * found at start and replayed once, one INSERT per file, then removed. Rows ClickHouse refuses as bad data are kept
 * under `spool/rejected/` for a human to look at.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { RowFormat } from './backend.js';

export interface SpoolFile {
  path: string;
  table: string;
  rows: number;
  format: RowFormat;
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
  /** Rows in files earlier versions left, not in the store yet. */
  rows = 0;
  /** Rows ClickHouse refused (bad data), kept under rejected/ for a human to look at. */
  rejectedRows = 0;
  private readonly files = new Map<string, SpoolFile>();
  private counter = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const name of readdirSync(dir)) {
      const m = FILE_RE.exec(name);
      if (!m) continue;
      const path = join(dir, name);
      const rows = statSync(path).size > 0 ? countLines(readFileSync(path)) : 0;
      this.files.set(path, { path, table: m[3]!, rows, format: FORMAT_OF[m[4]!]! });
      this.rows += rows;
    }
  }

  /** The files still to replay, oldest first (their names sort so). */
  pending(): SpoolFile[] {
    return [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  read(file: SpoolFile): Promise<Buffer> {
    return readFile(file.path);
  }

  /** The file is in the store now. */
  async remove(file: SpoolFile): Promise<void> {
    await unlink(file.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.forget(file);
  }

  /** ClickHouse refuses this file's rows: move it aside so it does not block the rest. */
  async reject(file: SpoolFile): Promise<string> {
    const dir = join(this.dir, 'rejected');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const to = join(dir, basename(file.path));
    await rename(file.path, to);
    this.forget(file);
    this.rejectedRows += file.rows;
    return to;
  }

  private forget(file: SpoolFile): void {
    if (this.files.delete(file.path)) this.rows -= file.rows;
  }

  /** Rows refused straight from memory or the log go to rejected/ too, so nothing is silently lost. */
  async writeRejected(table: string, lines: Buffer, rows: number, format: RowFormat): Promise<string> {
    const dir = join(this.dir, 'rejected');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${Date.now()}-${String(this.counter++ % 1e6).padStart(6, '0')}-${table}.${EXTENSION[format]}`);
    const fh = await open(path, 'a', 0o600);
    try {
      await fh.write(lines);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    this.rejectedRows += rows;
    return path;
  }
}
