/**
 * Schema validation on the relay path (see docs/validation.md).
 *
 * `message`: every frame read from a peer is checked in the sender's OCPP version; the verdict goes to
 * `msg.validation`. Observe flags and forwards. Enforce refuses what fails:
 * - an invalid CALL is not forwarded; its sender gets a CALLERROR with the same message id, as the receiver
 *   would have answered;
 * - an invalid CALLRESULT is not forwarded; the caller waiting for it gets a CALLERROR with the same id instead,
 *   so it neither waits for an answer that will not come nor acts on data that breaks the schema;
 *   On OCPP 2.1 the sender of that CALLRESULT is also told, with a CALLRESULTERROR (2.1 part 4), as its receiver
 *   would have;
 * - an invalid SEND (2.1) is not forwarded and not answered: a SEND never is;
 * - CALLERRORs, CALLRESULTERRORs and unmatched answers are flagged and forwarded: nobody waits on them and there
 *   is nothing better to send in their place.
 * `beforeSend`: frames the proxy made or changed are checked in the receiver's version into
 * `msg.outputValidation`, flag only (fault-injection rules send invalid frames on purpose).
 */
import type { Addon, AddonContext, Session } from '../core/addon.js';
import { decodeFrame } from '../core/frame-codec.js';
import type { RelayMessage } from '../core/relay-message.js';
import type { CallErrorFrame, CallResultErrorFrame, Direction, OcppVersion, ValidationResult } from '../core/types.js';
import { opposite, speaksTypes5And6 } from '../core/types.js';
import { checkFrame, errorCodeIn, malformedResult, notChecked } from './check-frame.js';
import { sharedValidator, type OcppValidator } from './validator.js';
import { registerValidationRoutes, type ValidationCounts, type ValidationMode } from './validation-routes.js';
import { BoundedMap } from '../core/bounded-map.js';

export type { ValidationCounts, ValidationMode } from './validation-routes.js';


export interface ValidationAddonOptions {
  mode: ValidationMode;
  /** Default: the process-wide lazy validator, warmed up in the background once the relay starts. */
  validator?: OcppValidator;
}


export interface ValidationAddon extends Addon {
  counts(): ValidationCounts;
}

/** Most characters of an issue list put in a CALLERROR's errorDescription (the spec allows 255). */
const DESCRIPTION_MAX = 255;
const DETAIL_ISSUES = 10;
/** Most CALL actions remembered per direction on a translating session (as the relay bounds its pending CALLs). */
const MAX_REMEMBERED = 1000;

/**
 * On a translating session the relay knows an answer's action only in the version it was read in. Checking the
 * translated answer as sent needs the action of the CALL as its own sender wrote it: remember those by id.
 */
class OriginalActions {
  private readonly calls: Record<Direction, Map<string, string>> = { 'to-csms': new BoundedMap(MAX_REMEMBERED), 'to-station': new BoundedMap(MAX_REMEMBERED) };

  remember(direction: Direction, id: string, action: string): void {
    this.calls[direction].set(id, action);
  }

  /** The action of the CALL an answer travelling in `answerDirection` answers, forgotten once taken. */
  take(answerDirection: Direction, id: string): string | undefined {
    const map = this.calls[opposite(answerDirection)];
    const action = map.get(id);
    map.delete(id);
    return action;
  }
}

export function createValidationAddon(opts: ValidationAddonOptions): ValidationAddon {
  const validator = opts.validator ?? sharedValidator();
  const enforce = opts.mode === 'enforce';
  const counts: ValidationCounts = { checked: 0, invalid: 0, refused: 0, notChecked: 0, outputChecked: 0, outputInvalid: 0, byCode: {} };
  const warnedNoVersion = new WeakSet<Session>();
  const originals = new WeakMap<Session, OriginalActions>();
  /** Answers' original CALL actions, taken in `message`, used in `beforeSend`. */
  const answerActions = new WeakMap<RelayMessage, string>();
  const translating = (s: Session): boolean => s.stationVersion !== s.csmsVersion;
  let ctx: AddonContext | undefined;
  let warmUp: AbortController | undefined;

  const countInvalid = (result: ValidationResult): void => {
    const key = result.errorCode ?? result.issues[0]?.rule ?? 'invalid';
    counts.byCode[key] = (counts.byCode[key] ?? 0) + 1;
  };

  function skip(session: Session, subprotocol: string): ValidationResult {
    counts.notChecked++;
    if (!warnedNoVersion.has(session)) {
      warnedNoVersion.add(session);
      const text = `${session.identity}: frames are not schema-checked (${subprotocol ? `subprotocol "${subprotocol}" is no OCPP version` : 'no subprotocol agreed'})`;
      ctx?.logger.warn({ station: session.identity, session: session.id }, text);
      ctx?.publish({ type: 'notice', level: 'warn', source: 'validation', text, sessionId: session.id, identity: session.identity });
    }
    return notChecked(subprotocol);
  }

  /** Refuse an invalid frame: drop it and answer the side that waits with a CALLERROR of the same id. */
  function refuse(msg: RelayMessage, session: Session, result: ValidationResult, answerTo: 'sender' | 'caller'): void {
    const frame = msg.frame!;
    // The CALLERROR travels back to the sender of a CALL, or on to the caller that waits for this answer.
    const direction = answerTo === 'sender' ? opposite(msg.direction) : msg.direction;
    const version: OcppVersion | undefined = answerTo === 'sender' ? msg.senderVersion : (msg.receiverVersion ?? msg.senderVersion);
    // Name the action as the one who gets the CALLERROR knows it (on a translating session, its own version).
    const action = frame.type === 2 ? frame.action : (answerActions.get(msg) ?? msg.action ?? '?');
    const what = frame.type === 2 ? `${action} request` : `answer to ${action}`;
    const summary = describeIssues(result);
    const error: CallErrorFrame = {
      type: 4,
      id: frame.id,
      code: errorCodeIn(version!, result),
      description: `ocpp-mitm refused the ${what}: ${summary}`.slice(0, DESCRIPTION_MAX),
      details: { refusedBy: 'ocpp-mitm', schema: result.schema, issues: result.issues.slice(0, DETAIL_ISSUES).map((i) => i.message) },
    };
    msg.drop('validation', `invalid ${what}: ${summary}`);
    counts.refused++;
    ctx?.logger.debug({ station: session.identity, messageId: frame.id, code: error.code }, `refused ${what}: ${summary}`);
    if (answerTo === 'caller' && speaksTypes5And6(msg.senderVersion)) {
      // 2.1: the receiver of a CALLRESULT it cannot accept answers its sender with a CALLRESULTERROR (type 5).
      const refusal: CallResultErrorFrame = {
        type: 5,
        id: frame.id,
        code: errorCodeIn(msg.senderVersion!, result),
        description: `ocpp-mitm refused this ${what}: ${summary}`.slice(0, DESCRIPTION_MAX),
        details: error.details,
      };
      session.inject(opposite(msg.direction), refusal, { origin: 'proxy', by: 'validation', action: msg.action });
    }
    session.inject(direction, error, { origin: 'proxy', by: 'validation', action: msg.action });
  }

  return {
    name: 'validation',

    start(c) {
      ctx = c;
      registerValidationRoutes(c.control, () => ({
        mode: opts.mode,
        schemas: validator.stats().schemas,
        compiled: validator.stats().compiled,
        counts: { ...counts, byCode: { ...counts.byCode } },
      }));
      warmUp = new AbortController();
      validator.warmUp(warmUp.signal).catch((err: Error) => {
        const text = `schema warm-up failed: ${err.message}`;
        c.logger.error({ err }, text);
        c.publish({ type: 'notice', level: 'error', source: 'validation', text });
      });
    },

    stop() {
      warmUp?.abort();
    },

    message(msg, session) {
      const frame = msg.frame;
      if (!frame) return; // not OCPP-J: the relay core answers for framing
      const version = msg.senderVersion;
      if (!version) {
        msg.validation = skip(session, msg.direction === 'to-csms' ? session.stationProtocol : session.csmsProtocol);
        return;
      }
      if (translating(session)) {
        let o = originals.get(session);
        if (!o) originals.set(session, (o = new OriginalActions()));
        if (frame.type === 2) o.remember(msg.direction, frame.id, frame.action);
        else if (frame.type === 3 || frame.type === 4) {
          const action = o.take(msg.direction, frame.id);
          if (action) answerActions.set(msg, action);
        }
      }
      const result = checkFrame(validator, version, frame, msg.action);
      msg.validation = result;
      counts.checked++;
      if (result.valid) return;
      counts.invalid++;
      countInvalid(result);
      if (!enforce) return;
      if (frame.type === 2) refuse(msg, session, result, 'sender');
      else if (frame.type === 3 && msg.call) refuse(msg, session, result, 'caller');
      else if (frame.type === 6) {
        msg.drop('validation', `invalid ${frame.action} SEND: ${describeIssues(result)}`);
        counts.refused++;
      }
    },

    beforeSend(msg, session) {
      // Also a frame translation handled without changing its text: it must still fit the receiver's version.
      if (!msg.modified && msg.origin === 'wire' && msg.changedBy.length === 0) return;
      const version = msg.receiverVersion;
      if (!version) {
        msg.outputValidation = notChecked(msg.direction === 'to-csms' ? session.csmsProtocol : session.stationProtocol);
        return;
      }
      let frame = msg.frame;
      if (msg.modified) {
        // Check the text as it will be written: a rule may have replaced it with anything.
        const decoded = decodeFrame(msg.text, version);
        if (decoded.malformed) {
          msg.outputValidation = malformedResult(decoded.malformed, version);
          counts.outputChecked++;
          counts.outputInvalid++;
          return;
        }
        frame = decoded.frame;
      } else if (!frame) {
        if (msg.malformed) msg.outputValidation = malformedResult(msg.malformed, version);
        counts.outputChecked++;
        counts.outputInvalid++;
        return;
      }
      let action = frame.type === 2 || frame.type === 6 ? frame.action : msg.action;
      if ((frame.type === 3 || frame.type === 4) && translating(session)) {
        action = answerActions.get(msg) ?? originals.get(session)?.take(msg.direction, frame.id) ?? action;
      }
      const result = checkFrame(validator, version, frame, action);
      msg.outputValidation = result;
      counts.outputChecked++;
      if (!result.valid) counts.outputInvalid++;
    },

    counts: () => ({ ...counts, byCode: { ...counts.byCode } }),
  };
}

/** First issue, and how many more: what fits in a CALLERROR's description. */
function describeIssues(result: ValidationResult): string {
  const [first, ...rest] = result.issues;
  if (!first) return 'invalid';
  return rest.length ? `${first.message} (+${rest.length} more)` : first.message;
}
