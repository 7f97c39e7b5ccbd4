/**
 * Fixtures for the TLS tests: a throw-away PKI made with our own tooling, a CSMS (ocpp-rpc, strict) behind
 * ws:// or wss:// that records what each station's handshake carried, a proxy started the way `start` does
 * (command-line options parsed by commander, then launchProxy), and a logger whose output the test can read.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Command } from 'commander';
import { RPCServer } from 'ocpp-rpc';
import type { Logger } from 'pino';
import { addCoreStartOptions, launchProxy, type RunningProxy } from '../../src/commands/start.js';
import { createLogger } from '../../src/log.js';
import { tlsFeature } from '../../src/tls/index.js';
import { DEFAULT_CSMS_HANDLERS } from '../support/ocpp-peers.js';

export function tempDir(prefix = 'ocpp-mitm-tls-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const read = (file: string) => readFileSync(file);

/** A logger writing JSON lines into memory, through the project's own logger (so its redaction applies). */
export function captureLogger(level = 'debug'): { logger: Logger; text: () => string; lines: () => any[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const logger = createLogger({ format: 'json', level, destination: sink });
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
  };
}

export interface CsmsHandshake {
  identity: string;
  /** Raw Authorization header the CSMS received (tests compare it; it is never logged). */
  authorization: string | undefined;
  password: string | undefined;
  clientCn: string | undefined;
  clientAuthorized: boolean | undefined;
}

export interface TestTlsCsms {
  url: string;
  handshakes: CsmsHandshake[];
  close(): Promise<void>;
}

/**
 * A CSMS on ws:// (no tls) or wss:// (tls given). With `clientCa`, it asks for a client certificate and records
 * its CN (it still accepts stations without one, so tests can see what arrived, unless `requireClientCert`).
 */
export async function startTlsCsms(opts: { tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer; requireClientCert?: boolean } } = {}): Promise<TestTlsCsms> {
  const rpc = new RPCServer({ protocols: ['ocpp1.6', 'ocpp2.0.1'], strictMode: true });
  const handshakes: CsmsHandshake[] = [];
  rpc.auth((accept, _reject, handshake) => {
    const hs = handshake as any;
    const socket = hs.request.socket as TLSSocket;
    const peer = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    const header = hs.headers.authorization;
    handshakes.push({
      identity: hs.identity,
      authorization: typeof header === 'string' ? header : undefined,
      password: hs.password ? Buffer.from(hs.password).toString('utf8') : undefined,
      clientCn: peer && Object.keys(peer).length > 0 ? String(peer.subject.CN) : undefined,
      clientAuthorized: typeof socket.authorized === 'boolean' ? socket.authorized : undefined,
    });
    accept();
  });
  rpc.on('client', (client: any) => {
    client.handle(({ method, params }: { method: string; params: any }) => {
      const h = DEFAULT_CSMS_HANDLERS[method];
      if (!h) throw Object.assign(new Error(`no handler for ${method}`), { rpcErrorCode: 'NotImplemented' });
      return h(params, client.identity);
    });
  });
  let server: HttpsServer | undefined;
  let port: number;
  if (opts.tls) {
    server = createHttpsServer({
      cert: opts.tls.cert,
      key: opts.tls.key,
      requestCert: Boolean(opts.tls.clientCa),
      rejectUnauthorized: opts.tls.requireClientCert === true,
      ca: opts.tls.clientCa,
    });
    server.on('upgrade', rpc.handleUpgrade);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  } else {
    const http = await rpc.listen(0, '127.0.0.1');
    port = (http.address() as { port: number }).port;
  }
  return {
    url: `${opts.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ocpp/`,
    handshakes,
    async close() {
      await rpc.close({ force: true });
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((r) => server!.close(() => r()));
      }
    },
  };
}

/** Start the proxy as `ocpp-mitm start <args>` would, with only the TLS feature, on an ephemeral port. */
export async function startProxy(args: string[], logger: Logger, dataDir: string): Promise<RunningProxy> {
  const cmd = new Command('start').exitOverride().configureOutput({ writeErr: () => {} });
  addCoreStartOptions(cmd);
  tlsFeature.startOptions!(cmd);
  cmd.parse(['--listen', '127.0.0.1:0', '--data', dataDir, ...args], { from: 'user' });
  return launchProxy([tlsFeature], cmd.opts(), logger);
}

/** Resolve when `cond` holds, or fail after `ms`. */
export async function until(cond: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
