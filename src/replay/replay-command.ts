/**
 * `ocpp-mitm replay`: one recorded session (from a store, or a capture file) played against a live CSMS
 * (`--as station --target URL`) or a live station (`--as csms --listen host:port`), with a difference report.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import WebSocket, { WebSocketServer } from 'ws';
import { upstreamUrlFor } from '../core/station-path.js';
import { versionOfProtocol, type OcppVersion } from '../core/types.js';
import { openWritableStore, parseCapture, selectSessions, sessionFrames, type FrameRecord, type SessionRecord } from '../capture/index.js';
import { frameRecord } from '../capture/capture-record.js';
import { openStoreReader, type OpenStoreReaderOptions } from '../store/store-reader.js';
import { ValueCarry } from './carry.js';
import { answerer, play } from './play.js';
import { ReplayPeer } from './replay-peer.js';
import { formatReplayReport, type ReplayReport } from './replay-report.js';
import { recordReplay } from './replay-store.js';
import { buildScript, type Side } from './script.js';

export interface ReplayOptions extends OpenStoreReaderOptions {
  as: Side;
  /** Capture file to read instead of the store. */
  from?: string;
  session?: string;
  /** The newest session of a station matching this glob. */
  station?: string;
  target?: string;
  listen?: { host: string; port: number };
  speed?: number | 'max';
  timeoutMs?: number;
  /** CA certificate(s) (PEM) for a wss:// target. */
  ca?: string;
  /** Record the report into the store the session came from (default true; never for --from). */
  record?: boolean;
  /** Called once the listener is up (--as csms), with its port. */
  onListening?: (port: number) => void;
}

interface Loaded {
  session: SessionRecord;
  frames: FrameRecord[];
}

function pick(sessions: SessionRecord[], opts: ReplayOptions): SessionRecord {
  const chosen = opts.session ? sessions.find((s) => s.session === opts.session) : sessions.at(-1);
  if (!chosen) {
    throw new Error(opts.session ? `no session ${opts.session}` : `no recorded session${opts.station ? ` of a station matching ${opts.station}` : ''}`);
  }
  return chosen;
}

async function load(opts: ReplayOptions): Promise<Loaded> {
  if (!opts.session && !opts.station) throw new Error('say which session to replay: --session ID, or --station IDENTITY for its newest');
  if (opts.from) {
    const capture = parseCapture(await readFile(opts.from, 'utf8'));
    const sessions = capture.sessions.filter((s) => !opts.station || s.station === opts.station || globMatch(opts.station, s.station));
    const session = pick(sessions, opts);
    return { session, frames: capture.frames.filter((f) => f.session === session.session) };
  }
  const reader = await openStoreReader(opts);
  try {
    const session = pick(await selectSessions(reader, { station: opts.station }), opts);
    const frames: FrameRecord[] = [];
    for await (const page of sessionFrames(reader, session.session, {})) frames.push(...page.map((f) => frameRecord(f)));
    return { session, frames };
  } finally {
    await reader.close();
  }
}

function globMatch(glob: string, s: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(s);
}

async function connectTarget(url: string, protocol: string, ca: string | undefined): Promise<WebSocket> {
  const ws = new WebSocket(url, protocol ? [protocol] : [], { ca: ca ? await readFile(ca) : undefined, handshakeTimeout: 10_000 });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`${url} refused the connection: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim())));
    ws.once('error', (err) => reject(new Error(`cannot connect to ${url}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
  });
  if (protocol && ws.protocol !== protocol) {
    ws.close(1002, 'subprotocol');
    throw new Error(`${url} did not agree to ${protocol} (answered "${ws.protocol}")`);
  }
  return ws;
}

/** Waits for one station on host:port and hands over its socket; refuses the ones after it. */
async function acceptStation(listen: { host: string; port: number }, protocol: string, timeoutMs: number, onListening?: (port: number) => void): Promise<{ ws: WebSocket; server: WebSocketServer; peer: string }> {
  const server = new WebSocketServer({
    host: listen.host,
    port: listen.port,
    handleProtocols: (offered) => (offered.has(protocol) ? protocol : false),
  });
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  onListening?.(port);
  let timer: NodeJS.Timeout | undefined;
  try {
    const [ws, req] = (await Promise.race([
      once(server, 'connection'),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no station connected to ${listen.host}:${port} within ${timeoutMs} ms`)), timeoutMs);
      }),
    ])) as [WebSocket, { url?: string; socket: { remoteAddress?: string } }];
    server.on('connection', (late: WebSocket) => late.close(1013, 'a replay plays one station'));
    return { ws, server, peer: `${listen.host}:${port} (station ${req.socket.remoteAddress ?? '?'} at ${req.url ?? '/'})` };
  } catch (err) {
    server.close();
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export async function runReplay(opts: ReplayOptions): Promise<ReplayReport> {
  const { session, frames } = await load(opts);
  const script = buildScript(frames, opts.as);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  // The script holds the frames as the station leg carried them, so both sides play in the station's version.
  const protocol = session.stationProtocol || session.csmsProtocol;
  const version = (versionOfProtocol(protocol) ?? (frames[0]?.version || undefined)) as OcppVersion | undefined;
  const carry = new ValueCarry();
  const startedAt = new Date().toISOString();
  let peerName: string;
  let peer: ReplayPeer;
  let server: WebSocketServer | undefined;
  if (opts.as === 'station') {
    if (!opts.target) throw new Error('--as station needs --target ws(s)://csms/… (the identity is appended)');
    const url = upstreamUrlFor(opts.target, session.station);
    peer = new ReplayPeer(await connectTarget(url, protocol, opts.ca), answerer(script, carry));
    peerName = url;
  } else {
    if (!opts.listen) throw new Error('--as csms needs --listen host:port (the station connects there)');
    const accepted = await acceptStation(opts.listen, protocol, Math.max(timeoutMs, 60_000), opts.onListening);
    server = accepted.server;
    peer = new ReplayPeer(accepted.ws, answerer(script, carry));
    peerName = accepted.peer;
  }
  try {
    const result = await play(peer, script, carry, { speed: opts.speed ?? 1, timeoutMs, version, followOtherSide: opts.as === 'csms' });
    const report: ReplayReport = {
      replayId: randomUUID(),
      session: session.session,
      station: session.station,
      as: opts.as,
      peer: peerName,
      startedAt,
      ...result,
      differing: result.exchanges.filter((e) => e.differences.length > 0).length,
    };
    return report;
  } finally {
    peer.close();
    await Promise.race([peer.closed, new Promise((r) => setTimeout(r, 2000).unref())]);
    server?.close();
  }
}

/** Records the report into the store the session came from; a reason when it could not. */
export async function storeReport(opts: ReplayOptions, report: ReplayReport): Promise<string | undefined> {
  if (opts.from || opts.record === false) return undefined;
  try {
    const backend = await openWritableStore(opts);
    try {
      await recordReplay(backend, report);
    } finally {
      await backend.close();
    }
    return undefined;
  } catch (err) {
    return `the report was not recorded into the store: ${(err as Error).message}`;
  }
}

export { formatReplayReport };
