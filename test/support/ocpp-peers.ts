/**
 * Real OCPP peers for tests: ocpp-rpc CSMSs and stations in strict mode, plus a raw ws station for frames
 * ocpp-rpc refuses to send. Every test starts its own on ephemeral ports and closes them.
 */
import { once } from 'node:events';
import { RPCClient, RPCServer } from 'ocpp-rpc';
import { ocpp21StrictValidator, warmOcpp21StrictValidator } from '../../src/demo/ocpp21-strict.js';
import WebSocket from 'ws';

type Params = Record<string, unknown>;
export type Handler = (params: Params, identity: string) => unknown | Promise<unknown>;
// ocpp-rpc ships loose types for its server-side client objects.
export type RpcServerClient = {
  identity: string;
  protocol: string;
  handshake: { headers: Record<string, string | string[] | undefined>; protocols: Set<string>; identity: string };
  call(method: string, params?: unknown, options?: Record<string, unknown>): Promise<any>;
  handle(methodOrHandler: string | ((ctx: { params: any; method: string }) => unknown), fn?: (ctx: { params: any; method: string }) => unknown): void;
  close(opts?: { code?: number; reason?: string; force?: boolean }): Promise<unknown>;
  once(event: string, fn: (...a: any[]) => void): void;
  on(event: string, fn: (...a: any[]) => void): void;
};

const now = (): string => new Date().toISOString();

/** Strict 2.1 for ocpp-rpc peers (its own 2.1 validator finds no schema; see src/demo/ocpp21-strict.ts). */
const OCPP21_STRICT = ocpp21StrictValidator();
export const warmOcpp21Peers = warmOcpp21StrictValidator;

/** Valid answers for the station-initiated actions of both versions. */
export const DEFAULT_CSMS_HANDLERS: Record<string, Handler> = {
  BootNotification: () => ({ status: 'Accepted', currentTime: now(), interval: 300 }),
  Heartbeat: () => ({ currentTime: now() }),
  StatusNotification: () => ({}),
  Authorize: (p) => ('idToken' in p ? { idTokenInfo: { status: 'Accepted' } } : { idTagInfo: { status: 'Accepted' } }),
  StartTransaction: () => ({ transactionId: 1001, idTagInfo: { status: 'Accepted' } }),
  StopTransaction: () => ({ idTagInfo: { status: 'Accepted' } }),
  MeterValues: () => ({}),
  TransactionEvent: () => ({}),
  DataTransfer: () => ({ status: 'Accepted' }),
  FirmwareStatusNotification: () => ({}),
  DiagnosticsStatusNotification: () => ({}),
  LogStatusNotification: () => ({}),
  SecurityEventNotification: () => ({}),
  NotifyReport: () => ({}),
  NotifyEvent: () => ({}),
};

export interface TestCsms {
  url: string;
  port: number;
  server: RPCServer;
  clients: Map<string, RpcServerClient>;
  /** Every call the CSMS received, in order. */
  received: Array<{ identity: string; method: string; params: any }>;
  /** Resolves with the oldest station nobody waited for yet, or the next to connect (or the one with `identity`). */
  waitForClient(identity?: string): Promise<RpcServerClient>;
  close(): Promise<void>;
}

export async function startCsms(opts: {
  protocols?: string[];
  handlers?: Record<string, Handler>;
  strict?: boolean;
  /** Refuse the handshake with this HTTP status, or check credentials. */
  auth?: (handshake: any) => { accept: true; protocol?: string } | { accept: false; status: number; message: string };
} = {}): Promise<TestCsms> {
  const server = new RPCServer(
    { protocols: opts.protocols ?? ['ocpp1.6', 'ocpp2.0.1'], strictMode: opts.strict ?? true, strictModeValidators: [OCPP21_STRICT] } as any,
    () => {},
  );
  const handlers = { ...DEFAULT_CSMS_HANDLERS, ...opts.handlers };
  const clients = new Map<string, RpcServerClient>();
  const received: TestCsms['received'] = [];
  /** Stations that connected before anyone waited for them, oldest first. */
  const unclaimed: RpcServerClient[] = [];
  const waiters: Array<{ identity?: string; resolve: (c: RpcServerClient) => void }> = [];
  if (opts.auth) {
    const auth = opts.auth;
    server.auth((accept, reject, handshake) => {
      const r = auth(handshake);
      if (r.accept) accept({}, r.protocol);
      else reject(r.status, r.message);
    });
  }
  server.on('client', (client: RpcServerClient) => {
    clients.set(client.identity, client);
    if (!waiters.some((w) => !w.identity || w.identity === client.identity)) unclaimed.push(client);
    client.handle(({ method, params }: { method: string; params: any }) => {
      received.push({ identity: client.identity, method, params });
      const h = handlers[method];
      if (!h) throw Object.assign(new Error(`no handler for ${method}`), { rpcErrorCode: 'NotImplemented' });
      return h(params, client.identity);
    });
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (!w.identity || w.identity === client.identity) {
        waiters.splice(i, 1);
        w.resolve(client);
      }
    }
  });
  const http = await server.listen(0, '127.0.0.1');
  const port = (http.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/ocpp/`,
    port,
    server,
    clients,
    received,
    waitForClient: (identity) =>
      new Promise((resolve) => {
        const existing = identity ? clients.get(identity) : unclaimed.shift();
        if (existing) resolve(existing);
        else waiters.push({ identity, resolve });
      }),
    close: () => server.close({ force: true }),
  };
}

export async function connectStation(opts: {
  url: string;
  identity: string;
  protocols?: string[];
  password?: string;
  strict?: boolean;
  wsOpts?: Record<string, unknown>;
  handlers?: Record<string, Handler>;
}): Promise<RPCClient> {
  const client = new RPCClient({
    endpoint: opts.url,
    identity: opts.identity,
    protocols: opts.protocols ?? ['ocpp1.6'],
    strictMode: opts.strict ?? true,
    strictModeValidators: [OCPP21_STRICT],
    password: opts.password,
    reconnect: false,
    wsOpts: opts.wsOpts,
  } as any);
  for (const [method, fn] of Object.entries(opts.handlers ?? {})) {
    client.handle(method, (({ params }: { params: any }) => fn(params, opts.identity)) as any);
  }
  await client.connect();
  return client;
}

/** A station that speaks raw text, for frames a strict library never sends. */
export async function connectRawStation(url: string, protocols: string[] = ['ocpp1.6'], options: WebSocket.ClientOptions = {}): Promise<RawStation> {
  const ws = new WebSocket(url, protocols, options);
  const raw = new RawStation(ws);
  await once(ws, 'open');
  return raw;
}

export class RawStation {
  readonly messages: string[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.messages.push(d.toString());
      this.waiters.splice(0).forEach((w) => w());
    });
  }
  send(text: string | Buffer, binary = false): void {
    this.ws.send(text, { binary });
  }
  /** The next message, parsed when it is JSON. */
  async next(timeoutMs = 5000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length === 0) {
      if (Date.now() > deadline) throw new Error('raw station: no message within timeout');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    const text = this.messages.shift()!;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  close(): void {
    this.ws.close();
  }
}
