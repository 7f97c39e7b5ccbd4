/** `match:` compiled to one predicate over a frame in flight. Malformed frames never match. */
import { isDeepStrictEqual } from 'node:util';
import picomatch from 'picomatch';
import type { Session } from '../core/addon.js';
import type { RelayMessage } from '../core/relay-message.js';
import type { OcppFrame } from '../core/types.js';
import { kindOf } from '../core/types.js';
import { getAt } from './json-pointer.js';
import type { Predicate, RuleMatch, Scalar } from './rule-definition.js';
import { pointerSegments } from './json-pointer.js';

export type FrameMatcher = (msg: RelayMessage, session: Session) => boolean;

/** What `where`, `set`, `delete` and `rename` act on: the payload, or a CALLERROR's (CALLRESULTERROR's) details. */
export const payloadOf = (frame: OcppFrame): unknown => (frame.type === 4 || frame.type === 5 ? frame.details : frame.payload);

const globs = (v: string | string[] | undefined): ((s: string) => boolean) | undefined =>
  v === undefined ? undefined : picomatch(v);

/** OCPP 1.6 carries meter values as strings ("1234.5"): numeric tests read those too. */
function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function compilePredicate(p: Predicate | Scalar): (found: boolean, value: unknown) => boolean {
  if (p === null || typeof p !== 'object') return (found, v) => found && v === p;
  const tests: Array<(found: boolean, value: unknown) => boolean> = [];
  if ('equals' in p) tests.push((f, v) => f && isDeepStrictEqual(v, p.equals));
  if (p.regex !== undefined) {
    const re = new RegExp(p.regex);
    tests.push((f, v) => f && (typeof v === 'string' || typeof v === 'number') && re.test(String(v)));
  }
  if (p.exists !== undefined) tests.push((f) => f === p.exists);
  const cmp = (bound: number | undefined, ok: (n: number, b: number) => boolean): void => {
    if (bound === undefined) return;
    tests.push((f, v) => {
      const n = f ? asNumber(v) : undefined;
      return n !== undefined && ok(n, bound);
    });
  };
  cmp(p.lt, (n, b) => n < b);
  cmp(p.lte, (n, b) => n <= b);
  cmp(p.gt, (n, b) => n > b);
  cmp(p.gte, (n, b) => n >= b);
  return (found, value) => tests.every((t) => t(found, value));
}

export function compileMatch(m: RuleMatch = {}): FrameMatcher {
  const action = globs(m.action);
  const station = globs(m.station);
  const where = Object.entries(m.where ?? {}).map(([ptr, p]) => ({ segs: pointerSegments(ptr), test: compilePredicate(p) }));
  return (msg, session) => {
    const frame = msg.frame;
    if (!frame) return false;
    if (m.direction && m.direction !== 'both' && m.direction !== msg.direction) return false;
    if (m.type && kindOf(frame.type) !== m.type) return false;
    if (action && (msg.action === undefined || !action(msg.action))) return false;
    if (station && !station(session.identity)) return false;
    if (m.version && (msg.senderVersion ?? msg.receiverVersion) !== m.version) return false;
    if (where.length === 0) return true;
    const payload = payloadOf(frame);
    return where.every(({ segs, test }) => {
      const { found, value } = getAt(payload, segs);
      return test(found, value);
    });
  };
}
