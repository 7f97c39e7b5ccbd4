/**
 * Step 3 of the importer: tables out of section lines. Reports are published either with tab-separated cells or with
 * cells aligned by runs of spaces; both read into the same {header, rows}.
 *
 * What real reports do, and how it is handled here:
 * - a table split across pages repeats its header: a row equal to the header is skipped, and callers merge tables
 *   by looking rows up by id across all tables of a section;
 * - wrapped cells: a row whose first cell is empty continues the row above it, cell by cell;
 * - empty cells stay '' (a 1.6 DC connector has no phases);
 * - a line with a single non-empty cell ("Core", "Vendor") is a caption, not a table line.
 */

export type CellMode = 'tab' | 'space';

export interface Table {
  header: string[];
  rows: string[][];
}

/** Tab mode when the report uses tabs at all: then double spaces inside prose never split cells. */
export function detectMode(lines: readonly string[]): CellMode {
  return lines.filter((l) => l.includes('\t')).length >= 3 ? 'tab' : 'space';
}

/** Cells of one line, or undefined when the line is prose or a caption. */
export function splitCells(line: string, mode: CellMode): string[] | undefined {
  let cells: string[];
  if (line.includes('\t')) cells = line.split('\t');
  else if (mode === 'space' && /\S {2,}\S/.test(line)) cells = spacedTokens(line).map((t) => t.text);
  else return undefined;
  cells = cells.map((c) => c.trim());
  while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
  return cells.filter((c) => c !== '').length >= 2 ? cells : undefined;
}

/** Runs of text separated by two or more spaces, with the column they start at. */
function spacedTokens(line: string): Array<{ text: string; at: number }> {
  const out: Array<{ text: string; at: number }> = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push({ text: m[0], at: m.index });
  return out;
}

/**
 * A space-aligned row cut at the header's column starts, so an empty cell stays an empty cell
 * (splitting on runs of spaces alone would shift every cell after it one column left).
 */
function alignedCells(line: string, starts: readonly number[]): string[] {
  const cells = starts.map(() => '');
  for (const t of spacedTokens(line)) {
    // The column whose start is nearest at or before the token (tolerating a cell that starts a little early).
    let col = 0;
    for (let i = 0; i < starts.length; i++) if (starts[i]! <= t.at + 1) col = i;
    cells[col] = cells[col] ? `${cells[col]} ${t.text}` : t.text;
  }
  while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
  return cells;
}

export function readTables(lines: readonly string[], mode: CellMode): Table[] {
  const tables: Table[] = [];
  let table: Table | undefined;
  let starts: number[] | undefined;
  for (const line of lines) {
    let cells = splitCells(line, mode);
    // An indented line under a space-aligned table: a wrapped cell of the row above, even with a single token.
    if (!cells && table && starts && /^ {2,}\S/.test(line)) cells = alignedCells(line, starts);
    // Likewise a tab line with an empty first cell: the rest of a wrapped row.
    if (!cells && table && /^\t+\S/.test(line)) cells = line.split('\t').map((c) => c.trim());
    if (!cells) {
      table = undefined;
      continue;
    }
    if (!table) {
      table = { header: cells, rows: [] };
      starts = line.includes('\t') ? undefined : spacedTokens(line).map((t) => t.at);
      tables.push(table);
      continue;
    }
    if (starts && !line.includes('\t')) cells = alignedCells(line, starts);
    if (sameCells(cells, table.header)) continue;
    const last = table.rows[table.rows.length - 1];
    if (cells[0] === '' && last) {
      cells.forEach((c, i) => {
        if (c) last[i] = last[i] ? `${last[i]} ${c}` : c;
      });
      continue;
    }
    table.rows.push(cells);
  }
  return tables;
}

const sameCells = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i]!.toLowerCase());

/** Index of the first header cell matching `re`, or -1. */
export const columnOf = (t: Table, re: RegExp): number => t.header.findIndex((h) => re.test(h));

/** Rows of all tables whose first cell looks like a report id (HFS-8, C-06.1, ORS-11, AQ-7.2, SEC-4, ...). */
export function idRows(tables: readonly Table[], idPattern: RegExp): string[][] {
  return tables.flatMap((t) => [t.header, ...t.rows]).filter((r) => idPattern.test(r[0] ?? ''));
}
