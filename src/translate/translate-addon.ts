/**
 * The translation addon: makes a station speak one OCPP version while its CSMS speaks the other.
 *
 * - `connecting`: for a station the config says to translate, the CSMS is offered the other version and the
 *   station is answered with the version it asked for (never one it did not offer).
 * - `message`: each CALL is run through the translator table of its sender (1.6 station, 2.0.1 CSMS, ...);
 *   the outcome is a replaced frame, a local answer, a CALLERROR (gap), or a fan-out. Answers to translated
 *   CALLs are translated back with the original request at hand. Message ids are kept, so KPIs measured on the
 *   station's leg stay meaningful.
 * - OCPP 2.1 on one side (ocpp21-step.ts): frames from it are checked to have an older form (2.1-only CALLs
 *   answered NotImplemented, SEND and CALLRESULTERROR dropped and recorded); frames toward it must be valid 2.1.
 *   2.0.1 ↔ 2.1 needs no table; 1.6 ↔ 2.1 runs the 1.6 ↔ 2.0.1 tables and the 2.1 step.
 * - state: per-station durable state (files, or Redis shared by a fleet), per-session pending map (session.state).
 *   With Redis, the state is read and claimed at the handshake: a station whose state cannot be read is refused 503.
 */
import { randomUUID } from 'node:crypto';
import type { Addon, AddonContext, ConnectContext, Session } from '../core/addon.js';
import type { RelayMessage } from '../core/relay-message.js';
import { opposite, versionOfProtocol, type OcppFrame, type OcppVersion } from '../core/types.js';
import { sharedValidator, type OcppValidator } from '../validation/validator.js';
import { errorCodeFor } from './convert-values.js';
import { baseVersion, fromNewer, towardNewer } from './ocpp21-step.js';
import { StateStore, type StationStateStore } from './state-store.js';
import { csms201Calls } from './station-16/csms-calls.js';
import { station16Calls } from './station-16/station-calls.js';
import { csms16Calls } from './station-201/csms-calls.js';
import { station201Calls } from './station-201/station-calls.js';
import type { TranslateRules } from './translate-config.js';
import { StateKey } from '../core/session-state.js';
import {
  OverflowError,
  plainResponse,
  type Answer,
  type CallTranslator,
  type Json,
  type TranslationContext,
  type TranslatorTable,
} from './translator-types.js';
import { BoundedMap } from '../core/bounded-map.js';

export const ADDON_NAME = 'translation';

/** Translated CALLs awaiting an answer, per session, before the oldest is forgotten. */
const MAX_PENDING = 1000;
/** A notice text is published at most once per this window and session. */
const NOTICE_REPEAT_MS = 60_000;

/** Translator tables by the version of the station leg: what the station sends, what the CSMS sends. */
export const TABLES: Record<OcppVersion, { station: TranslatorTable; csms: TranslatorTable }> = {
  '1.6': { station: station16Calls, csms: csms201Calls },
  '2.0.1': { station: station201Calls, csms: csms16Calls },
  // A 2.1 station behind a 1.6 CSMS: its frames pass the 2.1 step into 2.0.1 form first.
  '2.1': { station: station201Calls, csms: csms16Calls },
};

interface PendingTranslation {
  translator: CallTranslator;
  action: string;
  req: Json;
  sent: Json;
}

interface SessionTranslation {
  tc: TranslationContext;
  /** 1.6 on one side, 2.0.1 or 2.1 on the other: the 1.6 ↔ 2.0.1 tables run. */
  tables: boolean;
  /** Which leg speaks 2.1 when the other does not. */
  newer: 'station' | 'csms' | undefined;
  /** Translated CALLs awaiting their answer, keyed by `${direction}:${id}` (the CALL's direction). */
  pending: Map<string, PendingTranslation>;
  /** Another instance claimed the station's state: this session translates no more. */
  lost?: boolean;
}

/** The session's translation, from sessionOpen to sessionClose (untranslated sessions have none). */
const TRANSLATION = new StateKey<SessionTranslation>('translate');

const answerOf = (f: OcppFrame): Answer =>
  f.type === 3 ? { ok: true, payload: f.payload } : f.type === 4 ? { ok: false, code: f.code, description: f.description } : { ok: false, code: 'ProtocolError', description: 'a CALL is no answer' };

export interface TranslateAddonOptions {
  rules: TranslateRules;
  /** `<dataDir>/translation`; undefined: in memory only. */
  stateDir: string | undefined;
  /** For the 2.1 step (default: the process-wide validator). */
  validator?: OcppValidator;
  /** Another state store (Redis for a fleet) instead of the files in stateDir; built once the addon has a logger. */
  stateStore?: (hooks: StateStoreHooks) => StationStateStore;
}

/** What the addon tells a state store to report to. */
export interface StateStoreHooks {
  error(text: string): void;
  info(text: string): void;
  /** Another instance owns the station now: close its sessions here. */
  lost(identity: string): void;
}

export function translateAddon(opts: TranslateAddonOptions): Addon {
  let ctx: AddonContext | undefined;
  const hooks: StateStoreHooks = {
    error: (text) => {
      ctx?.logger.error(text);
      ctx?.publish({ type: 'notice', level: 'error', source: ADDON_NAME, text });
    },
    info: (text) => {
      ctx?.logger.info(text);
      ctx?.publish({ type: 'notice', level: 'info', source: ADDON_NAME, text });
    },
    lost: (identity) => {
      for (const s of ctx?.sessions() ?? []) {
        const st = s.state.get(TRANSLATION);
        if (s.identity !== identity || !st || st.lost) continue;
        hooks.error(`${identity}: its translation state was claimed by another instance: closing its session here (1001)`);
        st.lost = true; // translating on would write a state that is no longer ours
        s.close(1001, 'station reconnected to another instance', ADDON_NAME);
      }
    },
  };
  const store: StationStateStore = opts.stateStore
    ? opts.stateStore(hooks)
    : new StateStore(opts.stateDir, (err) => ctx?.logger.error({ err }, `translation state: ${err.message}`));
  let validator: OcppValidator | undefined;
  const v21 = (): OcppValidator => (validator ??= opts.validator ?? sharedValidator());

  // The same loss repeats on every frame of its kind (a Temperature sample every 10 s): publish a text once a
  // minute per session, with the count of repeats it stood for.
  const recent = new WeakMap<Session, Map<string, { at: number; repeats: number }>>();
  const notice = (s: Session, text: string, level: 'info' | 'warn' = 'warn'): void => {
    let seen = recent.get(s);
    if (!seen) recent.set(s, (seen = new Map()));
    const now = Date.now();
    const last = seen.get(text);
    if (last && now - last.at < NOTICE_REPEAT_MS) {
      last.repeats++;
      return;
    }
    if (seen.size > 200) seen.clear();
    seen.set(text, { at: now, repeats: 0 });
    const more = last?.repeats ? ` (and ${last.repeats} more times in the minute before)` : '';
    ctx?.publish({ type: 'notice', level, source: ADDON_NAME, text: `${s.identity}: ${text}${more}`, sessionId: s.id, identity: s.identity });
  };

  function contextFor(session: Session, stationVersion: OcppVersion): TranslationContext {
    const config = opts.rules.configFor(session.identity);
    const state = store.get(session.identity);
    const fail = (text: string): void => {
      if (config.overflow === 'reject') throw new OverflowError(text);
      notice(session, text);
    };
    return {
      identity: session.identity,
      stationVersion,
      config,
      state,
      changed: (urgent) => store.changed(session.identity, urgent),
      flag: (text) => notice(session, text),
      fit(value, max, field) {
        if (value.length <= max) return value;
        fail(`${field} of ${value.length} characters exceeds the ${max} its counterpart holds: ${config.overflow === 'reject' ? 'rejected (--translate-overflow reject)' : `truncated to "${value.slice(0, max)}"`}`);
        return value.slice(0, max);
      },
      lose(what) {
        fail(what);
      },
      call(direction, action, payload, onAnswer) {
        session.inject(direction, { type: 2, id: randomUUID(), action, payload }, {
          origin: 'translation',
          by: ADDON_NAME,
          onAnswer: (f) => onAnswer?.(answerOf(f)),
        });
      },
      now: () => new Date().toISOString(),
    };
  }

  /** Answer the sender of `msg` (which is dropped) with a frame of the proxy's own. */
  function answerSender(msg: RelayMessage, session: Session, frame: OcppFrame, why: string): void {
    msg.drop(ADDON_NAME, why);
    session.inject(opposite(msg.direction), frame, { origin: 'translation', by: ADDON_NAME, action: msg.action });
  }

  function onCall(msg: RelayMessage, session: Session, st: SessionTranslation, frame: Extract<OcppFrame, { type: 2 }>): void {
    const { tc } = st;
    const senderVersion = msg.senderVersion!;
    const receiverVersion = msg.receiverVersion!;
    const table = msg.direction === 'to-csms' ? TABLES[tc.stationVersion].station : TABLES[tc.stationVersion].csms;
    const translator = Object.hasOwn(table, frame.action) ? table[frame.action] : undefined;
    if (!translator) {
      const text = `${frame.action} (${senderVersion}, from the ${msg.direction === 'to-csms' ? 'station' : 'CSMS'}) has no ${receiverVersion} counterpart: answered NotSupported (translation gap)`;
      notice(session, text);
      answerSender(msg, session, { type: 4, id: frame.id, code: 'NotSupported', description: `no OCPP ${receiverVersion} counterpart of ${frame.action} (ocpp-mitm translation)`, details: {} }, 'translation gap');
      return;
    }
    let out;
    try {
      out = translator.request(frame.payload, tc);
    } catch (err) {
      if (!(err instanceof OverflowError)) throw err;
      answerSender(msg, session, { type: 4, id: frame.id, code: 'PropertyConstraintViolation', description: err.message.slice(0, 255), details: {} }, 'overflow rejected');
      return;
    }
    switch (out.kind) {
      case 'forward':
        st.pending.set(`${msg.direction}:${frame.id}`, { translator, action: frame.action, req: frame.payload, sent: out.payload });
        msg.replace({ type: 2, id: frame.id, action: out.action, payload: out.payload }, ADDON_NAME);
        return;
      case 'answer':
        answerSender(msg, session, { type: 3, id: frame.id, payload: out.payload }, `answered by the translator`);
        return;
      case 'error':
        if (out.gap) notice(session, `${frame.action}: ${out.description} (translation gap)`);
        answerSender(msg, session, { type: 4, id: frame.id, code: errorCodeFor(out.code, senderVersion), description: out.description, details: {} }, 'translation gap');
        return;
      case 'fanout': {
        msg.drop(ADDON_NAME, `fanned out as ${out.calls.length} ${out.calls[0]?.action ?? ''} CALLs`);
        const answers: Answer[] = new Array(out.calls.length);
        let left = out.calls.length;
        const gather = out.gather;
        out.calls.forEach((c, i) =>
          tc.call(msg.direction, c.action, c.payload, (a) => {
            answers[i] = a;
            if (--left > 0) return;
            let payload: Json;
            try {
              payload = gather(answers);
            } catch (err) {
              notice(session, `gathering ${frame.action} failed: ${(err as Error).message}`, 'warn');
              session.inject(opposite(msg.direction), { type: 4, id: frame.id, code: 'InternalError', description: 'translation failed', details: {} }, { origin: 'translation', by: ADDON_NAME, action: frame.action });
              return;
            }
            session.inject(opposite(msg.direction), { type: 3, id: frame.id, payload }, { origin: 'translation', by: ADDON_NAME, action: frame.action });
          }),
        );
        return;
      }
    }
  }

  function onAnswer(msg: RelayMessage, st: SessionTranslation, frame: Extract<OcppFrame, { type: 3 | 4 }>): void {
    const key = `${opposite(msg.direction)}:${frame.id}`;
    const p = st.pending.get(key);
    if (!p) return; // an answer to nothing we translated: the core forwards it as is
    st.pending.delete(key);
    const receiverVersion = msg.receiverVersion!;
    // The answer now answers the sender's own CALL: name its action, so output validation and records use it.
    msg.action = p.action;
    if (frame.type === 4) {
      const code = errorCodeFor(frame.code, receiverVersion);
      if (code !== frame.code) msg.replace({ ...frame, code }, ADDON_NAME);
      return;
    }
    try {
      const payload = (p.translator.response ?? plainResponse)(frame.payload, st.tc, p.req, p.sent);
      msg.replace({ type: 3, id: frame.id, payload }, ADDON_NAME);
    } catch (err) {
      if (!(err instanceof OverflowError)) throw err;
      msg.replace({ type: 4, id: frame.id, code: 'PropertyConstraintViolation', description: err.message.slice(0, 255), details: {} }, ADDON_NAME);
    }
  }

  /** A frame from the 2.1 side: false when it goes no further (dropped or answered here). */
  function newerStep(msg: RelayMessage, session: Session, frame: OcppFrame): boolean {
    const verdict = fromNewer(v21(), msg, frame, msg.receiverVersion!);
    if (verdict.kind === 'pass') return true;
    notice(session, verdict.why);
    if (verdict.kind === 'drop') {
      msg.drop(ADDON_NAME, verdict.why);
    } else if (frame.type === 2) {
      answerSender(msg, session, { type: 4, id: frame.id, code: verdict.code, description: `${verdict.why} (ocpp-mitm translation)`.slice(0, 255), details: {} }, verdict.why);
    } else {
      msg.replace({ type: 4, id: frame.id, code: verdict.code, description: `${verdict.why} (ocpp-mitm translation)`.slice(0, 255), details: {} }, ADDON_NAME);
    }
    return false;
  }

  /** A frame bound for the 2.1 side, as translated: a strict 2.1 peer must never get one that breaks 2.1. */
  function checkTowardNewer(msg: RelayMessage, session: Session): void {
    const why = towardNewer(v21(), msg);
    if (!why) return;
    notice(session, why);
    const frame = msg.frame!;
    const code = errorCodeFor('PropertyConstraintViolation', frame.type === 2 ? msg.senderVersion! : msg.receiverVersion!);
    const error = { type: 4 as const, id: frame.id, code, description: `${why} (ocpp-mitm translation)`.slice(0, 255), details: {} };
    if (frame.type === 2) answerSender(msg, session, error, why);
    else msg.replace(error, ADDON_NAME);
  }

  return {
    name: ADDON_NAME,

    async start(c) {
      ctx = c;
      // Say at start when shared state is not there; stations are refused (503) until it is.
      await store.open?.().catch((err: Error) => c.logger.warn(`${err.message}: translated stations are refused (503) until it answers`));
    },

    async stop() {
      await store.flush();
      await store.close?.();
    },

    async connecting(c: ConnectContext) {
      const target = opts.rules.upstreamFor(c.identity);
      if (!target) return;
      const offered = c.offeredProtocols.filter((p) => versionOfProtocol(p) !== undefined);
      // A station that speaks the target version itself needs no translation.
      if (offered.length === 0 || offered.some((p) => versionOfProtocol(p) === versionOfProtocol(target))) return;
      c.upstreamProtocols = [target];
      c.stationProtocol = offered[0];
      try {
        await store.claim(c.identity);
      } catch (err) {
        // Translating with lost state would hand out wrong transaction ids: refuse, the balancer retries later.
        // The log names Redis; the station is told no more than it needs.
        ctx?.logger.error({ station: c.identity }, `refusing ${c.identity} (503): ${(err as Error).message}`);
        c.reject(503, 'translation state unavailable: try again later');
      }
    },

    sessionOpen(session) {
      const sv = session.stationVersion;
      if (!sv || !session.csmsVersion || sv === session.csmsVersion) return;
      const cv = session.csmsVersion;
      const newer = sv === '2.1' ? 'station' : cv === '2.1' ? 'csms' : undefined;
      const tables = baseVersion(sv) !== baseVersion(cv);
      // A peer that never answers must not grow the pending map without bound.
      const st: SessionTranslation = { tc: contextFor(session, sv), tables, newer, pending: new BoundedMap(MAX_PENDING) };
      session.state.set(TRANSLATION, st);
      notice(session, `translating: station OCPP ${sv} ↔ CSMS OCPP ${session.csmsVersion}`, 'info');
    },

    message(msg, session) {
      const st = session.state.get(TRANSLATION);
      const frame = msg.frame;
      if (!st || st.lost || !frame || msg.dropped) return;
      try {
        const fromSide = msg.direction === 'to-csms' ? 'station' : 'csms';
        if (st.newer === fromSide && !newerStep(msg, session, frame)) return;
        if (st.tables) {
          if (frame.type === 2) onCall(msg, session, st, frame);
          else if (frame.type === 3 || frame.type === 4) onAnswer(msg, st, frame);
        }
        if (st.newer !== undefined && st.newer !== fromSide && !msg.dropped) checkTowardNewer(msg, session);
      } catch (err) {
        // Never let a frame of one version reach a peer of the other untranslated.
        const text = `${msg.action ?? 'frame'} ${msg.messageId}: translation failed: ${(err as Error).message}`;
        notice(session, text);
        ctx?.logger.error({ err, station: session.identity }, text);
        if (frame.type === 2) {
          if (!msg.dropped) answerSender(msg, session, { type: 4, id: frame.id, code: 'InternalError', description: 'translation failed (ocpp-mitm)', details: {} }, 'translation failed');
        } else {
          msg.replace({ type: 4, id: frame.id, code: 'InternalError', description: 'translation failed (ocpp-mitm)', details: {} }, ADDON_NAME);
        }
      }
    },

    sessionClose(session) {
      const st = session.state.get(TRANSLATION);
      if (!st) return;
      if (!st.lost) store.changed(session.identity);
      store.release(session.identity);
    },
  };
}
