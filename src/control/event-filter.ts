/**
 * The filter language shared by the live view's `/` prompt and the control API's stream (`?filter=`).
 * Whitespace-separated terms, all of which must hold; `!` (or `-`) before a term negates it.
 *
 *   station:CP-0*   identity glob          (also s:)
 *   action:Boot*    action glob            (also a:; answers match the action of their CALL)
 *   dir:up|down     to-csms | to-station   (also d:; up = csms, down = station)
 *   kind:call|result|error|resulterror|send|malformed   (also k:; resulterror and send: OCPP 2.1)
 *   rule:ID         a rule glob hit it; rule:* = any rule
 *   is:invalid|modified|dropped|injected|delayed|error   (bare `invalid`, `modified`, ... work too)
 *   version:1.6|2.0.1|2.1                  (also v:)
 *   word            identity or action contains `word` (case-insensitive)
 *
 * Events other than frames (session open/close, notices, KPI samples) are judged on their station only.
 */
import picomatch from 'picomatch';
import type { RelayEvent } from '../core/addon.js';
import type { MessageRecord } from '../core/relay-message.js';

/** The fields of a frame the filter reads: a MessageRecord, or a cheaper view of a frame in flight (intercept). */
export type FilterFields = Pick<MessageRecord, 'action' | 'callAction' | 'direction' | 'dropped' | 'identity' | 'kind' | 'modified' | 'origin' | 'originalAction' | 'ruleDelayMs' | 'ruleIds' | 'valid' | 'version'>;

export interface EventFilter {
  /** The text it was parsed from, trimmed. */
  readonly text: string;
  /** True when the filter lets everything through. */
  readonly empty: boolean;
  matchRecord(record: FilterFields): boolean;
  matchEvent(event: RelayEvent): boolean;
}

export type ParsedFilter = { ok: true; filter: EventFilter } | { ok: false; error: string };

interface Term {
  negate: boolean;
  /** Station terms also judge events that are not frames. */
  station: boolean;
  test(r: FilterFields): boolean;
  testIdentity?(identity: string): boolean;
}

const FLAGS: Record<string, (r: FilterFields) => boolean> = {
  invalid: (r) => !r.valid,
  valid: (r) => r.valid,
  modified: (r) => r.modified,
  dropped: (r) => r.dropped !== undefined,
  injected: (r) => r.origin !== 'wire',
  delayed: (r) => r.ruleDelayMs > 0,
  error: (r) => r.kind === 'CALLERROR' || r.kind === 'CALLRESULTERROR',
  malformed: (r) => r.kind === 'MALFORMED',
};

const KINDS: Record<string, MessageRecord['kind']> = {
  call: 'CALL',
  result: 'CALLRESULT',
  callresult: 'CALLRESULT',
  error: 'CALLERROR',
  callerror: 'CALLERROR',
  resulterror: 'CALLRESULTERROR',
  callresulterror: 'CALLRESULTERROR',
  send: 'SEND',
  malformed: 'MALFORMED',
};

const DIRS: Record<string, MessageRecord['direction']> = {
  up: 'to-csms',
  csms: 'to-csms',
  'to-csms': 'to-csms',
  down: 'to-station',
  station: 'to-station',
  'to-station': 'to-station',
};

const KEYS = 'station, action, dir, kind, rule, is, version';

const glob = (pattern: string): ((s: string) => boolean) => picomatch(pattern, { nocase: true, dot: true });

function parseTerm(raw: string): Term | string {
  let negate = false;
  let text = raw;
  if (text.startsWith('!') || (text.startsWith('-') && text.length > 1)) {
    negate = true;
    text = text.slice(1);
  }
  if (text === '') return `'${raw}' negates nothing`;
  const colon = text.indexOf(':');
  if (colon < 0) {
    const flag = FLAGS[text.toLowerCase()];
    if (flag) return { negate, station: false, test: flag };
    const word = text.toLowerCase();
    const inIdentity = (identity: string): boolean => identity.toLowerCase().includes(word);
    return {
      negate,
      station: false,
      test: (r) => inIdentity(r.identity) || (r.action ?? r.callAction ?? '').toLowerCase().includes(word),
    };
  }
  const key = text.slice(0, colon).toLowerCase();
  const value = text.slice(colon + 1);
  if (value === '') return `'${key}:' needs a value`;
  switch (key) {
    case 'station':
    case 's':
    case 'id': {
      const m = glob(value);
      return { negate, station: true, test: (r) => m(r.identity), testIdentity: m };
    }
    case 'action':
    case 'a': {
      const m = glob(value);
      // Either leg's action: a translated CALL also by the action it came with.
      return { negate, station: false, test: (r) => m(r.action ?? r.callAction ?? '') || (r.originalAction !== undefined && m(r.originalAction)) };
    }
    case 'dir':
    case 'd': {
      const d = DIRS[value.toLowerCase()];
      if (!d) return `dir is up (to-csms) or down (to-station), not '${value}'`;
      return { negate, station: false, test: (r) => r.direction === d };
    }
    case 'kind':
    case 'k':
    case 'type': {
      const k = KINDS[value.toLowerCase()];
      if (!k) return `kind is call, result, error, resulterror, send or malformed, not '${value}'`;
      return { negate, station: false, test: (r) => r.kind === k };
    }
    case 'rule':
    case 'r': {
      const m = glob(value);
      return { negate, station: false, test: (r) => r.ruleIds.some(m) };
    }
    case 'is': {
      const flag = FLAGS[value.toLowerCase()];
      if (!flag) return `is: takes ${Object.keys(FLAGS).join(', ')}, not '${value}'`;
      return { negate, station: false, test: flag };
    }
    case 'version':
    case 'v': {
      if (value !== '1.6' && value !== '2.0.1' && value !== '2.1') return `version is 1.6, 2.0.1 or 2.1, not '${value}'`;
      return { negate, station: false, test: (r) => r.version === value };
    }
    default:
      return `unknown key '${key}:' (use ${KEYS})`;
  }
}

const identityOf = (event: RelayEvent): string | undefined => {
  switch (event.type) {
    case 'session-open':
    case 'session-close':
      return event.session.identity;
    case 'kpi':
      return event.sample.identity;
    case 'notice':
      return event.identity;
    case 'message':
      return event.message.identity;
  }
};

/**
 * Parse filter text. Never throws: a bad term comes back as `{ok: false, error}` in words.
 * @example parseFilter('station:CP* action:Boot* !invalid')
 */
export function parseFilter(text: string): ParsedFilter {
  const trimmed = text.trim();
  const terms: Term[] = [];
  for (const raw of trimmed.split(/\s+/).filter(Boolean)) {
    const term = parseTerm(raw);
    if (typeof term === 'string') return { ok: false, error: term };
    terms.push(term);
  }
  const matchRecord = (r: FilterFields): boolean => terms.every((t) => t.test(r) !== t.negate);
  const filter: EventFilter = {
    text: trimmed,
    empty: terms.length === 0,
    matchRecord,
    matchEvent(event) {
      if (event.type === 'message') return matchRecord(event.message);
      const identity = identityOf(event);
      return terms.every((t) => {
        if (!t.testIdentity) return true;
        if (identity === undefined) return t.negate; // a relay-wide notice has no station
        return t.testIdentity(identity) !== t.negate;
      });
    },
  };
  return { ok: true, filter };
}

/** A filter that lets everything through. */
export const MATCH_ALL: EventFilter = (parseFilter('') as { ok: true; filter: EventFilter }).filter;
