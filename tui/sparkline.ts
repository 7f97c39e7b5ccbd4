/**
 * Block-character charts for the terminal: a sparkline of a series and a histogram of values, each cell one of
 * eight heights. Pure functions; the components colour and mark them.
 */
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** One block per value, scaled to the largest (or `max`); null (no data in that slot) is a blank. */
export function sparkline(values: ReadonlyArray<number | null>, max?: number): string {
  const top = max ?? Math.max(0, ...values.filter((v): v is number => v !== null));
  return values
    .map((v) => {
      if (v === null) return ' ';
      if (top <= 0) return BLOCKS[0];
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.ceil((v / top) * BLOCKS.length) - 1))];
    })
    .join('');
}

/** Counts of `values` in `bins` equal bins over [0, hi]; values above hi fall in the last bin. */
export function histogram(values: readonly number[], bins: number, hi: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  if (bins <= 0 || hi <= 0) return counts;
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v / hi) * bins)))]!++;
  return counts;
}

/** A histogram as blocks: an empty bin is a blank, any sample at least the lowest block. */
export function histogramLine(counts: readonly number[]): string {
  const top = Math.max(0, ...counts);
  return counts.map((c) => (c === 0 ? ' ' : BLOCKS[Math.min(BLOCKS.length - 1, Math.ceil((c / top) * BLOCKS.length) - 1)])).join('');
}

export interface Band {
  /** Seconds, as certified; null where the certificate gives none. */
  minS: number | null;
  maxS: number | null;
  declaredMaxS: number | null;
}

/** The x range of a KPI's histogram (ms): the field and the certified maximum; a declared maximum when near. */
export function histogramRange(valuesMs: readonly number[], band: Band | null | undefined): number {
  let hi = Math.max(1, ...valuesMs, (band?.maxS ?? 0) * 1000) * 1.1;
  const decl = band?.declaredMaxS;
  if (decl !== null && decl !== undefined && decl * 1000 <= hi * 2) hi = Math.max(hi, decl * 1000 * 1.02);
  return hi;
}

/** Which bins lie in the certified band [min, max] (or [0, max] when no minimum is certified). */
export function inBand(bins: number, hiMs: number, band: Band | null | undefined): boolean[] {
  const out = new Array<boolean>(bins).fill(false);
  if (!band || band.maxS === null) return out;
  const lo = (band.minS ?? 0) * 1000;
  const up = band.maxS * 1000;
  for (let i = 0; i < bins; i++) {
    const a = (i / bins) * hiMs;
    const b = ((i + 1) / bins) * hiMs;
    out[i] = b > lo && a <= up;
  }
  return out;
}

/**
 * The band under a histogram: `[` at the certified minimum, `]` at the certified maximum, `─` between, `|` at the
 * declared maximum, or `›` at the right edge when it lies beyond the range.
 */
export function bandLine(bins: number, hiMs: number, band: Band | null | undefined): string {
  const chars = new Array<string>(bins).fill(' ');
  if (!band || bins <= 0) return '';
  const at = (s: number): number => Math.min(bins - 1, Math.max(0, Math.floor(((s * 1000) / hiMs) * bins)));
  if (band.maxS !== null) {
    const a = at(band.minS ?? 0);
    const b = at(band.maxS);
    for (let i = a; i <= b; i++) chars[i] = '─';
    chars[a] = '[';
    chars[b] = b === a ? '┃' : ']';
  }
  if (band.declaredMaxS !== null) {
    if (band.declaredMaxS * 1000 <= hiMs) chars[at(band.declaredMaxS)] = '|';
    else chars[bins - 1] = '›';
  }
  return chars.join('').trimEnd();
}
