/**
 * Opens the CSMS leg for one station before the station's handshake completes, so that a CSMS that refuses
 * (401, 404) or cannot be reached shows up at the station as an HTTP status, not as a socket that opens and dies.
 */
import WebSocket from 'ws';
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpstreamResult =
  /** `socket`: the connection under `ws` (the relay holds its writes within a turn; ws has no public handle). */
  | { ok: true; ws: WebSocket; socket: Duplex }
  | { ok: false; status: number; reason: string; headers: Record<string, string> };

export interface UpstreamRequest {
  url: string;
  protocols: string[];
  headers: Record<string, string>;
  tls: Record<string, unknown>;
  timeoutMs: number;
  maxPayload: number;
}

/** Headers of a CSMS refusal worth passing to the station (e.g. a Basic-auth challenge). */
const PASSED_BACK = ['www-authenticate', 'retry-after'];

export function connectUpstream(req: UpstreamRequest, abort: AbortSignal): Promise<UpstreamResult> {
  return new Promise((resolve) => {
    let settled = false;
    let ws: WebSocket | undefined;
    // Declared before anything can settle: a constructor that throws settles at once.
    const onAbort = (): void => {
      ws?.terminate();
      settle({ ok: false, status: 499, reason: 'station left before the CSMS answered', headers: {} });
    };
    const settle = (r: UpstreamResult): void => {
      if (settled) return;
      settled = true;
      abort.removeEventListener('abort', onAbort);
      resolve(r);
    };
    try {
      ws = new WebSocket(req.url, req.protocols, {
        headers: req.headers,
        handshakeTimeout: req.timeoutMs,
        perMessageDeflate: false,
        maxPayload: req.maxPayload,
        ...req.tls,
      });
    } catch (err) {
      settle({ ok: false, status: 502, reason: `cannot open the CSMS leg to ${req.url}: ${(err as Error).message}`, headers: {} });
      return;
    }
    const csms = ws;
    abort.addEventListener('abort', onAbort);

    let socket: Duplex | undefined;
    csms.once('upgrade', (res) => (socket = res.socket));
    csms.once('open', () => settle({ ok: true, ws: csms, socket: socket! }));
    csms.once('unexpected-response', (_request, res) => {
      const status = res.statusCode ?? 502;
      const headers = pick(res.headers, PASSED_BACK);
      res.resume();
      csms.terminate();
      settle({ ok: false, status, reason: `CSMS answered the handshake with HTTP ${status} ${res.statusMessage ?? ''}`.trim(), headers });
    });
    csms.once('error', (err: NodeJS.ErrnoException) => {
      csms.terminate();
      const timedOut = /timed out|timeout/i.test(err.message);
      // A CSMS that answered but whose TLS failed is not "unreachable": say which it was.
      const tlsFailed = err.code?.startsWith('ERR_TLS') || /certificate|ssl|tls/i.test(err.message);
      settle({
        ok: false,
        status: timedOut ? 504 : 502,
        reason: timedOut
          ? `CSMS at ${req.url} did not answer within ${req.timeoutMs} ms`
          : tlsFailed
            ? `TLS with the CSMS at ${req.url} failed: ${describe(err)}`
            : `CSMS at ${req.url} unreachable: ${describe(err)}`,
        headers: {},
      });
    });
  });
}

function describe(err: NodeJS.ErrnoException): string {
  if (err.code && !err.message.includes(err.code)) return `${err.message} (${err.code})`;
  return err.message;
}

function pick(headers: IncomingHttpHeaders, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = headers[n];
    if (typeof v === 'string') out[n] = v;
  }
  return out;
}
