import { encodeFrame } from './frame-codec.js';
import type {
  Direction,
  MalformedInfo,
  MessageKind,
  OcppFrame,
  OcppVersion,
  Origin,
  PendingCall,
  SessionInfo,
  ValidationIssue,
  ValidationResult,
} from './types.js';
import { kindOf, monoToMicros } from './types.js';

const NONE: readonly string[] = Object.freeze([]);

/** A frame in flight. Interceptors change it only through its methods, so every change is traced. */
export class RelayMessage {
  // Most frames are never changed nor matched by a rule: these lists are made on first use.
  private changes: string[] | undefined;
  private hits: string[] | undefined;
  validation: ValidationResult | undefined;
  /** Validation of the frame as finally sent, when something changed it. */
  outputValidation: ValidationResult | undefined;
  /** For answers: the CALL this answers; for a CALLRESULTERROR: the CALL whose CALLRESULT it refuses (undefined when unmatched). */
  call: PendingCall | undefined;
  /** CALL's or SEND's action, or for answers (and CALLRESULTERRORs) the action of the CALL they answer. */
  action: string | undefined;
  dropped: { by: string; reason: string } | undefined;
  /** Delay rules added on purpose (ms). */
  ruleDelayMs = 0;
  sentMono: number | undefined;
  /** For a CALL the proxy injects: where its answer goes instead of being forwarded. */
  onAnswer: ((answer: OcppFrame) => void) | undefined;
  private replaced: string | undefined;
  private holder: string | undefined;
  private resume: (() => void) | undefined;

  constructor(
    readonly seq: number,
    readonly session: SessionInfo,
    readonly direction: Direction,
    readonly origin: Origin,
    /** The text as it crossed the wire (or as the proxy first made it). */
    readonly raw: string,
    private current: OcppFrame | undefined,
    readonly malformed: MalformedInfo | undefined,
    readonly receivedMono: number,
    /** Who made it, for frames the proxy made (rule id, 'translation', 'operator'). */
    readonly madeBy?: string,
    readonly binary = false,
  ) {
    this.action = current?.type === 2 || current?.type === 6 ? current.action : malformed?.action;
    this.initialAction = current?.type === 2 || current?.type === 6 ? current.action : undefined;
  }

  /** A CALL's action as it came (before translation or a rule renamed it). */
  private readonly initialAction: string | undefined;

  /** Rules, translation or operator steps that changed the frame, in order. */
  get changedBy(): readonly string[] {
    return this.changes ?? NONE;
  }

  /** Rules that matched this frame (whether or not they changed it). */
  get ruleIds(): readonly string[] {
    return this.hits ?? NONE;
  }

  get frame(): OcppFrame | undefined {
    return this.current;
  }

  /** The text that will be (or was) written to the receiver. */
  get text(): string {
    return this.replaced ?? this.raw;
  }

  get modified(): boolean {
    return this.replaced !== undefined;
  }

  get kind(): MessageKind | 'MALFORMED' {
    return this.current ? kindOf(this.current.type) : 'MALFORMED';
  }

  get messageId(): string {
    return this.current?.id ?? this.malformed?.messageId ?? '-1';
  }

  /** OCPP version the frame is read in (the sender's leg). */
  get senderVersion(): OcppVersion | undefined {
    return this.direction === 'to-csms' ? this.session.stationVersion : this.session.csmsVersion;
  }

  /** OCPP version the frame is written in (the receiver's leg). */
  get receiverVersion(): OcppVersion | undefined {
    return this.direction === 'to-csms' ? this.session.csmsVersion : this.session.stationVersion;
  }

  get injected(): boolean {
    return this.origin !== 'wire';
  }

  /** Replace the frame; it is re-encoded, and the original stays in `raw`. */
  replace(frame: OcppFrame, by: string): void {
    this.current = frame;
    if (frame.type === 2 || frame.type === 6) this.action = frame.action;
    const text = encodeFrame(frame);
    // The same text (a Heartbeat reads alike in 1.6 and 2.0.1) is not a modification, whoever handled the frame.
    this.replaced = text === this.raw ? undefined : text;
    (this.changes ??= []).push(by);
  }

  /** Replace the text itself (a deliberately malformed frame): nothing parses it again. */
  replaceText(text: string, by: string): void {
    this.replaced = text;
    (this.changes ??= []).push(by);
  }

  drop(by: string, reason: string): void {
    if (!this.dropped) this.dropped = { by, reason };
  }

  delay(ms: number, by: string): void {
    this.ruleDelayMs += Math.max(0, ms);
    (this.changes ??= []).push(by);
  }

  /** Who holds the frame back (an addon that parks it for a person to decide), or undefined. */
  get heldBy(): string | undefined {
    return this.holder;
  }

  /**
   * Hold the frame (from `message` or `beforeSend`): the relay parks it instead of writing it, until `release`.
   * The holder may change or drop it meanwhile. The time held is counted as delay added on purpose.
   */
  hold(by: string): void {
    if (!this.dropped) this.holder ??= by;
  }

  /** Let a held frame go: the relay writes it as it now is, or records it dropped. Harmless when not held. */
  release(): void {
    const resume = this.resume;
    this.holder = undefined;
    this.resume = undefined;
    resume?.();
  }

  /** The relay's side of `hold`: what `release` runs. */
  parkUntilRelease(resume: () => void): void {
    this.resume = resume;
  }

  /** Note that a rule matched this frame. */
  hit(ruleId: string): void {
    if (!this.hits) this.hits = [ruleId];
    else if (!this.hits.includes(ruleId)) this.hits.push(ruleId);
  }

  /** A plain, serialisable snapshot for the store, the control API and the live view. */
  toRecord(): MessageRecord {
    const validation = this.outputValidation ?? this.validation;
    const issues = [...(this.validation?.issues ?? []), ...(this.outputValidation?.issues ?? [])];
    return {
      seq: this.seq,
      sessionId: this.session.id,
      identity: this.session.identity,
      direction: this.direction,
      origin: this.origin,
      madeBy: this.madeBy,
      version: this.recordedVersion(),
      receivedAt: monoToMicros(this.receivedMono),
      sentAt: this.sentMono === undefined ? undefined : monoToMicros(this.sentMono),
      kind: this.kind,
      messageId: this.messageId,
      action: this.action,
      text: this.text,
      original: this.modified ? this.raw : undefined,
      size: Buffer.byteLength(this.text),
      valid: !this.malformed && (this.validation?.valid ?? true) && (this.outputValidation?.valid ?? true),
      issues,
      errorCode: validation?.errorCode,
      malformed: this.malformed,
      dropped: this.dropped,
      ruleDelayMs: this.ruleDelayMs,
      modified: this.modified,
      changedBy: [...this.changedBy],
      ruleIds: [...this.ruleIds],
      latencyMs:
        // Only an answer is timed: a CALLRESULTERROR refuses an answer already timed, a SEND is never answered.
        this.call && (this.frame?.type === 3 || this.frame?.type === 4)
          ? Math.max(0, this.receivedMono - this.call.sentMono)
          : undefined,
      callAction: this.call?.action,
      ...this.originalLeg(),
    };
  }

  /**
   * The version of the text recorded: the receiver's leg for what was (or would be) written there, but the
   * sender's for a frame from the wire that was kept from the receiver unchanged (it only ever was on its own leg).
   */
  private recordedVersion(): OcppVersion | undefined {
    if (this.dropped && !this.modified && this.origin === 'wire') return this.senderVersion ?? this.receiverVersion;
    return this.receiverVersion ?? this.senderVersion;
  }

  private originalLeg(): { originalVersion?: OcppVersion; originalAction?: string } {
    if (!this.modified || this.origin !== 'wire') return {};
    const out: { originalVersion?: OcppVersion; originalAction?: string } = {};
    if (this.senderVersion && this.senderVersion !== this.recordedVersion()) out.originalVersion = this.senderVersion;
    if (this.initialAction && this.initialAction !== this.action) out.originalAction = this.initialAction;
    return out;
  }
}

/** One frame as recorded: what crossed (or was kept from crossing) the proxy. */
export interface MessageRecord {
  seq: number;
  sessionId: string;
  identity: string;
  direction: Direction;
  origin: Origin;
  madeBy: string | undefined;
  version: OcppVersion | undefined;
  /** µs since the epoch. */
  receivedAt: number;
  sentAt: number | undefined;
  kind: MessageKind | 'MALFORMED';
  messageId: string;
  action: string | undefined;
  /** Text as sent (or as received, when it was dropped). */
  text: string;
  /** Text as received, when something changed it. */
  original: string | undefined;
  size: number;
  valid: boolean;
  issues: ValidationIssue[];
  errorCode: string | undefined;
  malformed: MalformedInfo | undefined;
  dropped: { by: string; reason: string } | undefined;
  ruleDelayMs: number;
  modified: boolean;
  changedBy: string[];
  ruleIds: string[];
  /** For answers: time from the CALL written to the answer read (ms). */
  latencyMs: number | undefined;
  callAction: string | undefined;
  /**
   * When the frame was changed on its way across two versions (translation): the version and the CALL's action
   * it had on the leg it came from. `version`/`action` are what it is on the leg it went to.
   */
  originalVersion?: OcppVersion;
  originalAction?: string;
}
