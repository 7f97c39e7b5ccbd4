/**
 * Open measurements of one session, fed with its frames in the order the relay recorded them.
 *
 * Clock: every time is a MessageRecord µs stamp derived from performance.now(). A measurement starts when its
 * CALL was *written* (sentAt: after any rule delay) and ends when the answer or follow-up was *read*
 * (receivedAt: before any rule delay), so time a rule adds on purpose is never charged. Frames the proxy made
 * (origin other than 'wire') start nothing; an answer the proxy made ends its measurement without a sample.
 */
import type { KpiName, KpiSample } from './kpi-types.js';
import { FewMap } from '../core/few-map.js';
import { FOLLOW_UP_OPENERS, followUpFor, type FollowUpSpec } from './follow-ups.js';
import type { StationFrame } from './station-frame.js';

/** Why a measurement ended without a sample. */
export type NotCounted = 'rejected' | 'excluded' | 'cancelled';

/** A SEND (2.1) is counted by the direction it travelled, never timed. */
export type Outcome = { sample: KpiSample } | { kpi: KpiName; notCounted: NotCounted } | { send: 'to-csms' | 'to-station' };

export interface TrackedSession {
  readonly id: string;
  readonly identity: string;
  /** OCPP version of the station leg. */
  readonly version: string;
}

interface Open {
  readonly kpi: KpiName;
  readonly action: string;
  readonly messageId: string;
  /** µs */
  readonly startAt: number;
  readonly deadline: number;
  readonly spec?: FollowUpSpec;
}

/** A CSMS flooding CALLs must not grow memory without bound: beyond this many open ones, new ones are not measured. */
const MAX_OPEN = 10_000;

export class SessionTracker {
  /** CSMS CALLs written to the station, by message id: response_time. */
  private readonly toStation = new FewMap<Open>();
  /** Station CALLs written to the CSMS, by message id: csms_response_time. */
  private readonly toCsms = new FewMap<Open>();
  /** Follow-ups by the id of the CALL that opened them, oldest first. */
  private readonly followUps = new FewMap<Open>();

  constructor(
    readonly session: TrackedSession,
    private readonly windowsMs: Readonly<Record<KpiName, number>>,
    private readonly emit: (outcome: Outcome) => void,
  ) {}

  onFrame(f: StationFrame): void {
    const kind = f.kind;
    if (kind === undefined) return; // not OCPP-J as the station saw it: nothing to correlate
    // 2.1: a SEND is never answered and a CALLRESULTERROR refuses an answer already timed: neither is a measurement.
    if (kind === 'SEND') return this.emit({ send: f.direction });
    if (kind === 'CALLRESULTERROR') return;
    if (f.direction === 'to-station') {
      if (kind === 'CALL') this.csmsCall(f);
      else this.answer(this.toCsms, f, kind);
    } else if (kind === 'CALL') {
      this.stationCall(f);
    } else {
      this.answer(this.toStation, f, kind);
      this.followUpAnswer(f, kind);
    }
  }

  /** Emit timeouts for measurements whose window ran out before `nowMicros - graceMicros`. */
  expire(nowMicros: number, graceMicros: number): void {
    const limit = nowMicros - graceMicros;
    for (const map of [this.toStation, this.toCsms, this.followUps]) {
      for (const [id, open] of map) {
        if (open.deadline >= limit) continue;
        map.delete(id);
        this.emit({ sample: this.sample(open, '', null) });
      }
    }
  }

  /** The session closed: what ran out before the close is a timeout, the rest is cancelled. */
  close(closedAtMicros: number): void {
    this.expire(closedAtMicros, 0);
    for (const map of [this.toStation, this.toCsms, this.followUps]) {
      for (const open of map.values()) this.emit({ kpi: open.kpi, notCounted: 'cancelled' });
      map.clear();
    }
  }

  private csmsCall(f: StationFrame): void {
    const writtenAt = f.writtenAt;
    const action = f.action;
    if (f.origin !== 'wire' || writtenAt === undefined || action === undefined) return;
    this.add(this.toStation, this.open('response_time', action, f.messageId, writtenAt));
    if (!FOLLOW_UP_OPENERS.has(action)) return;
    const spec = followUpFor(action, f.payload);
    if (spec) this.add(this.followUps, this.open(spec.kpi, action, f.messageId, writtenAt, spec));
  }

  private stationCall(f: StationFrame): void {
    if (f.origin !== 'wire') return;
    const action = f.action;
    if (action === undefined) return;
    const writtenAt = f.writtenAt;
    if (writtenAt !== undefined) this.add(this.toCsms, this.open('csms_response_time', action, f.messageId, writtenAt));
    if (this.followUps.size === 0) return;
    // One station CALL ends at most one measurement per KPI: the oldest it fits (two triggers of the same
    // message want two messages).
    const ended = new Set<KpiName>();
    for (const [id, open] of this.followUps) {
      if (ended.has(open.kpi)) continue;
      const m = open.spec!.match(action, f.payload);
      if (m === undefined) continue;
      this.followUps.delete(id);
      ended.add(open.kpi);
      this.emit(m === 'end' ? { sample: this.ended(open, action, f.readAt) } : { kpi: open.kpi, notCounted: 'excluded' });
    }
  }

  /** An answer ends the response measurement of its CALL; one the proxy made ends it without a sample. */
  private answer(map: FewMap<Open>, f: StationFrame, kind: 'CALLRESULT' | 'CALLERROR'): void {
    const open = map.get(f.messageId);
    if (!open) return;
    map.delete(f.messageId);
    this.emit(f.origin === 'wire' ? { sample: this.ended(open, kind, f.readAt) } : { kpi: open.kpi, notCounted: 'cancelled' });
  }

  /** The station refusing (or failing) the request ends its follow-up without a sample. */
  private followUpAnswer(f: StationFrame, kind: 'CALLRESULT' | 'CALLERROR'): void {
    const open = this.followUps.get(f.messageId);
    if (!open || f.origin !== 'wire') return;
    if (kind === 'CALLRESULT' && open.spec!.accepted(f.payload)) return;
    this.followUps.delete(f.messageId);
    this.emit({ kpi: open.kpi, notCounted: 'rejected' });
  }

  private open(kpi: KpiName, action: string, messageId: string, startAt: number, spec?: FollowUpSpec): Open {
    return { kpi, action, messageId, startAt, deadline: startAt + this.windowsMs[kpi] * 1000, spec };
  }

  private add(map: FewMap<Open>, open: Open): void {
    const previous = map.get(open.messageId);
    if (previous) {
      // A reused message id: the earlier CALL can no longer be told apart from the new one.
      map.delete(open.messageId);
      this.emit({ kpi: previous.kpi, notCounted: 'cancelled' });
    }
    if (map.size >= MAX_OPEN) {
      this.emit({ kpi: open.kpi, notCounted: 'cancelled' });
      return;
    }
    map.set(open.messageId, open);
  }

  /** A measurement that ends after its window is a timeout all the same, whenever the sweep would have seen it. */
  private ended(open: Open, endAction: string, endAt: number): KpiSample {
    if (endAt > open.deadline) return this.sample(open, '', null);
    return this.sample(open, endAction, Math.max(0, endAt - open.startAt) / 1000);
  }

  private sample(open: Open, endAction: string, valueMs: number | null): KpiSample {
    return {
      kpi: open.kpi,
      sessionId: this.session.id,
      identity: this.session.identity,
      version: this.session.version,
      action: open.action,
      endAction,
      messageId: open.messageId,
      valueMs,
      timedOut: valueMs === null,
      at: open.startAt,
    };
  }
}
