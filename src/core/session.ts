/**
 * One station connection and its CSMS twin. Reads frames from either leg, correlates answers with the CALLs
 * they answer, runs the addons' interceptors, and writes the result to the other leg — the exact text it
 * received unless an addon changed it.
 */
import type WebSocket from 'ws';
import type { Logger } from 'pino';
import type { InjectOptions, MalformedPolicy, RelayEvent, Session } from './addon.js';
import type { AddonRunner } from './addon-runner.js';
import { relayClose, truncateReason } from './close-codes.js';
import { decodeFrame, encodeFrame, errorForMalformed, sniffAction, sniffMessageId } from './frame-codec.js';
import { PendingCalls, type PendingView } from './pending-calls.js';
import { RelayMessage } from './relay-message.js';
import { SessionState } from './session-state.js';
import type {
  CloseInfo,
  Direction,
  MalformedInfo,
  OcppFrame,
  OcppVersion,
  SessionInfo,
  TlsFacts,
} from './types.js';
import { nowMicros, opposite, speaksTypes5And6, versionOfProtocol } from './types.js';

/** Most CALLs a peer may leave unanswered per direction before the oldest are forgotten (OCPP allows one). */
const MAX_PENDING = 1000;
/** CALLs answered by a CALLRESULT kept per direction on a 2.1 session, for a CALLRESULTERROR refusing that answer. */
const MAX_ANSWERED = 64;

export interface SessionDeps {
  runner: AddonRunner;
  logger: Logger;
  publish(event: RelayEvent | { type: 'message-out'; msg: RelayMessage }): void;
  /** Hold this leg's writes until the turn's records are committed (present when an addon records). */
  holdWrites?(leg: 'station' | 'csms'): void;
  /** Commit the turn now and let held writes go (before a reset, which would drop them). */
  releaseWrites?(): void;
  nextSeq(): number;
  counters: { framesIn: number; framesOut: number; framesDropped: number; framesMalformed: number };
  malformed: MalformedPolicy;
  maxFrame: number;
  maxDepth: number;
  pingIntervalMs: number;
  onClosed(session: RelaySession): void;
}

/** What the relay knows of a session when it opens; the versions and the opening time are derived here. */
export type SessionFacts = Omit<SessionInfo, 'stationVersion' | 'csmsVersion' | 'openedAt'>;

// The facts are the session's own fields (Object.assign in the constructor), declared once, in SessionInfo.
export interface RelaySession extends SessionInfo {}

export class RelaySession implements Session {
  /** The session's facts, one frozen object: what events carry and the control API sends. */
  readonly info: SessionInfo;
  readonly state = new SessionState();

  private readonly pendingCalls: Record<Direction, PendingCalls> = {
    'to-csms': new PendingCalls(MAX_PENDING),
    'to-station': new PendingCalls(MAX_PENDING),
  };
  /** OCPP 2.1: CALLs whose CALLRESULT was relayed, by the direction the CALL went (where a CALLRESULTERROR goes). */
  private readonly answeredCalls: Record<Direction, PendingCalls> | undefined;
  private closeInfo: CloseInfo | undefined;
  private alive = { station: true, csms: true };
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(
    facts: SessionFacts,
    private readonly station: WebSocket,
    private readonly csms: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    this.info = Object.freeze({
      ...facts,
      offeredProtocols: Object.freeze([...facts.offeredProtocols]),
      tls: facts.tls && Object.freeze({ ...facts.tls }),
      // A station that offered no subprotocol speaks whatever the CSMS leg agreed.
      stationVersion: versionOfProtocol(facts.stationProtocol || facts.csmsProtocol),
      csmsVersion: versionOfProtocol(facts.csmsProtocol || facts.stationProtocol),
      openedAt: nowMicros(),
    });
    Object.assign(this, this.info);
    if (speaksTypes5And6(this.stationVersion) || speaksTypes5And6(this.csmsVersion)) {
      this.answeredCalls = { 'to-csms': new PendingCalls(MAX_ANSWERED), 'to-station': new PendingCalls(MAX_ANSWERED) };
    }
  }

  get isOpen(): boolean {
    return this.closeInfo === undefined;
  }

  /** Wire both legs and tell the addons. */
  start(): void {
    this.station.on('message', (data, isBinary) => this.onFrame('to-csms', data as Buffer, isBinary));
    this.csms.on('message', (data, isBinary) => this.onFrame('to-station', data as Buffer, isBinary));
    this.station.on('close', (code, reason) => this.onLegClosed('station', code, reason.toString()));
    this.csms.on('close', (code, reason) => this.onLegClosed('csms', code, reason.toString()));
    this.station.on('error', (err) => this.onLegError('station', err));
    this.csms.on('error', (err) => this.onLegError('csms', err));
    this.station.on('pong', () => (this.alive.station = true));
    this.csms.on('pong', () => (this.alive.csms = true));
    if (this.deps.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.ping(), this.deps.pingIntervalMs);
      this.pingTimer.unref();
    }
    this.deps.runner.run('sessionOpen', [this]);
    this.deps.publish({ type: 'session-open', session: this.info });
  }

  pending(direction: Direction): PendingView {
    return this.pendingCalls[direction];
  }

  // ---- frames read from a leg -------------------------------------------------------------------------

  private onFrame(direction: Direction, data: Buffer, isBinary: boolean): void {
    const receivedMono = performance.now();
    if (direction === 'to-csms') this.alive.station = true;
    else this.alive.csms = true;
    this.deps.counters.framesIn++;
    const text = data.toString('utf8');

    let frame: OcppFrame | undefined;
    let malformed: MalformedInfo | undefined;
    if (isBinary) {
      malformed = { reason: 'binary', detail: 'OCPP-J frames are text frames; got a binary frame', messageId: '-1' };
    } else if (data.length > this.deps.maxFrame) {
      malformed = {
        reason: 'too-large',
        detail: `frame of ${data.length} bytes exceeds the limit of ${this.deps.maxFrame} bytes (--max-frame)`,
        messageId: sniffMessageId(text.slice(0, 100)),
        action: sniffAction(text.slice(0, 200)),
      };
    } else {
      const decoded = decodeFrame(text, direction === 'to-csms' ? this.stationVersion : this.csmsVersion, this.deps.maxDepth);
      frame = decoded.frame;
      malformed = decoded.malformed;
    }

    const msg = new RelayMessage(this.deps.nextSeq(), this, direction, 'wire', text, frame, malformed, receivedMono, undefined, isBinary);
    if (malformed) {
      this.deps.counters.framesMalformed++;
      this.handleMalformed(msg, malformed);
      return;
    }
    if (frame!.type !== 2 && frame!.type !== 6) this.correlate(msg, frame!);
    if (msg.dropped) return this.finishDropped(msg);

    this.deps.runner.runFrameHook('message', msg, this);
    if (msg.dropped) return this.finishDropped(msg);
    this.dispatch(msg);
  }

  /** Match an answer to the CALL it answers; answers to CALLs the proxy injected are handed back, not forwarded. */
  private correlate(msg: RelayMessage, frame: OcppFrame): void {
    if (frame.type === 5) {
      // A CALLRESULTERROR travels the way its CALL went and refuses the CALLRESULT already relayed for it.
      const answered = this.answeredCalls?.[msg.direction].take(frame.id);
      if (answered) {
        msg.call = answered;
        msg.action = answered.action;
      }
      return;
    }
    const call = this.pendingCalls[opposite(msg.direction)].take(frame.id);
    if (!call) return;
    msg.call = call;
    msg.action = call.action;
    if (frame.type === 3) this.answeredCalls?.[call.direction].add(call);
    if (call.onAnswer) {
      msg.drop(call.origin, `answer to a CALL the proxy injected (${call.origin})`);
      try {
        call.onAnswer(frame);
      } catch (err) {
        this.deps.logger.error({ err, session: this.identity }, 'handler of an injected CALL failed');
      }
    }
  }

  /**
   * A frame that is not valid OCPP-J. Observe: forward it untouched, so the receiver answers as it would have.
   * Enforce, and any frame over --max-frame: answer the sender with the CALLERROR the spec prescribes.
   */
  private handleMalformed(msg: RelayMessage, info: MalformedInfo): void {
    const refuse = info.reason === 'too-large' || this.deps.malformed === 'refuse';
    if (!refuse) {
      this.dispatch(msg);
      return;
    }
    msg.drop('proxy', info.detail);
    this.finishDropped(msg);
    // Answering a CALLERROR with a CALLERROR would ping-pong errors: never answer one. On 2.1, neither a
    // CALLRESULTERROR nor a SEND is ever answered.
    if (info.messageTypeId === 4) return;
    if (speaksTypes5And6(msg.senderVersion) && (info.messageTypeId === 5 || info.messageTypeId === 6)) return;
    this.inject(opposite(msg.direction), errorForMalformed(info, msg.senderVersion), { origin: 'proxy', by: 'framing' });
  }

  // ---- writing ----------------------------------------------------------------------------------------

  /** Run beforeSend hooks, then write now or after the delay rules asked for. */
  private dispatch(msg: RelayMessage): void {
    this.deps.runner.runFrameHook('beforeSend', msg, this);
    if (msg.dropped) return this.finishDropped(msg);
    if (msg.heldBy !== undefined) return this.park(msg);
    this.writeAfterDelay(msg, msg.ruleDelayMs);
  }

  private writeAfterDelay(msg: RelayMessage, delayMs: number): void {
    if (delayMs > 0) {
      setTimeout(() => this.write(msg), delayMs).unref();
    } else {
      this.write(msg);
    }
  }

  /** A frame an addon holds: written (or recorded dropped) on release; the time held counts as delay on purpose. */
  private park(msg: RelayMessage): void {
    const since = performance.now();
    const delayMs = msg.ruleDelayMs;
    msg.parkUntilRelease(() => {
      msg.ruleDelayMs += performance.now() - since;
      if (msg.dropped) return this.finishDropped(msg);
      this.writeAfterDelay(msg, delayMs);
    });
  }

  private write(msg: RelayMessage): void {
    const target = msg.direction === 'to-csms' ? this.csms : this.station;
    if (target.readyState !== target.OPEN) {
      msg.drop('proxy', `the ${msg.direction === 'to-csms' ? 'CSMS' : 'station'} leg is closed`);
      return this.finishDropped(msg);
    }
    const frame = msg.frame;
    const sentMono = performance.now();
    if (frame?.type === 2) this.track(msg, frame.id, frame.action, frame.payload, sentMono);
    this.deps.holdWrites?.(msg.direction === 'to-csms' ? 'csms' : 'station');
    target.send(msg.text, { binary: msg.binary && !msg.modified });
    msg.sentMono = sentMono;
    this.deps.counters.framesOut++;
    this.deps.publish({ type: 'message-out', msg });
  }

  private track(msg: RelayMessage, id: string, action: string, payload: unknown, sentMono: number): void {
    // A CALL sent twice under one id (a duplicating rule, a retrying peer) is timed from its first copy.
    this.pendingCalls[msg.direction].add({
      id,
      action,
      direction: msg.direction,
      origin: msg.origin,
      receivedMono: msg.receivedMono,
      sentMono,
      ruleDelayMs: msg.ruleDelayMs,
      payload,
      onAnswer: msg.onAnswer,
    });
  }

  private finishDropped(msg: RelayMessage): void {
    this.deps.counters.framesDropped++;
    this.deps.publish({ type: 'message-out', msg });
  }

  inject(direction: Direction, frame: OcppFrame | string, opts: InjectOptions): void {
    const isText = typeof frame === 'string';
    const text = isText ? frame : encodeFrame(frame);
    const parsed = isText ? decodeFrame(text, direction === 'to-csms' ? this.csmsVersion : this.stationVersion, this.deps.maxDepth) : { frame, malformed: undefined };
    const msg = new RelayMessage(
      this.deps.nextSeq(),
      this,
      direction,
      opts.origin,
      text,
      parsed.frame,
      parsed.malformed,
      performance.now(),
      opts.by,
    );
    if (parsed.frame?.type === 5) {
      // The proxy refusing a CALLRESULT in a peer's name: it answers a CALL that has already been settled.
      const call = this.answeredCalls?.[direction].take(parsed.frame.id);
      msg.call = call;
      msg.action = call?.action ?? opts.action;
    } else if (parsed.frame && parsed.frame.type !== 2 && parsed.frame.type !== 6) {
      // An answer the proxy makes in the name of a peer: it settles that peer's pending CALL.
      const call = this.pendingCalls[opposite(direction)].take(parsed.frame.id);
      if (call) {
        msg.call = call;
        msg.action = call.action;
      } else {
        // Answering a CALL that was never written (a rule or enforce answering in the peer's name).
        msg.action = opts.action;
      }
    }
    msg.onAnswer = opts.onAnswer;
    if (opts.delayMs) msg.ruleDelayMs += opts.delayMs;
    this.dispatch(msg);
  }

  // ---- closing ----------------------------------------------------------------------------------------

  close(code: number, reason: string, by: string): void {
    this.deps.logger.info({ station: this.identity, code, reason, by }, 'closing session');
    this.finish({ initiator: 'proxy', code, reason, closedAt: nowMicros() });
    relayClose(this.station, code, reason);
    relayClose(this.csms, code, reason);
  }

  terminate(by: string): void {
    this.deps.logger.info({ station: this.identity, by }, 'resetting session');
    this.finish({ initiator: 'proxy', code: 1006, reason: `reset by ${by}`, closedAt: nowMicros() });
    this.deps.releaseWrites?.();
    this.station.terminate();
    this.csms.terminate();
  }

  private onLegClosed(leg: 'station' | 'csms', code: number, reason: string): void {
    const other = leg === 'station' ? this.csms : this.station;
    if (this.closeInfo === undefined) {
      this.deps.logger.info({ station: this.identity, leg, code, reason }, `${leg} closed the connection`);
      this.finish({ initiator: leg, code, reason, closedAt: nowMicros() });
    }
    relayClose(other, code, reason);
  }

  private onLegError(leg: 'station' | 'csms', err: Error): void {
    // ws closes the socket after an error (e.g. 1009 for a frame beyond the hard cap); the close handler relays it.
    this.deps.logger.warn({ station: this.identity, leg, err: err.message }, `${leg} connection error: ${err.message}`);
  }

  private ping(): void {
    if (!this.alive.station || !this.alive.csms) {
      const dead = !this.alive.station ? 'station' : 'csms';
      const reason = `${dead === 'station' ? 'station' : 'CSMS'} did not answer pings within ${this.deps.pingIntervalMs} ms`;
      this.deps.logger.warn({ station: this.identity }, reason);
      this.finish({ initiator: 'proxy', code: 1001, reason, closedAt: nowMicros() });
      // The dead peer gets no close handshake; the live one is told why.
      const live = dead === 'station' ? this.csms : this.station;
      (dead === 'station' ? this.station : this.csms).terminate();
      relayClose(live, 1001, truncateReason('peer unreachable (ping timeout)'));
      return;
    }
    this.alive = { station: false, csms: false };
    for (const ws of [this.station, this.csms]) {
      if (ws.readyState === ws.OPEN) ws.ping();
    }
  }

  private finish(info: CloseInfo): void {
    if (this.closeInfo) return;
    this.closeInfo = info;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.deps.runner.run('sessionClose', [this, info]);
    this.deps.publish({ type: 'session-close', session: this.info, close: info });
    this.deps.onClosed(this);
  }

  /** Resolves when both legs are closed. */
  closed(): Promise<void> {
    const done = (ws: WebSocket): Promise<void> =>
      ws.readyState === ws.CLOSED ? Promise.resolve() : new Promise((r) => ws.once('close', () => r()));
    return Promise.all([done(this.station), done(this.csms)]).then(() => undefined);
  }
}

