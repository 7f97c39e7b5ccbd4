/**
 * The relay: accepts stations, opens their CSMS leg first, then completes the station's handshake and hands
 * both sockets to a RelaySession. It knows no feature: they are addons (see addon.ts).
 */
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { TLSSocket, type SecureContextOptions, type TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import type { Addon, AddonContext, ConnectContext, RelayEvent, RelayOptions, Session } from './addon.js';
import { AddonRunner } from './addon-runner.js';
import { ControlRoutes } from './control-routes.js';
import { ObserverQueue } from './observer-queue.js';
import type { RelayMessage } from './relay-message.js';
import { DEFAULT_MAX_DEPTH } from './frame-codec.js';
import { RelaySession } from './session.js';
import { basicAuthUser, parseStationPath, upstreamUrlFor } from './station-path.js';
import { TurnBarrier } from './turn-barrier.js';
import { connectUpstream } from './upstream-connect.js';
import type { RelayStats, TlsFacts } from './types.js';
import { silentLogger } from '../log.js';
import { parseSubprotocols } from './subprotocol-header.js';

export interface StartRelayOptions extends Partial<Omit<RelayOptions, 'upstream'>> {
  upstream: string;
  addons?: Addon[];
  logger?: Logger;
  /** TLS for the station leg: the listener speaks wss://. */
  tls?: TlsOptions & SecureContextOptions;
}

export const RELAY_DEFAULTS: Omit<RelayOptions, 'upstream'> = {
  listen: { host: '127.0.0.1', port: 0 },
  dataDir: './data',
  malformed: 'forward',
  maxFrame: 1024 * 1024,
  maxDepth: DEFAULT_MAX_DEPTH,
  defaultProtocol: 'ocpp1.6',
  pingInterval: 30,
  connectTimeout: 10_000,
};

/** Frames beyond --max-frame get a CALLERROR; beyond this many times it, ws closes the socket (1009). */
const HARD_CAP_FACTOR = 4;

type QueuedEvent = RelayEvent | { type: 'message-out'; msg: RelayMessage };

export class Relay {
  readonly control = new ControlRoutes();
  readonly options: RelayOptions;
  readonly logger: Logger;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private readonly runner: AddonRunner;
  private readonly queue: ObserverQueue<QueuedEvent>;
  /** Holds each turn's writes until the recorders committed the turn (only when an addon records). */
  private readonly barrier: TurnBarrier | undefined;
  private readonly live = new Map<string, RelaySession>();
  /** Sockets between the station's knock and the end of its handshake. */
  private readonly handshaking = new Set<Duplex>();
  /** Sockets an addon's `upgrade` hook took over (blind pass-through). */
  private readonly claimed = new Set<Duplex>();
  private readonly counters = { framesIn: 0, framesOut: 0, framesDropped: 0, framesMalformed: 0, sessionsTotal: 0 };
  private seq = 0;
  private closing = false;
  private boundPort = 0;
  private readonly secure: boolean;

  constructor(opts: StartRelayOptions) {
    this.options = { ...RELAY_DEFAULTS, ...stripUndefined(opts), upstream: opts.upstream };
    this.logger = opts.logger ?? silentLogger();
    this.queue = new ObserverQueue<QueuedEvent>((batch) => this.runner.observe(batch.map(toEvent)));
    this.runner = new AddonRunner(opts.addons ?? [], this.logger, (e) => this.emit(e));
    this.barrier = this.runner.hasRecorders ? new TurnBarrier(() => this.runner.commitTurn()) : undefined;
    this.secure = opts.tls !== undefined;
    this.server = opts.tls ? createHttpsServer({ ...opts.tls, minVersion: opts.tls.minVersion ?? 'TLSv1.2' }) : createHttpServer();
    this.server.on('request', (req, res) => {
      if (this.runner.claim('httpRequest', [req, res])) return;
      res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
      res.end('ocpp-mitm: connect with a WebSocket (OCPP-J)\n');
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (this.runner.claim('upgrade', [req, socket, head])) {
        // The addon owns it now; at shutdown it still ends, or the listener would never finish closing.
        this.claimed.add(socket);
        socket.once('close', () => this.claimed.delete(socket));
        return;
      }
      void this.onUpgrade(req, socket, head);
    });
    if (opts.tls && this.runner.addons.some((a) => a.tlsKeylog)) {
      this.server.on('keylog', (line: Buffer, socket: TLSSocket) => this.runner.keylog(line, socket));
    }
    this.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
      // Node verifies client certificates after the handshake and then destroys the socket: err alone would
      // only say "socket hang up", the reason is in authorizationError.
      const refused = socket.authorizationError;
      const reason = refused ? `client certificate refused: ${String(refused)}` : `${err.message}${err.code ? ` (${err.code})` : ''}`;
      const text = `TLS handshake with ${socket.remoteAddress ?? '?'} failed: ${reason}`;
      this.logger.warn({ remote: socket.remoteAddress, code: refused ? String(refused) : err.code }, text);
      this.emit({ type: 'notice', level: 'warn', source: 'tls', text });
    });
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: this.options.maxFrame * HARD_CAP_FACTOR,
      // The station is answered with the protocol chosen in onUpgrade, stashed on the request.
      handleProtocols: (_offered, req) => (req as IncomingMessage & { chosenProtocol?: string }).chosenProtocol || false,
    });
  }

  get port(): number {
    return this.boundPort;
  }

  /** ws:// or wss:// URL stations connect to (append /<identity>). */
  get url(): string {
    const h = this.options.listen.host;
    const host = h === '0.0.0.0' ? '127.0.0.1' : h === '::' ? '[::1]' : h.includes(':') ? `[${h}]` : h;
    return `${this.secure ? 'wss' : 'ws'}://${host}:${this.boundPort}`;
  }

  async start(): Promise<this> {
    const ctx: AddonContext = {
      logger: this.logger,
      publish: (e) => this.emit(e),
      sessions: () => this.live.values(),
      session: (id) => this.live.get(id),
      stats: () => this.stats(),
      options: this.options,
      control: this.control,
    };
    await this.runner.runAsync('start', ctx);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.listen.port, this.options.listen.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.options.listen.port;
    // Addons read the listen address from the options: give them the port actually bound (--listen host:0).
    this.options.listen = { ...this.options.listen, port: this.boundPort };
    return this;
  }

  sessions(): Session[] {
    return [...this.live.values()];
  }

  stats(): RelayStats {
    return {
      sessionsOpen: this.live.size,
      sessionsTotal: this.counters.sessionsTotal,
      framesIn: this.counters.framesIn,
      framesOut: this.counters.framesOut,
      framesDropped: this.counters.framesDropped,
      framesMalformed: this.counters.framesMalformed,
      observerEventsShed: this.queue.shed,
    };
  }

  /** Close both legs of every session with 1001, deliver what observers still hold, stop the addons. */
  async close(code = 1001, reason = 'proxy shutting down'): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const sessions = [...this.live.values()];
    for (const s of sessions) s.close(code, reason, 'shutdown');
    for (const socket of this.handshaking) socket.destroy();
    const allClosed = Promise.all(sessions.map((s) => s.closed()));
    await Promise.race([allClosed, sleep(2000)]);
    this.wss.clients.forEach((ws) => ws.terminate());
    for (const socket of this.claimed) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections?.();
    });
    this.barrier?.release();
    this.queue.flush();
    await this.runner.stopAll();
  }

  /** Publish an event: recorders get it now (and commit at the turn's end), observers off the relay path. */
  private emit(e: QueuedEvent): void {
    if (!this.barrier) {
      this.queue.push(e);
      return;
    }
    const event = toEvent(e); // once, for recorders and observers alike
    this.runner.record(event);
    this.barrier.touch();
    if (this.runner.hasObservers) this.queue.push(event);
  }

  // ---- handshake ----------------------------------------------------------------------------------

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Node's HTTP server drops its error listener from an upgraded socket: a station (or a balancer) that resets
    // while its handshake waits, or right after a refusal, must not crash the process with ECONNRESET.
    socket.on('error', (err: NodeJS.ErrnoException) => this.logger.debug({ code: err.code }, `station socket error during the handshake: ${err.message}`));
    if (this.closing) return refuse(socket, 503, 'proxy shutting down');
    const parsed = parseStationPath(req.url);
    if ('error' in parsed) return refuse(socket, 404, parsed.error);
    this.handshaking.add(socket);
    const abort = new AbortController();
    socket.once('close', () => abort.abort());
    try {
      await this.handshake(req, socket, head, parsed.identity, parsed.path, abort.signal);
    } catch (err) {
      this.logger.error({ err, station: parsed.identity }, 'handshake failed');
      refuse(socket, 500, 'internal error');
    } finally {
      this.handshaking.delete(socket);
    }
  }

  private async handshake(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    identity: string,
    path: string,
    abort: AbortSignal,
  ): Promise<void> {
    const parsed = parseSubprotocols(req.headers['sec-websocket-protocol']);
    if ('error' in parsed) {
      this.logger.warn({ station: identity, remote: req.socket.remoteAddress }, `refused station ${identity}: ${parsed.error}`);
      return refuse(socket, 400, parsed.error);
    }
    const offered = parsed.protocols;
    const authorization = req.headers.authorization;
    const tls = tlsFacts(req.socket);
    const remoteAddress = req.socket.remoteAddress ?? '';
    let rejection: { status: number; reason: string } | undefined;
    const ctx: ConnectContext = {
      identity,
      path,
      remoteAddress,
      offeredProtocols: offered,
      requestHeaders: req.headers,
      tls,
      upstreamUrl: upstreamUrlFor(this.options.upstream, identity),
      upstreamProtocols: offered.length > 0 ? [...offered] : [this.options.defaultProtocol],
      upstreamHeaders: authorization ? { authorization } : {},
      upstreamTls: {},
      stationProtocol: undefined,
      securityProfile: tls ? (tls.clientSubject ? 3 : 2) : authorization ? 1 : 0,
      basicAuthUser: basicAuthUser(authorization),
      reject: (status, reason) => (rejection ??= { status, reason }),
    };
    await this.runner.runAsync('connecting', ctx, () => rejection !== undefined);
    if (rejection) {
      this.logger.warn({ station: identity, remote: remoteAddress, status: rejection.status }, `refused station ${identity}: ${rejection.reason}`);
      return refuse(socket, rejection.status, rejection.reason);
    }

    const upstream = await connectUpstream(
      {
        url: ctx.upstreamUrl,
        protocols: ctx.upstreamProtocols,
        headers: ctx.upstreamHeaders,
        tls: ctx.upstreamTls,
        timeoutMs: this.options.connectTimeout,
        maxPayload: this.options.maxFrame * HARD_CAP_FACTOR,
      },
      abort,
    );
    if (!upstream.ok) {
      if (upstream.status !== 499) {
        this.logger.warn({ station: identity, status: upstream.status }, `station ${identity} refused: ${upstream.reason}`);
        this.emit({ type: 'notice', level: 'warn', source: 'relay', text: `${identity}: ${upstream.reason}`, identity });
      }
      return refuse(socket, upstream.status, upstream.reason, upstream.headers);
    }
    const csms = upstream.ws;
    const csmsSocket = upstream.socket;
    if (abort.aborted || this.closing) {
      csms.terminate();
      return;
    }
    const stationProtocol = ctx.stationProtocol ?? (offered.includes(csms.protocol) ? csms.protocol : '');
    (req as IncomingMessage & { chosenProtocol?: string }).chosenProtocol = stationProtocol;

    // Frames the CSMS sends before the station's handshake completes wait here, in order.
    const early: Array<[WebSocket.RawData, boolean]> = [];
    const holdEarly = (data: WebSocket.RawData, isBinary: boolean): number => early.push([data, isBinary]);
    csms.on('message', holdEarly);

    this.wss.handleUpgrade(req, socket, head, (station) => {
      csms.off('message', holdEarly);
      const session = new RelaySession(
        {
          id: randomUUID(),
          identity,
          path,
          remoteAddress,
          offeredProtocols: offered,
          stationProtocol,
          csmsProtocol: csms.protocol,
          upstreamUrl: ctx.upstreamUrl,
          tls,
          securityProfile: ctx.securityProfile,
          basicAuthUser: ctx.basicAuthUser,
        },
        station,
        csms,
        {
          runner: this.runner,
          logger: this.logger,
          // With no observer nor recorder there is nobody to tell: skip the queue (and the record it would build).
          publish: this.runner.hasObservers || this.barrier ? (e) => this.emit(e) : () => {},
          holdWrites: this.barrier && ((leg) => this.barrier!.hold(leg === 'csms' ? csmsSocket : socket)),
          releaseWrites: this.barrier?.release,
          nextSeq: () => ++this.seq,
          counters: this.counters,
          malformed: this.options.malformed,
          maxFrame: this.options.maxFrame,
          maxDepth: this.options.maxDepth,
          pingIntervalMs: this.options.pingInterval * 1000,
          onClosed: (s) => {
            if (this.live.get(s.id) === s) this.live.delete(s.id);
          },
        },
      );
      this.live.set(session.id, session);
      this.counters.sessionsTotal++;
      this.logger.info(
        { station: identity, remote: remoteAddress, protocol: stationProtocol || '(none)', upstream: csms.protocol },
        `station ${identity} connected`,
      );
      session.start();
      for (const [data, isBinary] of early) csms.emit('message', data, isBinary);
    });
  }
}

export async function startRelay(opts: StartRelayOptions): Promise<Relay> {
  return new Relay(opts).start();
}

function toEvent(e: QueuedEvent): RelayEvent {
  return e.type === 'message-out' ? { type: 'message', message: e.msg.toRecord() } : e;
}

function tlsFacts(socket: unknown): TlsFacts | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const cipher = socket.getCipher();
  const peer = socket.getPeerCertificate();
  const hasPeer = peer && Object.keys(peer).length > 0;
  return {
    version: socket.getProtocol() ?? '',
    cipher: cipher?.standardName ?? cipher?.name ?? '',
    clientSubject: hasPeer ? dn(peer.subject) : undefined,
    clientIssuer: hasPeer ? dn(peer.issuer) : undefined,
    clientFingerprint: hasPeer ? peer.fingerprint256 : undefined,
  };
}

const dn = (o: object | undefined): string =>
  o ? Object.entries(o).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ') : '';

/** Answer a WebSocket knock with a plain HTTP status, the way a CSMS refusing it would. */
function refuse(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = `${reason}\n`;
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
