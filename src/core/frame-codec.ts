/**
 * OCPP-J framing (OCPP-J 1.6 §4, OCPP 2.0.1 part 4 §4, OCPP 2.1 part 4): text → CALL / CALLRESULT / CALLERROR,
 * and on an OCPP 2.1 connection CALLRESULTERROR (5) and SEND (6); and back.
 * Decoding never throws: what is not OCPP-J comes back as MalformedInfo saying why.
 */
import { speaksTypes5And6, type CallErrorFrame, type MalformedInfo, type OcppFrame, type OcppVersion } from './types.js';

export type Decoded = { frame: OcppFrame; malformed?: undefined } | { frame?: undefined; malformed: MalformedInfo };

const MAX_ID_LENGTH = 36;

/**
 * Deepest nesting of arrays and objects a frame may have (the OCPP-J array counts as one level). OCPP's own
 * payloads nest about a dozen levels; a hostile frame nested 100,000 deep parses, but then overflows the stack of
 * every recursive reader after it (schema validation, JSON.stringify). It is refused before it is parsed.
 */
export const DEFAULT_MAX_DEPTH = 64;

/** Whether `text` nests arrays/objects deeper than `max`, read in one pass without parsing (strings skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  // Each level takes two characters: a shorter text cannot be deeper (and unbalanced text fails to parse anyway).
  if (text.length <= 2 * max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) return true;
    } else if (c === 93 || c === 125) depth--;
  }
  return false;
}

/** Best effort to read the message id of a frame that failed to parse, so the error can carry it. */
export function sniffMessageId(text: string): string {
  const m = /^\s*\[\s*\d+\s*,\s*"((?:[^"\\]|\\.){1,36})"/.exec(text);
  return m?.[1] ?? '-1';
}

/** The action of what looks like a CALL (`[2, "id", "Action"` at the start), even when the rest is broken. */
export function sniffAction(text: string): string | undefined {
  return /^\s*\[\s*2\s*,\s*"(?:[^"\\]|\\.){0,36}"\s*,\s*"([A-Za-z][A-Za-z0-9]{0,63})"/.exec(text)?.[1];
}

/**
 * `version` is the sender's: types 5 and 6 are OCPP-J only on a 2.1 connection, elsewhere an unknown type.
 * @param maxDepth deepest nesting accepted (--max-depth); deeper frames come back malformed as 'too-deep'.
 */
export function decodeFrame(text: string, version?: OcppVersion, maxDepth = DEFAULT_MAX_DEPTH): Decoded {
  const decoded = decodeText(text, version, maxDepth);
  if (decoded.malformed) {
    const action = sniffAction(text);
    if (action) decoded.malformed.action = action;
  }
  return decoded;
}

function decodeText(text: string, version: OcppVersion | undefined, maxDepth: number): Decoded {
  if (nestsDeeperThan(text, maxDepth)) {
    return bad('too-deep', `nests arrays/objects deeper than ${maxDepth} levels (--max-depth)`, sniffMessageId(text), sniffMessageType(text));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return bad('not-json', `not JSON: ${(err as Error).message}`, sniffMessageId(text));
  }
  if (!Array.isArray(value)) return bad('not-array', 'an OCPP-J message is a JSON array', '-1');
  const [type, id] = value;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    const why = typeof id !== 'string' ? 'the message id is not a string' : `the message id must be 1 to ${MAX_ID_LENGTH} characters`;
    return bad('bad-message-id', why, '-1', typeof type === 'number' ? type : undefined);
  }
  switch (type) {
    case 2:
      if (value.length !== 4) return bad('bad-arity', `a CALL has 4 elements, this one has ${value.length}`, id, 2);
      if (typeof value[2] !== 'string' || value[2] === '') return bad('bad-action', 'the action of a CALL must be a non-empty string', id, 2);
      if (!isObject(value[3])) return bad('bad-arity', 'the payload of a CALL must be a JSON object', id, 2);
      return { frame: { type: 2, id, action: value[2], payload: value[3] } };
    case 3:
      if (value.length !== 3) return bad('bad-arity', `a CALLRESULT has 3 elements, this one has ${value.length}`, id, 3);
      if (!isObject(value[2])) return bad('bad-arity', 'the payload of a CALLRESULT must be a JSON object', id, 3);
      return { frame: { type: 3, id, payload: value[2] } };
    case 4:
      if (value.length !== 5) return bad('bad-arity', `a CALLERROR has 5 elements, this one has ${value.length}`, id, 4);
      if (typeof value[2] !== 'string' || typeof value[3] !== 'string') {
        return bad('bad-arity', 'the error code and description of a CALLERROR must be strings', id, 4);
      }
      return { frame: { type: 4, id, code: value[2], description: value[3], details: value[4] } };
    case 5:
      if (!speaksTypes5And6(version)) break;
      if (value.length !== 5) return bad('bad-arity', `a CALLRESULTERROR has 5 elements, this one has ${value.length}`, id, 5);
      if (typeof value[2] !== 'string' || typeof value[3] !== 'string') {
        return bad('bad-arity', 'the error code and description of a CALLRESULTERROR must be strings', id, 5);
      }
      return { frame: { type: 5, id, code: value[2], description: value[3], details: value[4] } };
    case 6:
      if (!speaksTypes5And6(version)) break;
      if (value.length !== 4) return bad('bad-arity', `a SEND has 4 elements, this one has ${value.length}`, id, 6);
      if (typeof value[2] !== 'string' || value[2] === '') return bad('bad-action', 'the action of a SEND must be a non-empty string', id, 6);
      if (!isObject(value[3])) return bad('bad-arity', 'the payload of a SEND must be a JSON object', id, 6);
      return { frame: { type: 6, id, action: value[2], payload: value[3] } };
  }
  const known = speaksTypes5And6(version) ? KNOWN_21 : KNOWN;
  return bad('unknown-message-type', `message type ${JSON.stringify(type)} is none of ${known}`, id, typeof type === 'number' ? type : undefined);
}

const KNOWN = '2 (CALL), 3 (CALLRESULT), 4 (CALLERROR)';
const KNOWN_21 = `${KNOWN}, 5 (CALLRESULTERROR), 6 (SEND)`;

/** The message type number of a frame that was not parsed, when its text starts like OCPP-J. */
function sniffMessageType(text: string): number | undefined {
  const m = /^\s*\[\s*(\d)\s*,/.exec(text);
  return m ? Number(m[1]) : undefined;
}

export function encodeFrame(frame: OcppFrame): string {
  switch (frame.type) {
    case 2:
      return JSON.stringify([2, frame.id, frame.action, frame.payload]);
    case 3:
      return JSON.stringify([3, frame.id, frame.payload]);
    case 4:
    case 5:
      return JSON.stringify([frame.type, frame.id, frame.code, frame.description.slice(0, 255), frame.details ?? {}]);
    case 6:
      return JSON.stringify([6, frame.id, frame.action, frame.payload]);
  }
}

/**
 * The CALLERROR the spec prescribes for a frame that is not valid OCPP-J.
 * 1.6 knows no RpcFrameworkError or MessageTypeNotSupported: it uses FormationViolation and GenericError.
 */
export function errorForMalformed(info: MalformedInfo, version: OcppVersion | undefined): CallErrorFrame {
  const v16 = version === '1.6';
  let code: string;
  switch (info.reason) {
    case 'unknown-message-type':
      code = v16 ? 'GenericError' : 'MessageTypeNotSupported';
      break;
    case 'not-json':
    case 'too-large':
    case 'too-deep':
      code = v16 ? 'FormationViolation' : 'FormatViolation';
      break;
    default:
      code = v16 ? 'FormationViolation' : 'RpcFrameworkError';
  }
  return { type: 4, id: info.messageId, code, description: info.detail, details: {} };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(reason: MalformedInfo['reason'], detail: string, messageId: string, messageTypeId?: number): Decoded {
  return { malformed: { reason, detail, messageId, messageTypeId } };
}
