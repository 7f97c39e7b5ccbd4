/**
 * Rows → ClickHouse TabSeparated lines, written straight into one reused buffer.
 *
 * Why not JSONEachRow: a frame row as JSON is a new string of about 700 bytes, with the payload escaped a second
 * time (every `"` of the OCPP text), built on the relay's thread for every frame; and ClickHouse has to match every
 * key of every row when it parses it. In TabSeparated a string needs escaping only for tab, newline, carriage
 * return, NUL and backslash, which OCPP text almost never holds: it is encoded as UTF-8 into the buffer as it is,
 * with no copy on the JS heap. Integers are written digit by digit for the same reason. The line is 2–3 times smaller
 * and cheaper for ClickHouse to parse, which matters as much: ClickHouse runs on the same cores as the relay.
 *
 * Escaping follows ClickHouse's TabSeparated rules: `\t \n \r \0 \\` inside strings; array elements are quoted with
 * `'` (escaped as `\'`), e.g. `['a','it\'s']`.
 */
import type { Row } from './rows.js';

export type ColumnKind = 'int' | 'float' | 'string' | 'strings';

/** The encoding of each ClickHouse column type the store uses. */
export function columnKind(type: string): ColumnKind {
  if (/^U?Int\d+$/.test(type)) return 'int';
  if (/^Float\d+$/.test(type)) return 'float';
  if (type === 'Array(String)') return 'strings';
  if (type === 'String' || type === 'LowCardinality(String)' || type === 'LC') return 'string';
  throw new Error(`TabSeparated encoding: no rule for column type ${type}`);
}

export interface EncodedTable {
  columns: readonly string[];
  kinds: readonly ColumnKind[];
  /** Writes a row's fields, tab-separated, by `this` (a TsvEncoder): made for the table's columns (see lineWriter). */
  write: (this: TsvEncoder, row: Row) => void;
}

const NEEDS_ESCAPE = /[\t\n\r\0\\]/;
const NEEDS_ESCAPE_IN_ARRAY = /[\t\n\r\0\\']/;
const ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\\': '\\\\', "'": "\\'" };
const escapeTsv = (s: string): string => s.replace(/[\t\n\r\0\\]/g, (c) => ESCAPES[c]!);
const escapeInArray = (s: string): string => s.replace(/[\t\n\r\0\\']/g, (c) => ESCAPES[c]!);

/**
 * A table's row writer, made once per table: reading each column by its own name (`row.store_seq`) rather than
 * by a name from a list (`row[columns[i]]`) lets V8 load the fields as it loads any object's, the costliest part of
 * encoding a row otherwise. The names are the schema's own column names.
 */
function lineWriter(columns: readonly string[], kinds: readonly ColumnKind[]): (this: TsvEncoder, row: Row) => void {
  const method: Record<ColumnKind, string> = { int: 'intField', float: 'floatField', string: 'stringField', strings: 'stringsField' };
  const body = columns.map((c, i) => `${i > 0 ? 'this.tab();' : ''}this.${method[kinds[i]!]}(row[${JSON.stringify(c)}]);`).join('\n');
  return new Function('row', body) as (this: TsvEncoder, row: Row) => void;
}

const TAB = 0x09;
const NEWLINE = 0x0a;

/** Strings up to this many characters are written in JS; longer ones by Buffer.write. */
const SHORT = 96;
/** For each byte up to '\\' that TabSeparated escapes, the character after the backslash (0: written as it is). */
const ESCAPE_BYTE = new Uint8Array(0x5d);
ESCAPE_BYTE[0x09] = 0x74; // \t
ESCAPE_BYTE[0x0a] = 0x6e; // \n
ESCAPE_BYTE[0x0d] = 0x72; // \r
ESCAPE_BYTE[0x00] = 0x30; // \0
ESCAPE_BYTE[0x5c] = 0x5c; // \\

/** '00' … '99' as byte pairs. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 0x30 + Math.floor(i / 10);
  PAIRS[2 * i + 1] = 0x30 + (i % 10);
}

/** Digits of 0 ≤ n < 2^31 at `at`, two at a time; returns the position after them. */
function writeDigits(out: Buffer, at: number, n: number): number {
  const digits = n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  const end = at + digits;
  let i = end;
  while (n >= 100) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) << 1;
    out[--i] = PAIRS[r + 1]!;
    out[--i] = PAIRS[r]!;
    n = q;
  }
  if (n >= 10) {
    out[--i] = PAIRS[2 * n + 1]!;
    out[--i] = PAIRS[2 * n]!;
  } else out[--i] = 0x30 + n;
  return end;
}

/** Exactly eight digits (leading zeros) of 0 ≤ n < 1e8 at `at`. */
function writeEight(out: Buffer, at: number, n: number): void {
  for (let i = at + 8; i > at; ) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) << 1;
    out[--i] = PAIRS[r + 1]!;
    out[--i] = PAIRS[r]!;
    n = q;
  }
}

export class TsvEncoder {
  /** The last encoded line (bytes 0 … the length `encode` returned), valid until the next call. */
  out: Buffer = Buffer.allocUnsafeSlow(64 * 1024);
  private at = 0;
  private readonly tables: Map<string, EncodedTable>;

  constructor(tables: ReadonlyArray<{ name: string; columns: ReadonlyArray<readonly [string, string]> }>) {
    this.tables = new Map(
      tables.map((t) => {
        const columns = t.columns.map(([n]) => n);
        const kinds = t.columns.map(([, type]) => columnKind(type));
        return [t.name, { columns, kinds, write: lineWriter(columns, kinds) }];
      }),
    );
  }

  /** The column list an INSERT of this table's lines names, in line order. */
  columns(table: string): readonly string[] {
    return this.table(table).columns;
  }

  /** Encode one row as a line ending in '\n' into `out`; returns its length in bytes. A missing value is its type's zero. */
  encode(table: string, row: Row): number {
    const { write } = this.table(table);
    this.at = 0;
    write.call(this, row);
    this.byte(NEWLINE);
    return this.at;
  }

  /** A field of each kind (called by the tables' line writers). */
  protected intField(v: unknown): void {
    this.integer(typeof v === 'number' ? v : Number(v ?? 0));
  }

  protected floatField(v: unknown): void {
    this.float(typeof v === 'number' ? v : Number(v ?? 0));
  }

  protected stringField(v: unknown): void {
    this.string(v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v));
  }

  protected stringsField(v: unknown): void {
    this.strings(Array.isArray(v) ? (v as unknown[]) : []);
  }

  protected tab(): void {
    this.byte(TAB);
  }

  private table(name: string): EncodedTable {
    const t = this.tables.get(name);
    if (!t) throw new Error(`TabSeparated encoding: unknown table ${name}`);
    return t;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.out.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.out.length * 2, this.at + bytes));
    this.out.copy(bigger, 0, 0, this.at);
    this.out = bigger;
  }

  private byte(b: number): void {
    this.room(1);
    this.out[this.at++] = b;
  }

  /** Decimal digits, without making a string: integers up to 2^53 (µs timestamps are about 2^51). */
  private integer(n: number): void {
    if (!Number.isSafeInteger(n)) {
      this.ascii(Number.isFinite(n) ? String(Math.trunc(n)) : '0');
      return;
    }
    this.room(17);
    if (n < 0) {
      this.out[this.at++] = 0x2d; // '-'
      n = -n;
    }
    if (n < 0x80000000) {
      this.at = writeDigits(this.out, this.at, n);
      return;
    }
    // Past 31 bits: the digits above the last eight, then those eight (in int arithmetic, which is cheaper).
    const high = Math.floor(n / 1e8);
    this.at = writeDigits(this.out, this.at, high);
    writeEight(this.out, this.at, n - high * 1e8);
    this.at += 8;
  }

  private float(n: number): void {
    if (Number.isSafeInteger(n)) this.integer(n);
    else this.ascii(Number.isFinite(n) ? String(n) : '0');
  }

  /** A number's text (digits, '.', '-', 'e', '+'): a few bytes, cheaper in JS than a call into Buffer.write. */
  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.out[this.at++] = s.charCodeAt(i);
  }

  private string(s: string): void {
    const length = s.length;
    if (length === 0) return;
    if (length <= SHORT) {
      // Short strings (ids, names, flags' words) byte by byte in JS: cheaper than a call into Buffer.write.
      this.room(length * 2);
      const out = this.out;
      let at = this.at;
      for (let i = 0; i < length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) return this.longString(s); // not ASCII: UTF-8 by Buffer.write, from the start
        const escaped = c < 0x5d ? ESCAPE_BYTE[c]! : 0;
        if (escaped !== 0) {
          out[at++] = 0x5c; // '\'
          out[at++] = escaped;
        } else out[at++] = c;
      }
      this.at = at;
      return;
    }
    this.longString(s);
  }

  private longString(s: string): void {
    if (NEEDS_ESCAPE.test(s)) s = escapeTsv(s);
    this.room(s.length * 3);
    this.at += this.out.write(s, this.at, 'utf8');
  }

  private strings(list: unknown[]): void {
    this.byte(0x5b); // '['
    for (let i = 0; i < list.length; i++) {
      if (i > 0) this.byte(0x2c); // ','
      let s = String(list[i]);
      if (NEEDS_ESCAPE_IN_ARRAY.test(s)) s = escapeInArray(s);
      this.byte(0x27); // "'"
      this.room(s.length * 3);
      this.at += this.out.write(s, this.at, 'utf8');
      this.byte(0x27);
    }
    this.byte(0x5d); // ']'
  }
}
