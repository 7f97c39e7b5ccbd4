/** Plain text tables and CSV for the commands' output. */

/** Columns aligned by width; numbers (right-aligned) are told by `right`. */
export function textTable(headers: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted. */
export function csv(headers: string[], rows: Array<Array<string | number | boolean | null>>): string {
  const cell = (v: string | number | boolean | null): string => {
    const s = v === null ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Milliseconds with two decimals, '-' for "not measurable". */
export const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(2));

/** µs since the epoch → ISO 8601 UTC with milliseconds. */
export const isoMicros = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();
