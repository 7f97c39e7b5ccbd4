/**
 * Intercept (see docs/intercept.md): frames matching the intercept filter (the `/` language) are held before
 * they are written, for an operator to forward (as is or edited), drop, or answer. A held frame nobody decides
 * on is released unchanged after the timeout, so a forgotten hold never breaks a station. Everything the
 * operator does is recorded as theirs (changedBy/dropped by 'operator', answers of origin 'operator'); the time
 * held counts as delay on purpose (core `hold`), never charged to a station's or CSMS's KPIs.
 */
import type { Addon, AddonContext, Session } from '../core/addon.js';
import { ControlError } from '../core/control-routes.js';
import type { RelayMessage } from '../core/relay-message.js';
import { opposite } from '../core/types.js';
import { MATCH_ALL, parseFilter, type EventFilter, type FilterFields } from '../control/event-filter.js';
import { answerFrame, checkOutgoing, describeIssues, parseEditedFrame, type AnswerBody } from './held-edit.js';
import { registerInterceptRoutes, type HeldView, type InterceptView, type ReleaseResult } from './intercept-routes.js';

/** Who holds frames and whose answers are never held again. */
const BY = 'intercept';
/** Most frames held at once; past it frames go through (with a warning) rather than pile up. */
const MAX_HELD = 500;

export interface InterceptAddonOptions {
  /** Initial intercept filter ('' holds nothing). */
  filter?: string;
  /** How long a frame waits for the operator before it is released unchanged (ms). */
  timeoutMs: number;
}

interface Held {
  msg: RelayMessage;
  session: Session;
  heldAt: number;
  /** When its timer releases it (a later change of the timeout applies to frames held after it). */
  releaseAt: number;
  timer: NodeJS.Timeout;
}

export interface InterceptAddon extends Addon {
  view(): InterceptView;
  setFilter(text: string, timeoutMs?: number): InterceptView;
  forward(id: number, edit?: { frame?: unknown; force?: boolean }): ReleaseResult;
  drop(id: number): ReleaseResult;
  answer(id: number, body: AnswerBody & { force?: boolean }): ReleaseResult;
}

export function createInterceptAddon(opts: InterceptAddonOptions): InterceptAddon {
  let filter: EventFilter = compile(opts.filter ?? '');
  let timeoutMs = opts.timeoutMs;
  const held = new Map<number, Held>();
  let ctx: AddonContext | undefined;

  const notice = (level: 'info' | 'warn', h: Held, text: string): void =>
    ctx?.publish({ type: 'notice', level, source: BY, text, sessionId: h.session.id, identity: h.session.identity });

  function take(id: number): Held {
    const h = held.get(id);
    if (!h) throw new ControlError(404, `no held frame ${id} (GET /api/intercept lists them; it may have timed out)`);
    return h;
  }

  function release(h: Held): void {
    held.delete(h.msg.seq);
    clearTimeout(h.timer);
    h.msg.delay(0, BY);
    h.msg.release();
  }

  function viewOf(h: Held): HeldView {
    const m = h.msg;
    const now = Date.now();
    return {
      id: m.seq,
      sessionId: h.session.id,
      identity: h.session.identity,
      direction: m.direction,
      version: m.receiverVersion ?? m.senderVersion,
      kind: m.kind,
      action: m.action,
      messageId: m.messageId,
      text: m.text,
      heldAt: h.heldAt,
      releaseAt: h.releaseAt,
      remainingMs: Math.max(0, h.releaseAt - now),
    };
  }

  const addon: InterceptAddon = {
    name: 'intercept',
    start(c) {
      ctx = c;
      registerInterceptRoutes(c.control, addon);
    },
    beforeSend(msg, session) {
      if (filter.empty || msg.madeBy === BY || msg.heldBy !== undefined) return;
      if (!filter.matchRecord(filterFields(msg, session))) return;
      if (held.size >= MAX_HELD) {
        ctx?.logger.warn({ station: session.identity }, `intercept: ${MAX_HELD} frames already held, this one goes through`);
        return;
      }
      msg.hold(BY);
      const timer = setTimeout(() => {
        const h = held.get(msg.seq);
        if (!h) return;
        release(h);
        notice('warn', h, `held ${msg.kind} ${msg.action ?? ''} ${msg.messageId} released unchanged after ${h.releaseAt - h.heldAt} ms`);
      }, timeoutMs);
      timer.unref();
      const heldAt = Date.now();
      held.set(msg.seq, { msg, session, heldAt, releaseAt: heldAt + timeoutMs, timer });
    },
    sessionClose(session) {
      // Its session is ending: the frame is not sent into it (one leg may still be open a moment), recorded dropped.
      for (const h of [...held.values()]) {
        if (h.session !== session) continue;
        h.msg.drop(BY, 'the session closed while the frame was held');
        release(h);
      }
    },
    stop() {
      for (const h of [...held.values()]) release(h);
    },
    view() {
      return { filter: filter.text, timeoutMs, held: [...held.values()].map(viewOf) };
    },
    setFilter(text, newTimeoutMs) {
      filter = compile(text);
      if (newTimeoutMs !== undefined) timeoutMs = newTimeoutMs;
      return addon.view();
    },
    forward(id, edit) {
      const h = take(id);
      let modified = false;
      if (edit?.frame !== undefined) {
        const parsed = parseEditedFrame(edit.frame);
        if (!parsed.ok) throw new ControlError(400, parsed.error);
        const frame = parsed.value;
        const action = frame.type === 2 || frame.type === 6 ? frame.action : h.msg.action;
        const result = checkOutgoing(frame, h.msg, false, action);
        if (result && !result.valid && !edit.force) {
          throw new ControlError(422, `the edited frame breaks the schema (${result.schema ?? 'OCPP'}): ${describeIssues(result)} — send force: true to forward it anyway`);
        }
        h.msg.replace(frame, 'operator');
        if (result) h.msg.outputValidation = result;
        modified = true;
      }
      release(h);
      return { id, outcome: modified ? 'forwarded-edited' : 'forwarded' };
    },
    drop(id) {
      const h = take(id);
      h.msg.drop('operator', 'dropped by the operator (intercept)');
      release(h);
      return { id, outcome: 'dropped' };
    },
    answer(id, body) {
      const h = take(id);
      const frame = h.msg.frame;
      if (frame?.type !== 2) throw new ControlError(409, `held frame ${id} is a ${h.msg.kind}: only a CALL can be answered`);
      const made = answerFrame(frame.id, body ?? {});
      if (!made.ok) throw new ControlError(400, made.error);
      const result = checkOutgoing(made.value, h.msg, true, frame.action);
      if (result && !result.valid && !body.force) {
        throw new ControlError(422, `the answer breaks the schema (${result.schema ?? 'OCPP'}): ${describeIssues(result)} — send force: true to answer anyway`);
      }
      h.msg.drop('operator', 'answered by the operator (intercept)');
      release(h);
      h.session.inject(opposite(h.msg.direction), made.value, { origin: 'operator', by: BY, action: frame.action });
      return { id, outcome: made.value.type === 3 ? 'answered-result' : 'answered-error' };
    },
  };
  return addon;
}

/** What the filter reads of a frame in flight, without the cost of a whole record (text size, copies). */
function filterFields(msg: RelayMessage, session: Session): FilterFields {
  return {
    action: msg.action,
    callAction: msg.call?.action,
    direction: msg.direction,
    dropped: msg.dropped,
    identity: session.identity,
    kind: msg.kind,
    modified: msg.modified,
    origin: msg.origin,
    ruleDelayMs: msg.ruleDelayMs,
    ruleIds: msg.ruleIds as string[],
    valid: !msg.malformed && (msg.validation?.valid ?? true) && (msg.outputValidation?.valid ?? true),
    version: msg.receiverVersion ?? msg.senderVersion,
  };
}

function compile(text: string): EventFilter {
  if (!text.trim()) return MATCH_ALL;
  const parsed = parseFilter(text);
  if (!parsed.ok) throw new ControlError(400, `intercept filter: ${parsed.error}`);
  return parsed.filter;
}
