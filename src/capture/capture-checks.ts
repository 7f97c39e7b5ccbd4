/** The fields a capture's session and frame records must have, checked with the position named in each error. */
import type { FrameRecord, SessionRecord } from './capture-record.js';
import { CaptureError } from './capture-error.js';

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
export const SESSION_DEFAULTS = {
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
