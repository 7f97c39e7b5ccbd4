/**
 * Counts over the frames in view (the filtered buffer): per action (CALLs, answers, errors, slowest answer) and
 * per error code (CALLERROR/CALLRESULTERROR codes as sent, schema violations by their code). Wireshark's
 * "Statistics" for OCPP: where the errors are, at a glance.
 */
import type { MessageRecord } from '../src/core/relay-message.js';

export interface ActionCount {
  action: string;
  calls: number;
  results: number;
  errors: number;
  /** Slowest answer (ms), when any was timed. */
  maxLatencyMs: number | undefined;
}

export interface ErrorCount {
  code: string;
  /** 'callerror': a CALLERROR/CALLRESULTERROR sent with this code; 'schema': frames that break the schema. */
  source: 'callerror' | 'schema';
  count: number;
}

export interface TrafficSummary {
  frames: number;
  actions: ActionCount[];
  errors: ErrorCount[];
}

/** The errorCode of a CALLERROR ([4, id, code, ...]) or CALLRESULTERROR ([5, id, code, ...]) as sent. */
function sentErrorCode(r: MessageRecord): string {
  try {
    const frame = JSON.parse(r.text) as unknown[];
    return typeof frame[2] === 'string' ? frame[2] : '?';
  } catch {
    return '?';
  }
}

export function summarize(records: Iterable<MessageRecord>): TrafficSummary {
  const actions = new Map<string, ActionCount>();
  const errors = new Map<string, ErrorCount>();
  const bump = (code: string, source: ErrorCount['source']): void => {
    const key = `${source}:${code}`;
    const e = errors.get(key) ?? errors.set(key, { code, source, count: 0 }).get(key)!;
    e.count++;
  };
  let frames = 0;
  for (const r of records) {
    frames++;
    const name = r.action ?? r.callAction ?? '(unknown)';
    const a = actions.get(name) ?? actions.set(name, { action: name, calls: 0, results: 0, errors: 0, maxLatencyMs: undefined }).get(name)!;
    if (r.kind === 'CALL' || r.kind === 'SEND') a.calls++;
    else if (r.kind === 'CALLRESULT') a.results++;
    else if (r.kind === 'CALLERROR' || r.kind === 'CALLRESULTERROR') {
      a.errors++;
      bump(sentErrorCode(r), 'callerror');
    }
    if (r.latencyMs !== undefined) a.maxLatencyMs = Math.max(a.maxLatencyMs ?? 0, r.latencyMs);
    if (!r.valid && r.kind !== 'MALFORMED') bump(r.errorCode ?? r.issues[0]?.rule ?? 'invalid', 'schema');
    if (r.kind === 'MALFORMED') bump(r.malformed?.reason ?? 'malformed', 'schema');
  }
  return {
    frames,
    actions: [...actions.values()].sort((x, y) => y.calls + y.results + y.errors - (x.calls + x.results + x.errors) || x.action.localeCompare(y.action)),
    errors: [...errors.values()].sort((x, y) => y.count - x.count || x.code.localeCompare(y.code)),
  };
}
