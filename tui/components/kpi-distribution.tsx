/**
 * A KPI's distribution in the terminal: a block histogram of the last values the stream brought, the bins inside
 * the certified band underlined and cyan, bins above the certified maximum yellow, above the declared maximum red;
 * a line under it marks the band (`[──]`) and the declared maximum (`|`, or `›` beyond the range).
 */
import { Box, Text } from 'ink';
import { ms } from '../format.js';
import type { KpiRow } from '../kpi-view.js';
import { bandLine, histogram, histogramLine, histogramRange, inBand, type Band } from '../sparkline.js';

function binColor(i: number, bins: number, hiMs: number, band: Band | null | undefined): string | undefined {
  if (!band) return undefined;
  const lo = (i / bins) * hiMs;
  if (band.declaredMaxS !== null && lo >= band.declaredMaxS * 1000) return 'red';
  if (band.maxS !== null && lo > band.maxS * 1000) return 'yellow';
  return undefined;
}

/** The histogram as coloured runs (one Text per run keeps the output small). */
function Bars({ values, band, width }: { values: readonly number[]; band: Band | null | undefined; width: number }) {
  const hi = histogramRange(values, band);
  const line = histogramLine(histogram(values, width, hi));
  const inside = inBand(width, hi, band);
  const runs: Array<{ text: string; inside: boolean; color: string | undefined }> = [];
  for (let i = 0; i < width; i++) {
    const color = inside[i] ? 'cyan' : binColor(i, width, hi, band);
    const last = runs[runs.length - 1];
    if (last && last.inside === inside[i] && last.color === color) last.text += line[i] ?? ' ';
    else runs.push({ text: line[i] ?? ' ', inside: inside[i]!, color });
  }
  return (
    <Text>
      {runs.map((r, i) => (
        <Text key={i} color={r.color} underline={r.inside}>
          {r.text}
        </Text>
      ))}
    </Text>
  );
}

/** One cell of the KPI table: the histogram only, `width` columns. */
export function KpiSparkCell({ values, row, width }: { values: readonly number[]; row: KpiRow; width: number }) {
  if (values.length === 0) return <Text>{' '.repeat(width)}</Text>;
  return <Bars values={values} band={row.certified} width={width} />;
}

/** Under the table, for the selected row: the histogram with its range and the certified band in words. */
export function KpiDistributionPanel({ row, values, width }: { row: KpiRow | undefined; values: readonly number[]; width: number }) {
  if (!row) return null;
  const bins = Math.max(10, Math.min(60, width - 24));
  const band = row.certified;
  const head = `${row.identity} · ${row.kpi} · last ${values.length} value${values.length === 1 ? '' : 's'} seen live`;
  if (values.length === 0) {
    return (
      <Box flexDirection="column">
        <Text dimColor wrap="truncate-end">{head}</Text>
        <Text dimColor wrap="truncate-end">  no value seen live yet (the histogram draws what this view receives)</Text>
        <Text> </Text>
      </Box>
    );
  }
  const hi = histogramRange(values, band);
  const s = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : ms(v * 1000));
  // undefined: no profile binds the station (nothing to say); null: its certificate gives no figures for the KPI.
  const words = band
    ? `[${s(band.minS)}–${s(band.maxS)}] certified${band.declaredMaxS !== null ? `, | declared ${s(band.declaredMaxS)}` : ''}`
    : band === null
      ? 'not in the certificate'
      : '';
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">{head}</Text>
      <Text wrap="truncate-end">
        {'0 '}
        <Bars values={values} band={band} width={bins} />
        {` ${ms(hi)}`}
      </Text>
      <Text wrap="truncate-end">
        {'  '}
        <Text color="cyan">{bandLine(bins, hi, band).padEnd(bins)}</Text>
        <Text dimColor>{` ${words}`}</Text>
      </Text>
    </Box>
  );
}
