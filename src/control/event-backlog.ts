/**
 * The control stream's backlog: the newest events as JSON, for a client that asks for them when it connects.
 *
 * Serialising every event as it comes cost more than anything else the stream did, and with no client attached
 * (the usual case) nearly all of it was for nothing: at thousands of frames a second an event leaves the backlog
 * a fraction of a second after it came, before anybody asks. So frames and KPI samples wait here as the objects
 * the relay made, and are serialised only once they have been here for one or two ticks of `ageMs` and are still
 * among the newest `maxEntries`, or when a client asks. Events that fall out of the backlog first are never
 * serialised at all. Once serialised they live off the V8 heap in a JsonLineRing, as before; only the youngest
 * events are held as objects, for well under a second, so they die young: held longer, thousands of them a second
 * were promoted and filled the old generation until a mark-compact stalled the relay (see JsonLineRing).
 *
 * What a client gets is what it got when every event was serialised at once: the same JSON (records and samples
 * are never changed once published), the same newest entries, in the order they were published.
 */
import type { RelayEvent } from '../core/addon.js';
import { JsonLineRing } from './json-line-ring.js';

export class EventBacklog {
  private readonly ring: JsonLineRing;
  /** Events not serialised yet, oldest first, a circular list: all are newer than everything in `ring`. */
  private readonly pending: Array<RelayEvent | undefined>;
  private readonly pendingChars: Float64Array;
  private head = 0;
  private count = 0;
  /** How many of the oldest pending events were already pending at the last tick: the next one serialises them. */
  private aged = 0;
  private chars = 0;
  private readonly timer: NodeJS.Timeout;
  /** Frames whose text is longer than this are serialised at once (their JSON may be too large for the ring). */
  private readonly eagerChars: number;
  /** What pending events may add up to (by lazyChars) before the oldest are serialised early: the ring's size. */
  private readonly maxPendingChars: number;

  constructor(
    readonly maxEntries: number,
    ageMs = 100,
    ringBytes?: number,
  ) {
    this.ring = new JsonLineRing(maxEntries, ringBytes);
    this.pending = new Array<RelayEvent | undefined>(maxEntries);
    this.pendingChars = new Float64Array(maxEntries);
    this.maxPendingChars = ringBytes ?? Math.max(1024 * 1024, maxEntries * 2048);
    this.eagerChars = Math.floor(this.maxPendingChars / 64);
    this.timer = setInterval(() => this.tick(), ageMs);
    this.timer.unref();
  }

  /**
   * Keep `event`. `json`, when the caller already has it (a client was sent the event), is kept as it is; so are
   * events other than frames and KPI samples (few, and of any size).
   */
  push(event: RelayEvent, json?: string): void {
    const chars = json === undefined ? lazyChars(event) : undefined;
    if (chars === undefined || chars > this.eagerChars) {
      this.serialiseAll();
      this.ring.push(json ?? JSON.stringify(event));
      return;
    }
    if (this.count === this.maxEntries) this.forgetOldest();
    const slot = (this.head + this.count) % this.maxEntries;
    this.pending[slot] = event;
    this.pendingChars[slot] = chars;
    this.count++;
    this.chars += chars;
    while (this.chars > this.maxPendingChars) this.serialiseOldest();
  }

  /** The newest `n` events as JSON, oldest first. */
  last(n: number): string[] {
    this.serialiseAll();
    return this.ring.last(n);
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** Serialise what was pending at the last tick already: it has waited at least `ageMs`. */
  private tick(): void {
    while (this.aged > 0) this.serialiseOldest();
    this.aged = this.count;
  }

  private serialiseAll(): void {
    while (this.count > 0) this.serialiseOldest();
  }

  private serialiseOldest(): void {
    const event = this.takeOldest();
    this.ring.push(JSON.stringify(event));
  }

  /** The oldest pending event has `maxEntries` newer ones: it would leave the backlog before anyone saw it. */
  private forgetOldest(): void {
    this.takeOldest();
  }

  private takeOldest(): RelayEvent {
    const event = this.pending[this.head]!;
    this.pending[this.head] = undefined;
    this.chars -= this.pendingChars[this.head]!;
    this.head = (this.head + 1) % this.maxEntries;
    this.count--;
    if (this.aged > 0) this.aged--;
    return event;
  }
}

/** A frame's or KPI sample's size in characters, as far as it can grow its JSON; undefined: serialise it now. */
function lazyChars(event: RelayEvent): number | undefined {
  switch (event.type) {
    case 'message': {
      const m = event.message;
      // Escaping can double a text; an issue is a path, a rule and a sentence.
      return 2 * (m.text.length + (m.original?.length ?? 0)) + 256 * m.issues.length + 512;
    }
    case 'kpi':
      return 384;
    default:
      return undefined;
  }
}
