/**
 * What an operator sends in place of a held frame, read and schema-checked before it goes: an edited frame
 * (OCPP-J array or its JSON text) or an answer to a held CALL. Pure functions: the addon decides what to do.
 */
import { decodeFrame } from '../core/frame-codec.js';
import type { RelayMessage } from '../core/relay-message.js';
import type { CallErrorFrame, CallResultFrame, OcppFrame, ValidationResult } from '../core/types.js';
import { checkFrame } from '../validation/check-frame.js';
import { sharedValidator, type OcppValidator } from '../validation/validator.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** An edited frame: an OCPP-J array, or its JSON text (what an editor saves). */
export function parseEditedFrame(input: unknown): Parsed<OcppFrame> {
  let text: string;
  if (typeof input === 'string') text = input.trim();
  else if (Array.isArray(input)) text = JSON.stringify(input);
  else return { ok: false, error: 'frame must be an OCPP-J array like [2,"id","Action",{}] or its JSON text' };
  const decoded = decodeFrame(text);
  if (!decoded.frame) return { ok: false, error: `the edited frame is not OCPP-J: ${decoded.malformed.detail}` };
  return { ok: true, value: decoded.frame };
}

export interface AnswerBody {
  /** CALLRESULT payload (default {}), unless errorCode is given. */
  payload?: unknown;
  /** Answer with a CALLERROR of this code instead. */
  errorCode?: string;
  errorDescription?: string;
  errorDetails?: Record<string, unknown>;
}

/** The CALLRESULT or CALLERROR an operator answers a held CALL with (same message id). */
export function answerFrame(messageId: string, body: AnswerBody): Parsed<CallResultFrame | CallErrorFrame> {
  if (body.errorCode !== undefined) {
    if (typeof body.errorCode !== 'string' || !body.errorCode) return { ok: false, error: 'errorCode must be a non-empty string' };
    const details = body.errorDetails ?? {};
    if (typeof details !== 'object' || details === null || Array.isArray(details)) return { ok: false, error: 'errorDetails must be a JSON object' };
    return { ok: true, value: { type: 4, id: messageId, code: body.errorCode, description: String(body.errorDescription ?? ''), details } };
  }
  const payload = body.payload ?? {};
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, error: 'payload must be a JSON object' };
  return { ok: true, value: { type: 3, id: messageId, payload } };
}

/**
 * Check `frame` in the OCPP version of the leg it goes to; undefined when that version is unknown (no schema).
 * `action`: for an answer, the action of the CALL it answers.
 */
export function checkOutgoing(
  frame: OcppFrame,
  msg: RelayMessage,
  towardSender: boolean,
  action: string | undefined,
  validator: OcppValidator = sharedValidator(),
): ValidationResult | undefined {
  const version = towardSender ? msg.senderVersion : (msg.receiverVersion ?? msg.senderVersion);
  if (!version) return undefined;
  return checkFrame(validator, version, frame, action);
}

/** One line per issue, for a 422 the operator may override with `force`. */
export const describeIssues = (result: ValidationResult): string => result.issues.map((i) => `${i.path || '/'}: ${i.message}`).join('; ');
