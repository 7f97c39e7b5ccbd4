/**
 * The control API's own routes: open sessions with their counters, relay stats, and what an operator may do to
 * a session (close it, inject a frame and wait for its answer). Other features register theirs beside these.
 */
import type { AddonContext, Session } from '../core/addon.js';
import { ControlError, typedRoutes, type ControlRequest, type HttpMethod } from '../core/control-routes.js';
import { decodeFrame, encodeFrame, sniffMessageId } from '../core/frame-codec.js';
import type { Direction, OcppFrame, RelayStats, SessionInfo } from '../core/types.js';
import type { EventStream } from './event-stream.js';
import type { SessionCounters, TrafficCounters } from './traffic-counters.js';

const DEFAULT_INJECT_TIMEOUT_MS = 30_000;
const MAX_INJECT_TIMEOUT_MS = 300_000;

/** An open session as the control API shows it: its facts and its traffic counters. */
export type SessionView = SessionInfo & { counters: SessionCounters };

/** GET /api/stats: the relay's counters and rates. */
export interface StatsView extends RelayStats {
  listen: { host: string; port: number };
  upstream: string;
  messagesPerSecond: number;
  eventsPerSecond: number;
  invalid: number;
  callErrors: number;
  ruleHits: number;
  stream: { clients: number; missed: number };
  /** The control API's own URL. */
  control: string;
  /** ms since the epoch. */
  startedAt: number;
}

/** A frame to inject: an OCPP-J array, or a string sent as is (a deliberately malformed frame). */
export interface InjectBody {
  direction: Direction;
  frame: unknown[] | string;
  /** How long to wait for the answer to an injected CALL (ms, default 30 s, at most 300 s). */
  timeoutMs?: number;
}

export interface InjectResult {
  sent: true;
  messageId: string | undefined;
  /** The answer to an injected CALL, as an OCPP-J array. */
  answer?: unknown[];
}

/** The control API's own routes. `:id` is a session id or a station identity. */
export interface OperatorRoutes {
  'GET /api': { response: { routes: Array<{ method: HttpMethod; path: string }> } };
  'GET /api/sessions': { response: SessionView[] };
  'GET /api/sessions/:id': { params: { id: string }; response: SessionView };
  'GET /api/stats': { response: StatsView };
  'POST /api/sessions/:id/close': {
    params: { id: string };
    body: { code?: number; reason?: string };
    response: { closed: string; code: number; reason: string };
  };
  'POST /api/sessions/:id/inject': { params: { id: string }; body: InjectBody; response: InjectResult };
}

export interface OperatorRouteDeps {
  ctx: AddonContext;
  counters: TrafficCounters;
  stream: EventStream;
  startedAt: number;
  /** The control API's own URL, for /api/stats. */
  controlUrl(): string;
}

export function registerOperatorRoutes(deps: OperatorRouteDeps): void {
  const { ctx, counters, stream } = deps;
  const routes = ctx.control;
  const route = typedRoutes<OperatorRoutes>(routes);

  route('GET /api', () => ({ routes: routes.list() }));

  route('GET /api/sessions', () => [...ctx.sessions()].map((s) => ({ ...s.info, counters: counters.of(s.id) })));

  route('GET /api/sessions/:id', (req) => {
    const s = sessionOr404(ctx, req);
    return { ...s.info, counters: counters.of(s.id) };
  });

  route('GET /api/stats', () => ({
    listen: ctx.options.listen,
    upstream: ctx.options.upstream,
    ...ctx.stats(),
    messagesPerSecond: counters.messages.perSecond(),
    eventsPerSecond: counters.events.perSecond(),
    invalid: counters.invalid,
    callErrors: counters.callErrors,
    ruleHits: counters.ruleHits,
    stream: { clients: stream.clientCount, missed: stream.missedTotal },
    control: deps.controlUrl(),
    startedAt: deps.startedAt,
  }));

  route('POST /api/sessions/:id/close', (req) => {
    const s = sessionOr404(ctx, req);
    const body = (req.body ?? {}) as { code?: unknown; reason?: unknown };
    const code = body.code === undefined ? 1000 : Number(body.code);
    if (!Number.isInteger(code) || !(code === 1000 || (code >= 3000 && code <= 4999))) {
      throw new ControlError(400, 'code must be 1000 or 3000-4999 (codes an application may send)');
    }
    const reason = body.reason === undefined ? 'closed by operator' : String(body.reason);
    if (Buffer.byteLength(reason) > 123) throw new ControlError(400, 'reason must fit in 123 bytes');
    s.close(code, reason, 'operator');
    return { closed: s.id, code, reason };
  });

  route('POST /api/sessions/:id/inject', (req) => inject(ctx, req));
}

function sessionOr404(ctx: AddonContext, req: ControlRequest): Session {
  const id = req.params.id ?? '';
  const s = ctx.session(id) ?? [...ctx.sessions()].find((x) => x.identity === id);
  if (!s) throw new ControlError(404, `no open session '${id}' (give a session id or a station identity)`);
  return s;
}

async function inject(ctx: AddonContext, req: ControlRequest): Promise<InjectResult> {
  const s = sessionOr404(ctx, req);
  const body = (req.body ?? {}) as { direction?: unknown; frame?: unknown; timeoutMs?: unknown };
  const direction = body.direction;
  if (direction !== 'to-csms' && direction !== 'to-station') {
    throw new ControlError(400, "direction must be 'to-csms' or 'to-station'");
  }
  if (typeof body.frame === 'string') {
    // Sent as is: the way to put a deliberately malformed frame on the wire.
    s.inject(direction, body.frame, { origin: 'operator', by: 'operator' });
    return { sent: true, messageId: sniffMessageId(body.frame) };
  }
  if (!Array.isArray(body.frame)) {
    throw new ControlError(400, 'frame must be an OCPP-J array like [2,"id","Action",{}] or a string sent as is');
  }
  const decoded = decodeFrame(JSON.stringify(body.frame));
  if (!decoded.frame) throw new ControlError(400, `frame is not OCPP-J: ${decoded.malformed.detail}`);
  const frame = decoded.frame;
  if (frame.type !== 2) {
    s.inject(direction, frame, { origin: 'operator', by: 'operator' });
    return { sent: true, messageId: frame.id };
  }
  if (s.pending(direction).has(frame.id)) throw new ControlError(409, `a CALL with id '${frame.id}' already waits for its answer`);
  const timeoutMs = Math.min(Number(body.timeoutMs ?? DEFAULT_INJECT_TIMEOUT_MS) || DEFAULT_INJECT_TIMEOUT_MS, MAX_INJECT_TIMEOUT_MS);
  const answer = await new Promise<OcppFrame | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), timeoutMs);
    s.inject(direction as Direction, frame, {
      origin: 'operator',
      by: 'operator',
      onAnswer: (a) => {
        clearTimeout(timer);
        resolve(a);
      },
    });
  });
  if (!answer) throw new ControlError(504, `no answer to ${frame.action} '${frame.id}' within ${timeoutMs} ms`);
  return { sent: true, messageId: frame.id, answer: JSON.parse(encodeFrame(answer)) as unknown[] };
}
