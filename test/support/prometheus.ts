/** Scrape a /metrics endpoint and read it with a real Prometheus text parser (parse-prometheus-text-format). */
import { createRequire } from 'node:module';

export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Array<{ value?: string; count?: string; sum?: string; buckets?: Record<string, string>; labels?: Record<string, string> }>;
}

// The package ships CommonJS without types.
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => MetricFamily[];

export async function scrape(url: string): Promise<MetricFamily[]> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return parse(await res.text());
}

/** Sum of the samples of `name` whose labels include `labels` (0 when none). */
export function sampleSum(families: MetricFamily[], name: string, labels: Record<string, string> = {}): number {
  const f = families.find((m) => m.name === name);
  if (!f) return 0;
  let sum = 0;
  for (const m of f.metrics) {
    if (!Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) continue;
    sum += Number(m.value ?? m.count ?? 0);
  }
  return sum;
}

/**
 * Observations of a histogram whose series carry `labels`, from the `_count` samples of the exposition text.
 * parse-prometheus-text-format folds every series of a histogram into one (it keeps no labels for histograms),
 * so for labelled histograms the `_count` lines are read directly: `name_count{a="x",b="y"} 12`.
 */
export function histogramCount(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_count`)) continue;
    const m = /^[^{\s]+(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const have = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[2]);
  }
  return sum;
}
