/**
 * HAR 1.2 with WebSocket frames the way Chrome DevTools writes them: one entry per connection, `_resourceType:
 * 'websocket'`, `_webSocketMessages: [{ type: 'send' | 'receive', time (s since the epoch), opcode, data }]`. The
 * station is the client, so `send` is station → CSMS. Each entry and message also carries `_ocppMitm` with
 * everything else the proxy knew (both texts, validation, rules), so our own HAR imports back losslessly; a HAR
 * without it (Chrome's) imports with what it has.
 */
import { decodeFrame } from '../core/frame-codec.js';
import type { Direction } from '../core/types.js';
import { PACKAGE_VERSION } from '../package-info.js';
import { stationText, type Capture, type FrameRecord, type SessionRecord } from './capture-record.js';
import { checkFrame, checkSession, SESSION_DEFAULTS } from './capture-checks.js';
import { CaptureError } from './capture-error.js';

interface HarHeader {
  name: string;
  value: string;
}

export interface HarWsMessage {
  type: 'send' | 'receive';
  time: number;
  opcode: number;
  data: string;
  _ocppMitm?: Omit<FrameRecord, 'type'>;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: Record<string, unknown> & { url: string; headers: HarHeader[] };
  response: Record<string, unknown> & { status: number; headers: HarHeader[] };
  cache: Record<string, never>;
  timings: Record<string, number>;
  _resourceType: 'websocket';
  _webSocketMessages: HarWsMessage[];
  _ocppMitm?: Omit<SessionRecord, 'type'>;
}

/** The part of a HAR before its entries (the entries are streamed in between). */
export function harHead(): string {
  const creator = { name: 'ocpp-mitm', version: PACKAGE_VERSION };
  return `{"log":{"version":"1.2","creator":${JSON.stringify(creator)},"pages":[],"entries":[\n`;
}
export const HAR_TAIL = '\n]}}\n';

const iso = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();
const strip = <T extends { type: string }>(r: T): Omit<T, 'type'> => {
  const { type: _type, ...rest } = r;
  return rest;
};

/** One session as a HAR entry. The URL's host is a placeholder: the store keeps the identity, not the proxy's address. */
export function harEntry(s: SessionRecord, frames: FrameRecord[]): HarEntry {
  const end = s.closedAt ?? frames.at(-1)?.receivedAt ?? s.openedAt;
  return {
    startedDateTime: iso(s.openedAt),
    time: Math.max(0, (end - s.openedAt) / 1000),
    request: {
      method: 'GET',
      url: `ws://ocpp-mitm.invalid/${encodeURIComponent(s.station)}`,
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Upgrade', value: 'websocket' },
        { name: 'Connection', value: 'Upgrade' },
        ...(s.offeredProtocols.length ? [{ name: 'Sec-WebSocket-Protocol', value: s.offeredProtocols.join(', ') }] : []),
      ],
      queryString: [],
      cookies: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 101,
      statusText: 'Switching Protocols',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'Upgrade', value: 'websocket' },
        { name: 'Connection', value: 'Upgrade' },
        ...(s.stationProtocol ? [{ name: 'Sec-WebSocket-Protocol', value: s.stationProtocol }] : []),
      ],
      cookies: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 0,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0 },
    _resourceType: 'websocket',
    _webSocketMessages: frames.map((f) => ({
      type: f.direction === 'to-csms' ? 'send' : 'receive',
      time: f.receivedAt / 1e6,
      opcode: 1,
      data: stationText(f),
      _ocppMitm: strip(f),
    })),
    _ocppMitm: strip(s),
  };
}

const VERSION_OF: Record<string, string> = { 'ocpp1.6': '1.6', 'ocpp1.6j': '1.6', 'ocpp2.0.1': '2.0.1', 'ocpp2.0': '2.0.1', 'ocpp2.1': '2.1' };

function header(list: unknown, name: string): string {
  if (!Array.isArray(list)) return '';
  const h = list.find((x) => typeof (x as HarHeader)?.name === 'string' && (x as HarHeader).name.toLowerCase() === name);
  return typeof (h as HarHeader | undefined)?.value === 'string' ? (h as HarHeader).value : '';
}

/** A stable id for a session that came without one (Chrome's HAR): the same file imports to the same ids. */
function sessionIdOf(entry: Record<string, unknown>, index: number): string {
  return `har-${String(entry.startedDateTime ?? '').replace(/[^0-9A-Za-z]/g, '')}-${index}`;
}

function identityOf(url: string, where: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    throw new CaptureError(`${where}: request.url is not a URL: ${JSON.stringify(url.slice(0, 80))}`);
  }
  const last = path.split('/').filter(Boolean).at(-1);
  if (!last) throw new CaptureError(`${where}: request.url has no station identity in its path: ${JSON.stringify(url.slice(0, 80))}`);
  return decodeURIComponent(last);
}

/** A frame from a message that only has Chrome's four fields. */
function bareFrame(m: HarWsMessage, s: SessionRecord, version: string, where: string): FrameRecord {
  if (typeof m.time !== 'number' || !Number.isFinite(m.time)) throw new CaptureError(`${where}: time is not a number`);
  if (m.type !== 'send' && m.type !== 'receive') throw new CaptureError(`${where}: type must be send or receive, got ${JSON.stringify(m.type)}`);
  if (typeof m.data !== 'string') throw new CaptureError(`${where}: data is not text`);
  const direction: Direction = m.type === 'send' ? 'to-csms' : 'to-station';
  const at = Math.round(m.time * 1e6);
  const text = m.opcode === 2 ? '' : m.data;
  const d = m.opcode === 2 ? undefined : decodeFrame(text);
  const frame = d?.frame;
  return {
    type: 'frame',
    time: iso(at),
    receivedAt: at,
    sentAt: at,
    session: s.session,
    station: s.station,
    direction,
    version,
    origin: 'wire',
    kind: frame ? (frame.type === 2 ? 'CALL' : frame.type === 3 ? 'CALLRESULT' : 'CALLERROR') : 'MALFORMED',
    messageId: frame?.id ?? d?.malformed?.messageId ?? '-1',
    action: frame?.type === 2 ? frame.action : '',
    received: text,
    sent: text,
    valid: frame !== undefined,
    issues: [],
    errorCode: '',
    ruleIds: [],
    dropped: false,
    modified: false,
    latencyMs: null,
  };
}

/** A HAR (ours or a browser's) as a capture; entries that are not WebSockets are skipped. */
export function parseHar(doc: unknown): Capture {
  const entries = (doc as { log?: { entries?: unknown } })?.log?.entries;
  if (!Array.isArray(entries)) throw new CaptureError('not a HAR file: no log.entries array');
  const out: Capture = { sessions: [], frames: [] };
  entries.forEach((raw, i) => {
    const where = `entry ${i + 1}`;
    const e = raw as Record<string, unknown>;
    if (!e || typeof e !== 'object') throw new CaptureError(`${where}: not an object`);
    const messages = e._webSocketMessages;
    if (messages === undefined) return; // plain HTTP: nothing OCPP in it
    if (!Array.isArray(messages)) throw new CaptureError(`${where}: _webSocketMessages is not an array`);
    const request = (e.request ?? {}) as { url?: unknown; headers?: unknown };
    const response = (e.response ?? {}) as { headers?: unknown };
    const started = Date.parse(String(e.startedDateTime ?? ''));
    if (Number.isNaN(started)) throw new CaptureError(`${where}: startedDateTime is not a date`);
    const ours = e._ocppMitm as Omit<SessionRecord, 'type'> | undefined;
    let s: SessionRecord;
    if (ours) {
      s = checkSession({ type: 'session', ...ours }, `${where}, _ocppMitm`);
    } else {
      const protocol = header(response.headers, 'sec-websocket-protocol');
      const offered = header(request.headers, 'sec-websocket-protocol');
      s = {
        type: 'session',
        ...SESSION_DEFAULTS,
        session: sessionIdOf(e, i),
        station: identityOf(String(request.url ?? ''), where),
        openedAt: started * 1000,
        closedAt: typeof e.time === 'number' ? Math.round((started + e.time) * 1000) : null,
        remoteAddress: typeof e.serverIPAddress === 'string' ? e.serverIPAddress : '',
        offeredProtocols: offered ? offered.split(',').map((p) => p.trim()).filter(Boolean) : [],
        stationProtocol: protocol,
        csmsProtocol: protocol,
      };
    }
    out.sessions.push(s);
    const version = VERSION_OF[s.stationProtocol] ?? '';
    messages.forEach((m: HarWsMessage, j) => {
      const at = `${where}, message ${j + 1}`;
      if (!m || typeof m !== 'object') throw new CaptureError(`${at}: not an object`);
      out.frames.push(m._ocppMitm ? checkFrame({ type: 'frame', ...m._ocppMitm }, `${at}, _ocppMitm`) : bareFrame(m, s, version, at));
    });
  });
  return out;
}
