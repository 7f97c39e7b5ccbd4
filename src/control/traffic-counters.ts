/**
 * Counters the control API adds to what the relay keeps: per session (frames each way, errors, last latency)
 * and relay-wide rates. Fed by the control addon's observer, read by GET /api/sessions and /api/stats.
 */
import type { RelayEvent } from '../core/addon.js';
import type { MessageRecord } from '../core/relay-message.js';

export interface SessionCounters {
  /** Frames station → CSMS. */
  toCsms: number;
  /** Frames CSMS → station. */
  toStation: number;
  invalid: number;
  /** CALLERRORs (and OCPP 2.1 CALLRESULTERRORs) either way. */
  callErrors: number;
  /** Latest answer latency (ms), from the CALL written to the answer read. */
  lastLatencyMs: number | undefined;
  ruleHits: number;
  /** Wall clock of the latest frame, µs since the epoch. */
  lastFrameAt: number | undefined;
}

export const emptyCounters = (): SessionCounters => ({
  toCsms: 0,
  toStation: 0,
  invalid: 0,
  callErrors: 0,
  lastLatencyMs: undefined,
  ruleHits: 0,
  lastFrameAt: undefined,
});

/** Events per second over a sliding window of whole seconds (the current, partial second is left out). */
export class RateMeter {
  private readonly buckets: number[];
  private second = Math.floor(Date.now() / 1000);

  constructor(private readonly windowS = 3) {
    this.buckets = new Array<number>(windowS + 1).fill(0);
  }

  /** `now`: the wall clock in ms, when the caller has it already. */
  add(n = 1, now = Date.now()): void {
    this.roll(now);
    this.buckets[this.second % this.buckets.length]! += n;
  }

  perSecond(): number {
    this.roll();
    let sum = 0;
    for (let i = 1; i <= this.windowS; i++) sum += this.buckets[(this.second - i) % this.buckets.length]!;
    return sum / this.windowS;
  }

  private roll(nowMs = Date.now()): void {
    const now = Math.floor(nowMs / 1000);
    if (now === this.second) return;
    const steps = Math.min(now - this.second, this.buckets.length);
    for (let i = 1; i <= steps; i++) this.buckets[(this.second + i) % this.buckets.length] = 0;
    this.second = now;
  }
}

export class TrafficCounters {
  private readonly bySession = new Map<string, SessionCounters>();
  readonly events = new RateMeter();
  readonly messages = new RateMeter();
  ruleHits = 0;
  invalid = 0;
  callErrors = 0;

  observe(event: RelayEvent): void {
    // One clock read for both meters.
    const now = Date.now();
    this.events.add(1, now);
    switch (event.type) {
      case 'session-open':
        this.bySession.set(event.session.id, emptyCounters());
        break;
      case 'session-close':
        this.bySession.delete(event.session.id);
        break;
      case 'message':
        this.count(event.message, now);
        break;
    }
  }

  of(sessionId: string): SessionCounters {
    return this.bySession.get(sessionId) ?? emptyCounters();
  }

  private count(r: MessageRecord, now: number): void {
    this.messages.add(1, now);
    let c = this.bySession.get(r.sessionId);
    if (!c) {
      c = emptyCounters();
      this.bySession.set(r.sessionId, c);
    }
    countFrame(c, r);
    if (!r.valid) this.invalid++;
    if (r.kind === 'CALLERROR' || r.kind === 'CALLRESULTERROR') this.callErrors++;
    this.ruleHits += r.ruleIds.length;
  }
}

/** Count one frame into a session's counters (the proxy's, and the live view's own from the event stream). */
export function countFrame(c: SessionCounters, r: MessageRecord): void {
  if (r.direction === 'to-csms') c.toCsms++;
  else c.toStation++;
  if (!r.valid) c.invalid++;
  if (r.kind === 'CALLERROR' || r.kind === 'CALLRESULTERROR') c.callErrors++;
  if (r.latencyMs !== undefined) c.lastLatencyMs = r.latencyMs;
  c.ruleHits += r.ruleIds.length;
  c.lastFrameAt = r.receivedAt;
}
