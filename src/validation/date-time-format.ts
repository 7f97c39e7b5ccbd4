/**
 * The JSON Schema `date-time` format (RFC 3339 §5.6, time zone required), with exactly the verdicts of
 * ajv-formats' full mode, but without allocating: ajv-formats splits the string and runs two capturing regexes,
 * three or more short-lived objects for every timestamp in every frame, a measurable share of what the relay's
 * young-generation collections had to sweep. Here one non-capturing test checks the shape and the numbers are
 * read from char codes. test/validation/date-time-format.test.ts holds it to ajv-formats' answers.
 */
const SHAPE = /^\d{4}-\d\d-\d\d[Tt\s]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d(?::?\d\d)?)$/;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
/** The number written by the `n` ASCII digits at `at`. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) v = v * 10 + s.charCodeAt(i) - 48;
  return v;
}

export function isDateTime(s: string): boolean {
  if (!SHAPE.test(s)) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!)) return false;
  const hr = digits(s, 11, 2);
  const min = digits(s, 14, 2);
  const sec = digits(s, 17, 2); // whole seconds: a fraction never moves them across 60 or 61
  let at = 19;
  if (s.charCodeAt(at) === 46 /* . */) while (++at < s.length && s.charCodeAt(at) >= 48 && s.charCodeAt(at) <= 57);
  let tzSign = 1;
  let tzH = 0;
  let tzM = 0;
  const zone = s.charCodeAt(at);
  if (zone === 43 /* + */ || zone === 45 /* - */) {
    tzSign = zone === 45 ? -1 : 1;
    tzH = digits(s, at + 1, 2);
    const rest = s.length - (at + 3);
    if (rest > 0) tzM = digits(s, s.length - 2, 2); // "+hh:mm" or "+hhmm"
  }
  if (tzH > 23 || tzM > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  // A leap second is 23:59:60 in UTC.
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}
