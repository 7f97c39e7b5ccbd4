/**
 * Reads a capture file, JSON lines or HAR, all of it, before anything is written: a bad line or entry stops the
 * import with its position, so nothing is half-imported.
 */
import { CAPTURE_FORMAT, type Capture, type FrameRecord, type SessionRecord } from './capture-record.js';
import { CaptureError } from './capture-error.js';
import { parseHar } from './har.js';

type Check = [field: string, ok: (v: unknown) => boolean, what: string];

const isStr = (v: unknown): boolean => typeof v === 'string';
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): boolean => typeof v === 'boolean';
const numOrNull = (v: unknown): boolean => v === null || isNum(v);
const strArray = (v: unknown): boolean => Array.isArray(v) && v.every(isStr);

const FRAME_CHECKS: Check[] = [
  ['receivedAt', isNum, 'a number (µs)'],
  ['sentAt', numOrNull, 'a number or null'],
  ['session', (v) => isStr(v) && (v as string).length > 0, 'a session id'],
  ['station', (v) => isStr(v) && (v as string).length > 0, 'a station identity'],
  ['direction', (v) => v === 'to-csms' || v === 'to-station', 'to-csms or to-station'],
  ['kind', (v) => ['CALL', 'CALLRESULT', 'CALLERROR', 'MALFORMED'].includes(v as string), 'CALL, CALLRESULT, CALLERROR or MALFORMED'],
  ['messageId', isStr, 'text'],
  ['received', isStr, 'text'],
  ['sent', (v) => v === null || isStr(v), 'text or null'],
];
const FRAME_DEFAULTS = { version: '', origin: 'wire', action: '', valid: true, issues: [], errorCode: '', ruleIds: [], dropped: false, modified: false, latencyMs: null };
const FRAME_OPTIONAL: Check[] = [
  ['version', isStr, 'text'],
  ['origin', isStr, 'text'],
  ['action', isStr, 'text'],
  ['valid', isBool, 'true or false'],
  ['issues', Array.isArray, 'an array'],
  ['errorCode', isStr, 'text'],
  ['ruleIds', strArray, 'an array of text'],
  ['dropped', isBool, 'true or false'],
  ['modified', isBool, 'true or false'],
  ['latencyMs', numOrNull, 'a number or null'],
];

const SESSION_CHECKS: Check[] = [
  ['session', (v) => isStr(v) && (v as string).length > 0, 'a session id'],
  ['station', (v) => isStr(v) && (v as string).length > 0, 'a station identity'],
  ['openedAt', isNum, 'a number (µs)'],
  ['closedAt', numOrNull, 'a number or null'],
];
const SESSION_DEFAULTS = {
  remoteAddress: '',
  offeredProtocols: [],
  stationProtocol: '',
  csmsProtocol: '',
  securityProfile: 0,
  tlsVersion: '',
  tlsCipher: '',
  clientSubject: '',
  closeCode: null,
  closeReason: '',
};

function checked<T>(rec: Record<string, unknown>, where: string, required: Check[], optional: Check[], defaults: object): T {
  for (const [field, ok, what] of required) {
    if (!ok(rec[field])) throw new CaptureError(`${where}: ${field} must be ${what}, got ${JSON.stringify(rec[field])?.slice(0, 60) ?? 'nothing'}`);
  }
  for (const [field, ok, what] of optional) {
    if (rec[field] !== undefined && !ok(rec[field])) throw new CaptureError(`${where}: ${field} must be ${what}`);
  }
  return { ...defaults, ...rec } as T;
}

export const checkFrame = (rec: Record<string, unknown>, where: string): FrameRecord =>
  checked<FrameRecord>(rec, where, FRAME_CHECKS, FRAME_OPTIONAL, FRAME_DEFAULTS);
export const checkSession = (rec: Record<string, unknown>, where: string): SessionRecord =>
  checked<SessionRecord>(rec, where, SESSION_CHECKS, [], SESSION_DEFAULTS);

function parseJsonLines(text: string): Capture {
  const out: Capture = { sessions: [], frames: [] };
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.trim() === '') return;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      const cut = i === lines.length - 1 ? ' (the file looks cut short)' : '';
      throw new CaptureError(`${where}: not JSON${cut}: ${(err as Error).message}`);
    }
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new CaptureError(`${where}: not a JSON object`);
    if (rec.format !== undefined) {
      if (rec.format !== CAPTURE_FORMAT) throw new CaptureError(`${where}: unknown format ${JSON.stringify(rec.format)}`);
      return;
    }
    if (rec.type === 'session') out.sessions.push(checkSession(rec, where));
    else if (rec.type === 'frame') out.frames.push(checkFrame(rec, where));
    else throw new CaptureError(`${where}: type must be "session" or "frame", got ${JSON.stringify(rec.type)}`);
  });
  return out;
}

/** Sessions a frame names that the file has no record of get one made from their frames. */
function completeSessions(c: Capture): Capture {
  const known = new Set(c.sessions.map((s) => s.session));
  for (const f of c.frames) {
    if (known.has(f.session)) continue;
    known.add(f.session);
    c.sessions.push({ type: 'session', ...SESSION_DEFAULTS, session: f.session, station: f.station, openedAt: f.receivedAt, closedAt: null });
  }
  return c;
}

/** JSON lines or HAR, told apart by content. */
export function parseCapture(text: string): Capture {
  const body = text.replace(/^\uFEFF/, '');
  if (/^\s*\{\s*"log"\s*:/.test(body)) {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (err) {
      throw new CaptureError(`HAR file is not valid JSON (cut short?): ${(err as Error).message}`);
    }
    const c = parseHar(doc);
    c.sessions = c.sessions.map((s, i) => checkSession(s as unknown as Record<string, unknown>, `entry ${i + 1}`));
    c.frames = c.frames.map((f) => checkFrame(f as unknown as Record<string, unknown>, `entry of session ${f.session}`));
    return completeSessions(c);
  }
  return completeSessions(parseJsonLines(body));
}
