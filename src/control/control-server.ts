/**
 * The control API: an addon that serves the relay's control route table over HTTP on loopback, plus the
 * WebSocket event stream. Every request needs the token (`Authorization: Bearer`, or `?token=` on the stream).
 * On start it writes `<dataDir>/control.json` (mode 0600) so other commands on this machine can find it.
 *
 * @example
 *   const control = createControlAddon({ dataDir });
 *   const relay = await startRelay({ upstream, addons: [control] });
 *   const { url, token } = control.info();
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Addon, AddonContext, RelayEvent } from '../core/addon.js';
import { ControlError, type HttpMethod } from '../core/control-routes.js';
import { controlFilePath, type ControlInfo } from './control-client.js';
import { parseFilter } from './event-filter.js';
import { EventStream } from './event-stream.js';
import { registerOperatorRoutes } from './operator-routes.js';
import { TrafficCounters } from './traffic-counters.js';

export interface ControlAddonOptions {
  /** Default 127.0.0.1: the API can close sessions and inject frames, keep it off the network. */
  host?: string;
  /** 0 (default) = ephemeral. */
  port?: number;
  /** Generated when absent. */
  token?: string;
  dataDir: string;
  /** Unsent bytes a stream client may hold before it misses events (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Recent events kept for `?backlog=N` (default 2000). */
  backlogSize?: number;
}

export type ControlAddon = Addon & { info(): { url: string; token: string } };

const METHODS = new Set<string>(['GET', 'POST', 'PUT', 'DELETE']);
const MAX_BODY = 1024 * 1024;

export function createControlAddon(opts: ControlAddonOptions): ControlAddon {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const tokenDigest = digest(token);
  const stream = new EventStream({ maxBufferedBytes: opts.maxBufferedBytes, backlogSize: opts.backlogSize });
  const counters = new TrafficCounters();
  let server: Server | undefined;
  let url = '';
  let logger: Logger | undefined;
  let ctx: AddonContext | undefined;

  const authorized = (req: IncomingMessage, queryToken: string | null): boolean => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const given = bearer ?? queryToken;
    return given !== null && given !== undefined && timingSafeEqual(digest(given), tokenDigest);
  };

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://control');
    if (!authorized(req, null)) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, 401, { error: 'missing or wrong token: send Authorization: Bearer <token> (see <data>/control.json)' });
    }
    const method = req.method ?? 'GET';
    if (!METHODS.has(method)) return send(res, 405, { error: `method ${method} is not supported` });
    if (u.pathname === '/api/stream') return send(res, 426, { error: '/api/stream is a WebSocket: connect with ws://' });
    const match = ctx!.control.match(method, u.pathname);
    if (!match) return send(res, 404, { error: `no route ${method} ${u.pathname} (GET /api lists them)` });
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (err) {
      return send(res, (err as ControlError).status ?? 400, { error: (err as Error).message });
    }
    try {
      const result = await match.handler({ method: method as HttpMethod, params: match.params, query: u.searchParams, body, headers: req.headers });
      if (result === undefined) {
        res.writeHead(204).end();
        return;
      }
      send(res, 200, result);
    } catch (err) {
      if (err instanceof ControlError) return send(res, err.status, { error: err.message });
      logger?.error({ err, route: `${method} ${u.pathname}` }, 'control route failed');
      send(res, 500, { error: `internal error: ${(err as Error).message}` });
    }
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const u = new URL(req.url ?? '/', 'http://control');
    const refuse = (status: number, text: string): void => {
      const body = JSON.stringify({ error: text });
      socket.end(`HTTP/1.1 ${status} ${statusText(status)}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    };
    if (!authorized(req, u.searchParams.get('token'))) return refuse(401, 'missing or wrong token');
    if (u.pathname !== '/api/stream') return refuse(404, `no WebSocket at ${u.pathname} (the stream is /api/stream)`);
    const parsed = parseFilter(u.searchParams.get('filter') ?? '');
    if (!parsed.ok) return refuse(400, `bad filter: ${parsed.error}`);
    const backlog = Math.max(0, Math.min(Number(u.searchParams.get('backlog') ?? 0) || 0, 100_000));
    stream.accept(req, socket, head, parsed.filter, backlog);
  }

  return {
    name: 'control',

    async start(c) {
      ctx = c;
      logger = c.logger.child({ addon: 'control' });
      const startedAt = Date.now();
      registerOperatorRoutes({ ctx: c, counters, stream, startedAt, controlUrl: () => url });
      server = createServer((req, res) => {
        onRequest(req, res).catch((err: unknown) => {
          logger?.error({ err }, 'control request failed');
          if (!res.headersSent) send(res, 500, { error: 'internal error' });
        });
      });
      server.on('upgrade', onUpgrade);
      const host = opts.host ?? '127.0.0.1';
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(opts.port ?? 0, host, () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      await writeControlFile(opts.dataDir, { url, token, pid: process.pid });
      // Only a prefix of the token is logged: enough to tell two proxies apart, useless to an attacker.
      logger.info({ url, token: `${token.slice(0, 4)}…` }, 'control API listening');
      if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
        logger.warn({ host }, 'control API is reachable beyond this machine: anyone with the token can inject frames');
      }
    },

    observe(event: RelayEvent) {
      counters.observe(event);
      stream.publish(event);
    },

    async stop() {
      stream.close();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await removeControlFile(opts.dataDir, url);
    },

    info: () => ({ url, token }),
    controlEndpoint: () => (url ? { url, token } : undefined),
  };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ControlError(413, `body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (err) {
    throw new ControlError(400, `body is not JSON: ${(err as Error).message}`);
  }
}

const statusText = (status: number): string =>
  ({ 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' })[status] ?? 'Error';

async function writeControlFile(dataDir: string, info: ControlInfo): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const path = controlFilePath(dataDir);
  await writeFile(path, JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  await chmod(path, 0o600); // writeFile's mode applies only when it creates the file
}

/** Remove control.json, unless another proxy has since taken this data folder over. */
async function removeControlFile(dataDir: string, url: string): Promise<void> {
  const path = controlFilePath(dataDir);
  try {
    const info = JSON.parse(await readFile(path, 'utf8')) as ControlInfo;
    if (info.pid === process.pid && info.url === url) await rm(path, { force: true });
  } catch {
    // nothing to remove
  }
}
