/**
 * The relay's data model: what a frame, a session and a direction are.
 * Every addon speaks these types; the relay core knows no addon.
 */

export type OcppVersion = '1.6' | '2.0.1' | '2.1';

/** Which way a frame travels. */
export type Direction = 'to-csms' | 'to-station';

/** Who made a frame: the wire, or something inside the proxy. */
export type Origin = 'wire' | 'rule' | 'translation' | 'operator' | 'proxy';

export const MessageTypeId = { Call: 2, CallResult: 3, CallError: 4, CallResultError: 5, Send: 6 } as const;

export interface CallFrame {
  type: 2;
  id: string;
  action: string;
  payload: unknown;
}
export interface CallResultFrame {
  type: 3;
  id: string;
  payload: unknown;
}
export interface CallErrorFrame {
  type: 4;
  id: string;
  code: string;
  description: string;
  details: unknown;
}
/** OCPP 2.1 only: the receiver of a CALLRESULT refuses it; carries that CALLRESULT's (= its CALL's) id, never answered. */
export interface CallResultErrorFrame {
  type: 5;
  id: string;
  code: string;
  description: string;
  details: unknown;
}
/** OCPP 2.1 only: a one-way message, never answered and never an outstanding CALL. */
export interface SendFrame {
  type: 6;
  id: string;
  action: string;
  payload: unknown;
}
export type OcppFrame = CallFrame | CallResultFrame | CallErrorFrame | CallResultErrorFrame | SendFrame;

export type MessageKind = 'CALL' | 'CALLRESULT' | 'CALLERROR' | 'CALLRESULTERROR' | 'SEND';

/** Message types 5 and 6 exist only on an OCPP 2.1 connection. */
export const speaksTypes5And6 = (version: OcppVersion | undefined): boolean => version === '2.1';

/** Why a frame is not valid OCPP-J (it never reached schema validation). */
export interface MalformedInfo {
  reason: 'not-json' | 'not-array' | 'bad-arity' | 'bad-message-id' | 'unknown-message-type' | 'bad-action' | 'binary' | 'too-large' | 'too-deep';
  detail: string;
  /** Message id if it could be read, else '-1' (OCPP-J: unreadable id). */
  messageId: string;
  /** The message type number, when it could be read. */
  messageTypeId?: number;
  /** A CALL's action, when it can be read from the text all the same (shown and recorded instead of nothing). */
  action?: string;
}

/** One problem found by schema validation, in words an engineer reads at a glance. */
export interface ValidationIssue {
  /** JSON Pointer into the payload, '' for the payload itself. */
  path: string;
  /** The schema keyword that failed, e.g. 'required', 'enum', 'maxLength'. */
  rule: string;
  message: string;
}

export interface ValidationResult {
  valid: boolean;
  /** The OCPP-J error code a receiver would answer with for the first issue. */
  errorCode?: string;
  issues: ValidationIssue[];
  /** Which schema was used, e.g. '2.0.1/BootNotificationRequest'. */
  schema?: string;
}

/** TLS facts of the station leg. */
export interface TlsFacts {
  version: string;
  cipher: string;
  clientSubject?: string;
  clientIssuer?: string;
  clientFingerprint?: string;
}

/** What every addon may read of a session. */
export interface SessionInfo {
  /** Unique per connection (an identity reconnecting gets a new one). */
  readonly id: string;
  readonly identity: string;
  /** The request path the station used (without query). */
  readonly path: string;
  readonly remoteAddress: string;
  /** Subprotocols the station offered, in its order. */
  readonly offeredProtocols: readonly string[];
  /** Subprotocol agreed with the station ('' when it offered none). */
  readonly stationProtocol: string;
  /** Subprotocol agreed with the CSMS. */
  readonly csmsProtocol: string;
  /** OCPP version spoken on the station leg and the CSMS leg (differ only when translating). */
  readonly stationVersion: OcppVersion | undefined;
  readonly csmsVersion: OcppVersion | undefined;
  readonly upstreamUrl: string;
  readonly tls: TlsFacts | undefined;
  /** Security profile the station leg runs at (0 = none / plain ws without auth). */
  readonly securityProfile: number;
  /** User name of Basic auth, never the password. */
  readonly basicAuthUser: string | undefined;
  /** Wall clock, µs since the epoch. */
  readonly openedAt: number;
}

/** A CALL that went out and waits for its answer. */
export interface PendingCall {
  readonly id: string;
  readonly action: string;
  /** The direction the CALL travelled. */
  readonly direction: Direction;
  readonly origin: Origin;
  /** performance.now() when the CALL was read from its sender. */
  readonly receivedMono: number;
  /** performance.now() when the CALL was written to its receiver. */
  readonly sentMono: number;
  /** Delay a rule added on purpose to the CALL (ms): not charged to anyone. */
  readonly ruleDelayMs: number;
  /** Payload of the CALL as sent (for correlation by later addons: KPIs, translation). */
  readonly payload: unknown;
  /** Set for CALLs injected by the proxy: their answer is handed here and not forwarded. */
  readonly onAnswer?: (answer: OcppFrame) => void;
}

export interface CloseInfo {
  /** Which side closed first, or the proxy itself. */
  initiator: 'station' | 'csms' | 'proxy';
  code: number;
  reason: string;
  /** Wall clock, µs since the epoch. */
  closedAt: number;
}

/** Relay counters, read by the control API and the live view. */
export interface RelayStats {
  sessionsOpen: number;
  sessionsTotal: number;
  framesIn: number;
  framesOut: number;
  framesDropped: number;
  framesMalformed: number;
  observerEventsShed: number;
}

export const opposite = (d: Direction): Direction => (d === 'to-csms' ? 'to-station' : 'to-csms');

const KINDS: Record<OcppFrame['type'], MessageKind> = { 2: 'CALL', 3: 'CALLRESULT', 4: 'CALLERROR', 5: 'CALLRESULTERROR', 6: 'SEND' };
export const kindOf = (type: OcppFrame['type']): MessageKind => KINDS[type];

export function versionOfProtocol(protocol: string): OcppVersion | undefined {
  if (protocol === 'ocpp1.6' || protocol === 'ocpp1.6j') return '1.6';
  if (protocol === 'ocpp2.0.1' || protocol === 'ocpp2.0') return '2.0.1';
  if (protocol === 'ocpp2.1') return '2.1';
  return undefined;
}

/** Wall clock in µs since the epoch, with sub-ms resolution from the monotonic clock. */
const epochOffsetMs = Date.now() - performance.now();
export const nowMicros = (): number => Math.round((epochOffsetMs + performance.now()) * 1000);
export const monoToMicros = (mono: number): number => Math.round((epochOffsetMs + mono) * 1000);
