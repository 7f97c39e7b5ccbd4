/**
 * The shape of a message translator. Translators are plain functions of (payload, context): they never touch a
 * socket, so the unit tests and the benchmark run them without a relay. What they cannot express as a return value
 * (extra CALLs the proxy makes, notices, state changes) goes through the TranslationContext.
 */
import type { Direction, OcppVersion } from '../core/types.js';
import type { ResolvedStationConfig } from './translate-config.js';
import type { StationState } from './station-state.js';

/** Payloads are checked by the OCA schemas at the edges (validation addon, tests), not by the type system here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** What became of a CALL read from one side. */
export type CallOutcome =
  /** Forward it, translated, to the other side. */
  | { kind: 'forward'; action: string; payload: Json }
  /** Answer the sender at once (CALLRESULT), nothing goes to the other side. */
  | { kind: 'answer'; payload: Json }
  /** Answer the sender with a CALLERROR; `gap` marks a message that has no counterpart. */
  | { kind: 'error'; code: string; description: string; gap?: boolean }
  /** Several CALLs to the other side; their answers, in order, are gathered into one answer to the sender. */
  | { kind: 'fanout'; calls: { action: string; payload: Json }[]; gather(answers: Answer[]): Json };

/** An answer to a CALL the proxy made: the CALLRESULT payload, or the CALLERROR code. */
export type Answer = { ok: true; payload: Json } | { ok: false; code: string; description: string };

export interface CallTranslator {
  /** The sender's request, in the sender's version. */
  request(payload: Json, tc: TranslationContext): CallOutcome;
  /**
   * The receiver's answer, back into the sender's version. `req` is the sender's original request, `sent` the
   * translated request the receiver answered. Omitted: the payload passes minus 2.0.1-only `statusInfo`/`customData`.
   */
  response?(payload: Json, tc: TranslationContext, req: Json, sent: Json): Json;
}

export type TranslatorTable = Readonly<Record<string, CallTranslator>>;

/** Everything a translator may use beside the payload. One per session (live) or per test. */
export interface TranslationContext {
  readonly identity: string;
  /** Version of the station leg; the CSMS leg speaks the other one. */
  readonly stationVersion: OcppVersion;
  readonly config: ResolvedStationConfig;
  /** Durable per-station state (transactions, ids, pending requests). Call `changed()` after mutating it. */
  readonly state: StationState;
  /**
   * The state changed. Urgent (default): ids and transactions, on disk within the event-loop turn. Not urgent:
   * values that only refine (last status, energy register, seqNo), on disk within a second; a clean stop flushes
   * both.
   */
  changed(urgent?: boolean): void;
  /** Record something that did not survive translation as is (a notice, warn level). */
  flag(text: string): void;
  /**
   * Apply the overflow policy to a string bound for a field of `max` characters: truncate and flag, or throw
   * OverflowError (policy reject), which the addon turns into a CALLERROR.
   */
  fit(value: string, max: number, field: string): string;
  /** Same policy for structure that cannot survive (a second charging schedule, an unknown measurand). */
  lose(what: string): void;
  /** Make a CALL toward one side (the proxy's own); its answer goes to onAnswer and is not forwarded. */
  call(direction: Direction, action: string, payload: Json, onAnswer?: (answer: Answer) => void): void;
  /** ISO timestamp of now (injectable for tests). */
  now(): string;
}

/** Thrown by `fit`/`lose` when the overflow policy is reject. */
export class OverflowError extends Error {
  override readonly name = 'OverflowError';
}

/** Default `response`: what 1.6 cannot carry (statusInfo, customData) is dropped; the rest is identical. */
export function plainResponse(payload: Json): Json {
  if (payload === null || typeof payload !== 'object') return payload;
  const { statusInfo: _s, customData: _c, ...rest } = payload as Record<string, unknown>;
  return rest;
}
