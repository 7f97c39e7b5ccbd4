/**
 * Traffic left alone. Stations whose identity or path matches a `--passthrough` glob are relayed as raw bytes by
 * http-proxy, taken over at the upgrade (before the relay parses anything): no OCPP parsing, validation, rules,
 * translation or frame recording; only the session's open and close, with byte counts. With `forwardHttp`, plain
 * HTTP requests on the listen port (firmware or log transfers some CSMSs serve on the same host) go to the CSMS's
 * origin the same way. Health paths (/healthz, /readyz) are left to whoever claims them.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import httpProxy from 'http-proxy';
import picomatch from 'picomatch';
import type { Addon, AddonContext } from '../core/addon.js';
import { parseStationPath, upstreamUrlFor } from '../core/station-path.js';
import { nowMicros, type SessionInfo } from '../core/types.js';

export interface PassthroughOptions {
  /** Globs matched against the station identity and against the request path (either matches). */
  globs: string[];
  /** Forward plain HTTP requests (not upgrades) to the CSMS's origin. */
  forwardHttp?: boolean;
  /** TLS options for a wss:// / https:// CSMS (ca, cert, key). */
  upstreamTls?: Record<string, unknown>;
}

/** Paths another feature answers on the listen port (health checks): never forwarded. */
const RESERVED_PATHS = new Set(['/healthz', '/readyz']);

export type PassthroughAddon = Addon & { readonly open: number };

export function createPassthroughAddon(opts: PassthroughOptions): PassthroughAddon {
  const matchers = opts.globs.map((g) => picomatch(g, { dot: true }));
  const matches = (identity: string, path: string): boolean => matchers.some((m) => m(identity) || m(path));
  const proxy = httpProxy.createProxyServer({ ignorePath: true, xfwd: false, ...(opts.upstreamTls ?? {}) });
  const sockets = new Set<Duplex>();
  let ctx: AddonContext | undefined;

  proxy.on('error', (err, _req, target) => {
    const why = (err as NodeJS.ErrnoException).code ?? err.message;
    ctx?.logger.warn(`passthrough: CSMS leg failed: ${why}`);
    if (!target) return;
    if ('writeHead' in target) {
      const res = target as ServerResponse;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`ocpp-mitm passthrough: CSMS unreachable (${why})\n`);
    } else {
      const socket = target as Socket;
      // Still in the handshake: answer in HTTP; else the connection just ends.
      if (socket.writable && socket.bytesWritten === 0) socket.end(`HTTP/1.1 502 Bad Gateway\r\nconnection: close\r\n\r\n`);
      else socket.destroy();
    }
  });

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const parsed = parseStationPath(req.url);
    if ('error' in parsed || !matches(parsed.identity, parsed.path)) return false;
    const c = ctx!;
    const target = upstreamUrlFor(c.options.upstream, parsed.identity);
    const raw = socket as Socket;
    const info: SessionInfo = {
      id: `pt-${randomUUID()}`,
      identity: parsed.identity,
      path: parsed.path,
      remoteAddress: raw.remoteAddress ?? '',
      offeredProtocols: String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean),
      stationProtocol: '',
      csmsProtocol: '',
      stationVersion: undefined,
      csmsVersion: undefined,
      upstreamUrl: target,
      tls: undefined,
      securityProfile: 0,
      basicAuthUser: undefined,
      openedAt: nowMicros(),
    };
    sockets.add(socket);
    c.publish({ type: 'session-open', session: info });
    c.logger.info({ station: parsed.identity, upstream: target }, 'passthrough: relayed as raw bytes, not inspected');
    socket.once('close', () => {
      sockets.delete(socket);
      const reason = `passthrough: ${raw.bytesRead ?? 0} bytes from the station, ${raw.bytesWritten ?? 0} bytes to it (handshake included)`;
      c.publish({ type: 'session-close', session: info, close: { initiator: 'proxy', code: 1005, reason, closedAt: nowMicros() } });
    });
    proxy.ws(req, socket, head, { target });
    return true;
  }

  function httpRequest(req: IncomingMessage, res: ServerResponse): boolean {
    if (!opts.forwardHttp) return false;
    const path = (req.url ?? '/').split('?')[0]!;
    if (RESERVED_PATHS.has(path)) return false;
    const up = new URL(ctx!.options.upstream);
    // The CSMS's origin: ws → http, wss → https; the request's own path and query are kept.
    const origin = `${up.protocol === 'wss:' ? 'https:' : 'http:'}//${up.host}`;
    proxy.web(req, res, { target: origin + (req.url ?? '/'), changeOrigin: true });
    return true;
  }

  return {
    name: 'passthrough',
    start(c) {
      ctx = c;
      c.logger.info({ passthrough: opts.globs, forwardHttp: opts.forwardHttp === true }, 'passthrough: matching stations are not inspected');
    },
    upgrade,
    httpRequest,
    stop() {
      for (const s of sockets) s.destroy();
      proxy.close();
    },
    get open() {
      return sockets.size;
    },
  };
}
