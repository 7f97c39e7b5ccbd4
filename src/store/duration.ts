/** `--since 15m|2h|7d` and friends. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A duration like 90s, 15m, 2h, 7d, 1w (or 1h30m) in milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const t = text.trim();
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    end = re.lastIndex;
  }
  if (!t || end !== t.length) throw new Error(`not a duration: "${text}" (use e.g. 30s, 15m, 2h, 7d)`);
  return total;
}

/** A point in time for --since/--until: a duration ago, or an ISO 8601 date; µs since the epoch. */
export function parseTimeMicros(text: string, nowMs = Date.now()): number {
  if (/^\d/.test(text) && !/[-:T]/.test(text)) return Math.round((nowMs - parseDuration(text)) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new Error(`not a duration or a date: "${text}" (use e.g. 15m, 2h, 7d, or 2026-01-31T12:00:00Z)`);
  return at * 1000;
}
