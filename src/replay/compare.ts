/**
 * How a live answer differs from the recorded one: CALLERROR instead of CALLRESULT (or back), another error code,
 * fields missing, added or changed, and whether the live answer meets its schema. Values that differ by nature are
 * not differences: date-times (both present, both date-times) and identifiers the peer hands out (same type).
 */
import type { CallErrorFrame, CallResultFrame, OcppVersion } from '../core/types.js';
import { checkFrame, sharedValidator } from '../validation/index.js';

export interface Difference {
  /** JSON Pointer into the payload, '' for the answer as a whole. */
  path: string;
  what: 'no-answer' | 'error-instead' | 'result-instead' | 'error-code' | 'missing' | 'added' | 'changed' | 'schema';
  recorded?: unknown;
  live?: unknown;
  message?: string;
}

type Answer = CallResultFrame | CallErrorFrame;

const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/;
const IS_ID = /(^id|Id)$/;
const pointer = (path: string, key: string | number): string => `${path}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

function diffValues(rec: unknown, live: unknown, path: string, key: string, out: Difference[]): void {
  if (typeof rec === 'string' && typeof live === 'string' && DATE_TIME.test(rec) && DATE_TIME.test(live)) return;
  if (IS_ID.test(key) && (typeof rec === 'string' || typeof rec === 'number') && typeof live === typeof rec) return;
  if (Array.isArray(rec) && Array.isArray(live)) {
    const n = Math.max(rec.length, live.length);
    for (let i = 0; i < n; i++) {
      if (i >= live.length) out.push({ path: pointer(path, i), what: 'missing', recorded: rec[i] });
      else if (i >= rec.length) out.push({ path: pointer(path, i), what: 'added', live: live[i] });
      else diffValues(rec[i], live[i], pointer(path, i), key, out);
    }
    return;
  }
  if (isObject(rec) && isObject(live)) {
    for (const [k, v] of Object.entries(rec)) {
      if (!(k in live)) out.push({ path: pointer(path, k), what: 'missing', recorded: v });
      else diffValues(v, live[k], pointer(path, k), k, out);
    }
    for (const [k, v] of Object.entries(live)) if (!(k in rec)) out.push({ path: pointer(path, k), what: 'added', live: v });
    return;
  }
  if (JSON.stringify(rec) !== JSON.stringify(live)) out.push({ path, what: 'changed', recorded: rec, live });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Differences of `live` from `recorded`; `version` and `action` to check the live answer's schema. */
export function compareAnswers(recorded: Answer | undefined, live: Answer | undefined, version: OcppVersion | undefined, action: string): Difference[] {
  if (!live) return [{ path: '', what: 'no-answer', message: 'no answer within the timeout' }];
  const out: Difference[] = [];
  if (version) {
    const v = checkFrame(sharedValidator(), version, live, action);
    for (const issue of v.issues) out.push({ path: issue.path, what: 'schema', message: issue.message });
  }
  if (!recorded) return out;
  if (recorded.type === 3 && live.type === 4) {
    out.push({ path: '', what: 'error-instead', recorded: 'CALLRESULT', live: `CALLERROR ${live.code}`, message: live.description });
  } else if (recorded.type === 4 && live.type === 3) {
    out.push({ path: '', what: 'result-instead', recorded: `CALLERROR ${recorded.code}`, live: 'CALLRESULT' });
  } else if (recorded.type === 4 && live.type === 4) {
    if (recorded.code !== live.code) out.push({ path: '', what: 'error-code', recorded: recorded.code, live: live.code });
  } else if (recorded.type === 3 && live.type === 3) {
    diffValues(recorded.payload, live.payload, '', '', out);
  }
  return out;
}
