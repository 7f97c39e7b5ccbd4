/**
 * A recorded frame as the *station* saw it. KPIs are measured in the station's OCPP version, which differs from
 * the CSMS's when a translating addon sits in between:
 * - toward the station, `text` is what was written to it;
 * - from the station, `original` (set when anything changed the frame) is what it sent, else `text`.
 * The text is parsed lazily: most frames need only their id and kind, which the record already holds.
 */
import { decodeFrame } from '../core/frame-codec.js';
import type { MessageRecord } from '../core/relay-message.js';
import { kindOf, type Direction, type MessageKind, type OcppFrame, type Origin } from '../core/types.js';

export class StationFrame {
  private decoded: OcppFrame | null | undefined;

  constructor(private readonly rec: MessageRecord) {}

  get direction(): Direction {
    return this.rec.direction;
  }

  get origin(): Origin {
    return this.rec.origin;
  }

  get messageId(): string {
    return this.rec.messageId;
  }

  /** µs (monotonic clock, epoch-based) when the frame was read from its sender. */
  get readAt(): number {
    return this.rec.receivedAt;
  }

  /** µs when the frame was written to its receiver (after any rule delay); undefined when it never was. */
  get writtenAt(): number | undefined {
    return this.rec.dropped ? undefined : this.rec.sentAt;
  }

  /** The station-side frame, or undefined when that text is not OCPP-J. */
  get frame(): OcppFrame | undefined {
    if (this.decoded === undefined) {
      // Types 5 and 6 decode only where the recorded leg speaks 2.1 (a translated station never sends them).
      this.decoded = decodeFrame(this.stationText(), this.rec.version).frame ?? null;
    }
    return this.decoded ?? undefined;
  }

  get kind(): MessageKind | undefined {
    if (!this.rec.modified) return this.rec.kind === 'MALFORMED' ? undefined : this.rec.kind;
    const f = this.frame;
    return f === undefined ? undefined : kindOf(f.type);
  }

  /** The CALL's action in the station's version. */
  get action(): string | undefined {
    if (!this.rec.modified) return this.rec.kind === 'CALL' ? this.rec.action : undefined;
    const f = this.frame;
    return f?.type === 2 ? f.action : undefined;
  }

  /** Payload of a CALL or CALLRESULT ({} for a CALLERROR or an unreadable frame). */
  get payload(): Record<string, unknown> {
    const f = this.frame;
    if (f === undefined || f.type === 4 || f.type === 5) return {};
    return f.payload as Record<string, unknown>;
  }

  private stationText(): string {
    return this.rec.direction === 'to-csms' ? (this.rec.original ?? this.rec.text) : this.rec.text;
  }
}
