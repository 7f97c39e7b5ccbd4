/**
 * Shadow CSMSs: every station also gets a connection to each `--mirror` URL (same identity), which receives a copy
 * of every CALL the station sends. The shadow's answers are compared with the primary's, recorded as frames the
 * proxy made (origin 'proxy', made by `mirror:URL`, marked dropped: never forwarded) with the differences as their
 * issues, and counted per action. The shadow's own CALLs never reach the station: answered NotImplemented, or
 * dropped.
 *
 * Nothing here is on the relay path: copies are taken in `observe` (after the frame was written) and sent on
 * sockets of their own, so a shadow that is slow, refuses or is down cannot delay or change the primary's traffic.
 */
import WebSocket from 'ws';
import type { Addon, AddonContext, RelayEvent } from '../core/addon.js';
import { registerMirrorRoutes, type MirrorActionCount } from './mirror-routes.js';

export type { MirrorActionCount } from './mirror-routes.js';
import { decodeFrame, encodeFrame } from '../core/frame-codec.js';
import type { MessageRecord } from '../core/relay-message.js';
import { upstreamUrlFor } from '../core/station-path.js';
import { nowMicros, versionOfProtocol, type CallErrorFrame, type CallResultFrame, type OcppVersion, type SessionInfo } from '../core/types.js';
import { compareAnswers } from '../replay/compare.js';
import { describeDifference } from '../replay/replay-report.js';

export type MirrorCalls = 'notimplemented' | 'drop';

export interface MirrorTarget {
  url: string;
  /** Sent to the shadow as `Authorization` (Basic user:password) unless its URL has its own; none by default. */
  basicAuth?: string;
  /** TLS options for a wss:// shadow (ca, cert, key, rejectUnauthorized). */
  tls?: Record<string, unknown>;
  /** Subprotocol to offer; default: the one the primary agreed. */
  protocol?: string;
}

export interface MirrorAddonOptions {
  mirrors: MirrorTarget[];
  /** What to do with CALLs a shadow sends: answer NotImplemented (default) or drop them. */
  calls?: MirrorCalls;
  /** Only CALLs of these actions are copied (default: all). */
  actions?: string[];
  /** How long a shadow may take to answer before it counts as no answer (ms). */
  answerTimeoutMs?: number;
  /** Frames held per shadow while its connection opens. */
  maxQueued?: number;
}

type Answer = CallResultFrame | CallErrorFrame;


interface Exchange {
  action: string;
  copiedAt: number;
  primary?: { answer: Answer; at: number };
  shadow?: { answer: Answer; ms: number; text: string };
}

interface Leg {
  target: MirrorTarget;
  name: string;
  ws: WebSocket | undefined;
  queue: string[];
  exchanges: Map<string, Exchange>;
  /** Not connected: copies are not taken (the first connect queues them instead). */
  down: boolean;
  /** The station left: no more reconnects. */
  ended: boolean;
  /** Next reconnect delay (ms), doubling up to a limit while the shadow stays away. */
  retryMs: number;
  timer: NodeJS.Timeout | undefined;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

export type MirrorAddon = Addon & { summary(): MirrorActionCount[] };

/** The URL without credentials, for records and logs. */
export function mirrorName(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

export function createMirrorAddon(opts: MirrorAddonOptions): MirrorAddon {
  const calls = opts.calls ?? 'notimplemented';
  const actions = opts.actions?.length ? new Set(opts.actions) : undefined;
  const timeoutMs = opts.answerTimeoutMs ?? 30_000;
  const maxQueued = opts.maxQueued ?? 1000;
  const legsBySession = new Map<string, { info: SessionInfo; legs: Leg[] }>();
  const counts = new Map<string, MirrorActionCount>();
  let ctx: AddonContext | undefined;
  let sweep: NodeJS.Timeout | undefined;

  const countOf = (mirror: string, action: string): MirrorActionCount => {
    const key = `${mirror}\u0000${action}`;
    let c = counts.get(key);
    if (!c) counts.set(key, (c = { mirror, action, compared: 0, differing: 0, noAnswer: 0 }));
    return c;
  };

  function open(info: SessionInfo): void {
    const legs = opts.mirrors.map((target) => {
      const leg: Leg = { target, name: mirrorName(target.url), ws: undefined, queue: [], exchanges: new Map(), down: false, ended: false, retryMs: FIRST_RETRY_MS, timer: undefined };
      connect(info, leg);
      return leg;
    });
    legsBySession.set(info.id, { info, legs });
  }

  function connect(info: SessionInfo, leg: Leg): void {
    const url = upstreamUrlFor(leg.target.url, info.identity);
    const protocol = leg.target.protocol ?? info.csmsProtocol;
    const headers: Record<string, string> = {};
    // user:password in a shadow's own URL is that shadow's Basic auth (ws sends it); else the common one, if any.
    const ownCredentials = /^wss?:\/\/[^/@]+@/.test(leg.target.url);
    if (leg.target.basicAuth && !ownCredentials) headers.authorization = `Basic ${Buffer.from(leg.target.basicAuth).toString('base64')}`;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, protocol ? [protocol] : [], { headers, handshakeTimeout: 10_000, ...(leg.target.tls ?? {}) });
    } catch (err) {
      failed(info, leg, (err as Error).message);
      return;
    }
    leg.ws = ws;
    const current = (): boolean => leg.ws === ws && !leg.ended;
    ws.on('open', () => {
      if (!current()) return;
      if (leg.down) {
        leg.down = false;
        ctx?.logger.info(`mirror ${leg.name}: ${info.identity}: connected again`);
      }
      leg.retryMs = FIRST_RETRY_MS;
      for (const text of leg.queue.splice(0)) ws.send(text);
    });
    ws.on('unexpected-response', (_req, res) => {
      if (current()) failed(info, leg, `refused: HTTP ${res.statusCode}`);
      ws.terminate();
    });
    ws.on('error', (err) => {
      if (current()) failed(info, leg, (err as NodeJS.ErrnoException).code ?? err.message);
    });
    ws.on('close', (code) => {
      if (current()) failed(info, leg, `closed (${code})`);
    });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) onShadowFrame(info, leg, data.toString());
    });
  }

  /** The shadow went away or never came: say so once, and try again later while the station stays. */
  function failed(info: SessionInfo, leg: Leg, why: string): void {
    if (!leg.down) {
      leg.down = true;
      leg.queue.length = 0;
      const text = `mirror ${leg.name}: ${info.identity}: ${why}; the primary CSMS is not affected, retrying`;
      ctx?.logger.warn(text);
      ctx?.publish({ type: 'notice', level: 'warn', source: 'mirror', text, sessionId: info.id, identity: info.identity });
    }
    if (leg.ended || leg.timer) return;
    leg.timer = setTimeout(() => {
      leg.timer = undefined;
      if (!leg.ended) connect(info, leg);
    }, leg.retryMs);
    leg.timer.unref();
    leg.retryMs = Math.min(leg.retryMs * 2, MAX_RETRY_MS);
  }

  function onShadowFrame(info: SessionInfo, leg: Leg, text: string): void {
    const frame = decodeFrame(text).frame;
    if (!frame) return;
    if (frame.type === 2) {
      // The shadow's own CALLs never reach the station.
      if (calls === 'notimplemented' && leg.ws?.readyState === WebSocket.OPEN) {
        leg.ws.send(encodeFrame({ type: 4, id: frame.id, code: 'NotImplemented', description: 'ocpp-mitm mirror: shadow CALLs are not forwarded', details: {} }));
      }
      return;
    }
    if (frame.type !== 3 && frame.type !== 4) return; // a SEND or CALLRESULTERROR answers no copied CALL
    const ex = leg.exchanges.get(frame.id);
    if (!ex || ex.shadow) return;
    ex.shadow = { answer: frame, ms: (nowMicros() - ex.copiedAt) / 1000, text };
    if (ex.primary) settle(info, leg, frame.id, ex);
  }

  /** Both answers are in: compare, count, record. The primary's answer has reached every observer already. */
  function settle(info: SessionInfo, leg: Leg, id: string, ex: Exchange): void {
    leg.exchanges.delete(id);
    const version = versionOfProtocol(leg.target.protocol ?? info.csmsProtocol) as OcppVersion | undefined;
    const diffs = compareAnswers(ex.primary!.answer, ex.shadow!.answer, version, ex.action);
    const c = countOf(leg.name, ex.action);
    c.compared++;
    if (diffs.length) c.differing++;
    const issues = diffs.map((d) => ({ path: d.path, rule: `mirror-${d.what}`, message: describeDifference(d) }));
    const text = ex.shadow!.text;
    const at = nowMicros();
    const record: MessageRecord = {
      seq: 0,
      sessionId: info.id,
      identity: info.identity,
      direction: 'to-station',
      origin: 'proxy',
      madeBy: `mirror:${leg.name}`,
      version,
      receivedAt: at,
      sentAt: undefined,
      kind: ex.shadow!.answer.type === 3 ? 'CALLRESULT' : 'CALLERROR',
      messageId: id,
      action: undefined,
      text,
      original: undefined,
      size: Buffer.byteLength(text),
      valid: !diffs.some((d) => d.what === 'schema'),
      issues,
      errorCode: undefined,
      malformed: undefined,
      dropped: { by: 'mirror', reason: `shadow answer in ${ex.shadow!.ms.toFixed(1)} ms: recorded, never forwarded` },
      ruleDelayMs: 0,
      modified: false,
      changedBy: [],
      ruleIds: [],
      // No latency: the `calls` table and the KPIs are the primary's alone.
      latencyMs: undefined,
      callAction: ex.action,
    };
    ctx?.publish({ type: 'message', message: record });
  }

  function copy(rec: MessageRecord, entry: { info: SessionInfo; legs: Leg[] }): void {
    if (actions && !actions.has(rec.action ?? '')) return;
    for (const leg of entry.legs) {
      if (leg.down) continue;
      if (leg.exchanges.size >= 10_000) continue; // a shadow that never answers must not grow memory
      leg.exchanges.set(rec.messageId, { action: rec.action ?? '', copiedAt: nowMicros() });
      if (leg.ws?.readyState === WebSocket.OPEN) leg.ws.send(rec.text);
      else if (leg.queue.length < maxQueued) leg.queue.push(rec.text);
    }
  }

  function primaryAnswer(rec: MessageRecord, entry: { info: SessionInfo; legs: Leg[] }): void {
    // As the primary CSMS sent it (a rule or the translator may have changed what the station got): the shadow
    // is compared with the primary, in the CSMS's version.
    const answer = decodeFrame(rec.original ?? rec.text).frame;
    if (!answer || (answer.type !== 3 && answer.type !== 4)) return;
    for (const leg of entry.legs) {
      const ex = leg.exchanges.get(rec.messageId);
      if (!ex || ex.primary) continue;
      ex.primary = { answer, at: rec.receivedAt };
      if (ex.shadow) settle(entry.info, leg, rec.messageId, ex);
    }
  }

  function expire(): void {
    const limit = nowMicros() - timeoutMs * 1000;
    for (const { legs } of legsBySession.values()) {
      for (const leg of legs) {
        for (const [id, ex] of leg.exchanges) {
          if (ex.copiedAt >= limit) continue;
          leg.exchanges.delete(id);
          if (ex.primary && !ex.shadow) countOf(leg.name, ex.action).noAnswer++;
        }
      }
    }
  }

  function closeSession(id: string): void {
    const entry = legsBySession.get(id);
    if (!entry) return;
    legsBySession.delete(id);
    for (const leg of entry.legs) {
      for (const ex of leg.exchanges.values()) if (ex.primary && !ex.shadow) countOf(leg.name, ex.action).noAnswer++;
      leg.exchanges.clear();
      leg.down = true;
      leg.ended = true;
      if (leg.timer) clearTimeout(leg.timer);
      if (leg.ws && leg.ws.readyState !== WebSocket.CLOSED) {
        if (leg.ws.readyState === WebSocket.OPEN) leg.ws.close(1000, 'station left');
        else leg.ws.terminate();
      }
    }
  }

  return {
    name: 'mirror',
    start(c) {
      ctx = c;
      c.logger.info({ mirrors: opts.mirrors.map((m) => mirrorName(m.url)), calls, actions: opts.actions }, 'mirror: station CALLs are copied to shadow CSMSs');
      registerMirrorRoutes(c.control, () => [...counts.values()]);
      sweep = setInterval(expire, 1000);
      sweep.unref();
    },
    stop() {
      if (sweep) clearInterval(sweep);
      for (const id of [...legsBySession.keys()]) closeSession(id);
    },
    observe(event: RelayEvent): void {
      switch (event.type) {
        case 'session-open':
          open(event.session);
          return;
        case 'session-close':
          closeSession(event.session.id);
          return;
        case 'message': {
          const rec = event.message;
          if (rec.origin !== 'wire' || rec.dropped) return;
          const entry = legsBySession.get(rec.sessionId);
          if (!entry) return;
          if (rec.direction === 'to-csms' && rec.kind === 'CALL') copy(rec, entry);
          else if (rec.direction === 'to-station' && (rec.kind === 'CALLRESULT' || rec.kind === 'CALLERROR')) primaryAnswer(rec, entry);
          return;
        }
        default:
          return;
      }
    },
    summary: () => [...counts.values()].sort((a, b) => a.mirror.localeCompare(b.mirror) || a.action.localeCompare(b.action)),
  };
}
