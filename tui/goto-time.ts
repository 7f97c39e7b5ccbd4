/**
 * `:goto TIME`: HH:MM[:SS[.mmm]] in local time on the day of the newest frame in view (what the traffic's time
 * column shows), or an ISO date-time. Returns µs since the epoch, or an error in words.
 */
export function parseGotoTime(text: string, newestMicros: number | undefined): { ok: true; micros: number } | { ok: false; error: string } {
  const t = text.trim();
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/.exec(t);
  if (m) {
    const day = new Date(newestMicros !== undefined ? Math.floor(newestMicros / 1000) : Date.now());
    const [h, min, s, frac] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), m[4] ?? '0'];
    if (h > 23 || min > 59 || s > 59) return { ok: false, error: `"${t}" is not a time of day` };
    day.setHours(h, min, s, Number(frac.padEnd(3, '0')));
    return { ok: true, micros: day.getTime() * 1000 };
  }
  const ms = Date.parse(t);
  if (/^\d{4}-\d{2}-\d{2}/.test(t) && Number.isFinite(ms)) return { ok: true, micros: ms * 1000 };
  return { ok: false, error: `"${t}" is neither HH:MM[:SS[.mmm]] nor an ISO date-time` };
}
