/**
 * The relay's hooks. Every feature (validation, rules, translation, KPIs, store, live view) is an Addon.
 *
 * Two kinds of hook:
 * - interceptors (`connecting`, `sessionOpen`, `message`, `beforeSend`, `sessionClose`) run in addon order on the
 *   relay path, synchronously (only `connecting` may be async: it runs during the handshake). They may change,
 *   drop, delay, answer or inject frames, and close sessions. Keep them cheap.
 * - `observe` receives RelayEvents after the frame was written or dropped, batched off the relay path
 *   (setImmediate), from a bounded queue. An observer can never delay a frame.
 * A recorder (`record` + `commitTurn`) is the one exception, for what must survive a crash: it gets every event
 * synchronously, and the turn's frames leave the process only after its `commitTurn` has run.
 * An addon that throws is logged and isolated: the frame goes on as if the addon had not been there.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { ControlRoutes } from './control-routes.js';
import type { MessageRecord, RelayMessage } from './relay-message.js';
import type { PendingView } from './pending-calls.js';
import type { SessionState } from './session-state.js';
import type { CloseInfo, Direction, OcppFrame, Origin, RelayStats, SessionInfo } from './types.js';

export interface Addon {
  readonly name: string;
  /** Called once when the relay starts (before it listens). */
  start?(ctx: AddonContext): void | Promise<void>;
  /** Called once at shutdown, after every session closed: flush what you hold. */
  stop?(): void | Promise<void>;
  /**
   * Graceful shutdown (SIGTERM), before `stop`: let stations leave without a storm (e.g. close them spread over a
   * window). Resolves when done; `abort` fires when the operator wants to stop at once (second signal).
   */
  drain?(abort: AbortSignal): Promise<void>;
  /**
   * A plain HTTP request (not a WebSocket upgrade) on the listen port. Return true when this addon answered it;
   * the first addon that does wins. Unanswered requests get 426 (connect with a WebSocket).
   */
  httpRequest?(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * A WebSocket upgrade, before the relay parses it. Return true when this addon took the socket over (it then
   * owns it: answer, pipe or destroy it); the relay does nothing more with it. For blind pass-through.
   */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * TLS key material of the station listener (wss://), one NSS key-log line (SSLKEYLOGFILE format, newline
   * included) at a time, as Node's `keylog` event gives it. For decrypting captures: keep what it gets secret.
   */
  tlsKeylog?(line: Buffer, socket: TLSSocket): void;
  /** A station knocks: change the upstream URL, protocols, headers or TLS options, or refuse it. */
  connecting?(ctx: ConnectContext): void | Promise<void>;
  sessionOpen?(session: Session): void;
  /** Every frame, in addon order, before it is forwarded. */
  message?(msg: RelayMessage, session: Session): void;
  /** After every `message` hook, for frames that will be written (not dropped ones). */
  beforeSend?(msg: RelayMessage, session: Session): void;
  sessionClose?(session: Session, info: CloseInfo): void;
  /** Observer: every event, off the relay path. */
  observe?(event: RelayEvent): void;
  /**
   * Recorder: every event, synchronously as it is published. The bytes of every frame written in this event-loop
   * turn stay in the process until each recorder's `commitTurn` has run, so what a recorder makes durable there is
   * never behind what the peers have received, whenever the process dies. Cheap work only: it is on the relay path.
   */
  record?(event: RelayEvent): void;
  /** The end of a turn that recorded events (once per loop iteration at most): make them durable now. */
  commitTurn?(): void;
  /** The addon that serves the control API says where, once started (how `start` learns of it). */
  controlEndpoint?(): { url: string; token: string } | undefined;
}

export interface InjectOptions {
  origin: Origin;
  /** Rule id, 'translation', 'operator', ... recorded with the frame. */
  by: string;
  /** For an injected CALL: its answer is handed here and not forwarded (swallowed). */
  onAnswer?: (answer: OcppFrame) => void;
  /** Delay before the frame is written (ms), counted as added on purpose. */
  delayMs?: number;
  /** For an answer to a CALL the proxy kept from its receiver: that CALL's action, for the record. */
  action?: string;
}

/** A session as addons see it: its facts, plus what they may do to it. */
export interface Session extends SessionInfo {
  /**
   * Send a frame the proxy made toward one side. A string is written as is (deliberately malformed frames).
   * The frame passes the `beforeSend` hooks and is recorded like any other.
   */
  inject(direction: Direction, frame: OcppFrame | string, opts: InjectOptions): void;
  /** Close both legs with this code and reason. */
  close(code: number, reason: string, by: string): void;
  /** Reset both legs abruptly (no close frame). */
  terminate(by: string): void;
  /** CALLs written in `direction` that wait for their answer. */
  pending(direction: Direction): PendingView;
  /** The session's facts as one frozen object (what events carry). */
  readonly info: SessionInfo;
  /** Per-addon state, each slot typed by its StateKey. */
  readonly state: SessionState;
  /** Set the OCPP versions after a translating addon chose them (connecting → sessionOpen). */
  readonly isOpen: boolean;
}

/** What `connecting` hooks may read and change before the upstream leg opens. */
export interface ConnectContext {
  readonly identity: string;
  readonly path: string;
  readonly remoteAddress: string;
  readonly offeredProtocols: readonly string[];
  /** Request headers from the station (lower-case names). Authorization is among them: never log it. */
  readonly requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
  readonly tls: SessionInfo['tls'];
  /** Upstream URL for this station (base URL + identity). */
  upstreamUrl: string;
  /** Protocols to offer the CSMS. */
  upstreamProtocols: string[];
  /** Headers to send the CSMS (Authorization included, passed through by default). */
  upstreamHeaders: Record<string, string>;
  /** TLS options for the CSMS leg (ca, cert, key, rejectUnauthorized, ...). */
  upstreamTls: Record<string, unknown>;
  /**
   * The protocol to answer the station with. Default: what the CSMS chose, when the station offered it.
   * A translating addon sets it to the station's own version.
   */
  stationProtocol: string | undefined;
  securityProfile: number;
  basicAuthUser: string | undefined;
  /** Refuse the station: it gets this HTTP status at the handshake. */
  reject(status: number, reason: string): void;
}

/**
 * Events a feature adds to the stream, typed by that feature: it augments this interface
 * (`declare module '../core/addon.js' { interface FeatureEvents { kpi: { sample: KpiSample } } }`), the core
 * carries them like its own without knowing them.
 */
export interface FeatureEvents {}

type FeatureEvent = { [K in keyof FeatureEvents]: { type: K } & FeatureEvents[K] }[keyof FeatureEvents];

export type RelayEvent =
  | { type: 'session-open'; session: SessionInfo }
  | { type: 'session-close'; session: SessionInfo; close: CloseInfo }
  | { type: 'message'; message: MessageRecord }
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; source: string; text: string; sessionId?: string; identity?: string }
  | FeatureEvent;

/** What an addon gets at start: publishing, logging and a read-only view of the relay. */
export interface AddonContext {
  readonly logger: Logger;
  /** Publish an event to every observer (off the relay path). */
  publish(event: RelayEvent): void;
  sessions(): Iterable<Session>;
  stats(): RelayStats;
  /** The relay's options, read-only. */
  readonly options: Readonly<RelayOptions>;
  /** The control API's route table: register what this addon exposes. */
  readonly control: ControlRoutes;
  /** Find an open session by its id. */
  session(id: string): Session | undefined;
}

export type MalformedPolicy = 'forward' | 'refuse';

export interface RelayOptions {
  listen: { host: string; port: number };
  upstream: string;
  dataDir: string;
  /**
   * What the relay does with a frame that is not OCPP-J of its leg's version (or nests too deep): `forward` it,
   * flagged, or `refuse` it: answer the sender with the version's CALLERROR and forward nothing. A frame over
   * maxFrame is always refused. Features may set it (validation's enforce mode refuses).
   */
  malformed: MalformedPolicy;
  /** Largest frame accepted, in bytes. */
  maxFrame: number;
  /** Deepest nesting of arrays/objects in a frame; deeper ones are malformed (CALLERROR in enforce, flagged in observe). */
  maxDepth: number;
  /** Protocol offered upstream for a station that offers none. */
  defaultProtocol: string;
  /** WebSocket ping interval on each leg (s); 0 disables. A peer silent for two intervals is dead. */
  pingInterval: number;
  /** How long to wait for the CSMS to accept the upstream connection (ms). */
  connectTimeout: number;
}
