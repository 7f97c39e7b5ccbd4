/** `when.from` / `when.until`: an ISO date-time, or a duration after the proxy started ("30s", "+5m", "1h30m"). */

export type TimeSpec = { kind: 'absolute'; epochMs: number } | { kind: 'relative'; ms: number };

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^\+?(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Milliseconds of a duration like "1h30m" or "500ms", or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, n, unit] of text.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

export function parseTimeSpec(text: string): TimeSpec | undefined {
  const rel = parseDuration(text);
  if (rel !== undefined) return { kind: 'relative', ms: rel };
  // Only full date-times: Date.parse accepts too much ("1", "May") to be a trustworthy validator on its own.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return undefined;
  const epochMs = Date.parse(text);
  return Number.isNaN(epochMs) ? undefined : { kind: 'absolute', epochMs };
}

/** Epoch ms at which the spec falls for a proxy started at `startedAt` (epoch ms). */
export const resolveTimeSpec = (spec: TimeSpec, startedAt: number): number =>
  spec.kind === 'absolute' ? spec.epochMs : startedAt + spec.ms;
