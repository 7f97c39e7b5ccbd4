/**
 * The proxy fuzz, shared by the CI test (about a minute) and `bench/fuzz.ts` (longer): the whole proxy (every
 * feature, the embedded store) between raw peers that send generated and mutated frames from both sides, in every
 * version, plus generated handshakes, while a well-behaved ocpp-rpc station (strict mode) keeps calling.
 *
 * Invariants checked:
 * - nothing throws: no uncaught error (the test runner fails on one), no addon isolated after a throw, no error logged;
 * - the well-behaved station is answered throughout;
 * - every frame is answered as the spec says: after each generated frame the sender sends a probe CALL, and what it
 *   got before the probe's answer must be exactly what the frame called for (one answer with its id, or nothing), every
 *   CALLERROR with an error code of the sender's version;
 * - the store holds a row for every frame the peers put on the wire.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import fc from 'fast-check';
import WebSocket, { WebSocketServer } from 'ws';
import { FEATURES } from '../../src/features.js';
import { addCoreStartOptions, launchProxy } from '../../src/commands/start.js';
import { openChdb } from '../../src/store/chdb-backend.js';
import { chdbDir } from '../../src/store/store-paths.js';
import { connectStation } from '../support/ocpp-peers.js';
import { captureLogger } from '../support/capture-log.js';
import { frameArb, handshakeArb, PROTOCOLS, type FuzzFrame, type Protocol } from './fuzz-arbitraries.js';

const MAX_FRAME = 64 * 1024;
const MAX_DEPTH = 64;

const CODES_16 = ['NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation', 'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'TypeConstraintViolation', 'GenericError'];
const CODES_2 = ['FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented', 'NotSupported', 'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError', 'SecurityError', 'TypeConstraintViolation'];
const codesOf = (p: Protocol): string[] => (p === 'ocpp1.6' ? CODES_16 : CODES_2);

export interface FuzzOptions {
  mode: 'observe' | 'enforce';
  /** How long the generated frames run. */
  durationMs: number;
  seed?: number;
  log?: (line: string) => void;
}

export interface FuzzReport {
  steps: number;
  handshakes: number;
  goodCalls: number;
  /** Invariant violations, each saying which frame and what happened. */
  violations: string[];
  /** Error-level log lines of the proxy. */
  errors: string[];
  /** identity/direction → [frames the peers sent, rows the store holds]. */
  store: Record<string, [number, number]>;
  seed: number;
}

/** One end of a WebSocket that keeps what it receives, answers every CALL it gets, and counts what it sends. */
class Peer {
  readonly inbox: string[] = [];
  sent = 0;
  private wake: (() => void) | undefined;
  constructor(
    readonly ws: WebSocket,
    answer: (action: string) => unknown,
  ) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      this.inbox.push(text);
      this.wake?.();
      let f: unknown;
      try {
        f = JSON.parse(text);
      } catch {
        return;
      }
      if (Array.isArray(f) && f[0] === 2 && typeof f[1] === 'string') this.send(JSON.stringify([3, f[1], answer(String(f[2]))]));
    });
  }
  send(data: string | Uint8Array, binary = false): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.sent++;
    this.ws.send(data, { binary });
  }
  /** Messages received up to the answer to `id`, which is removed; undefined when it never came. */
  async until(id: string, timeoutMs: number): Promise<string[] | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((t) => t.startsWith(`[3,"${id}"`) || t.startsWith(`[4,"${id}"`));
      if (i >= 0) return this.inbox.splice(0, i + 1).slice(0, i);
      if (Date.now() > deadline || this.ws.readyState !== WebSocket.OPEN) return undefined;
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 20);
      });
    }
  }
}

const csmsAnswer = (action: string): unknown =>
  action === 'Heartbeat' ? { currentTime: new Date().toISOString() } : action === 'ClearCache' ? { status: 'Accepted' } : {};
const stationAnswer = (action: string): unknown => (action === 'ClearCache' ? { status: 'Accepted' } : {});

/** What a frame calls for from the other side: exactly one answer, nothing, or either (the raw peer decides). */
export function expectation(f: FuzzFrame, mode: 'observe' | 'enforce', protocol: Protocol): { answer: 'one' | 'none' | 'any'; id?: string } {
  const enforce = mode === 'enforce';
  if (f.binary) return enforce ? { answer: 'one', id: '-1' } : { answer: 'any' };
  if (Buffer.byteLength(f.text) > MAX_FRAME) return { answer: 'one' };
  let v: unknown;
  try {
    v = JSON.parse(f.text);
  } catch {
    return enforce ? { answer: 'one' } : { answer: 'none' };
  }
  if (!Array.isArray(v)) return enforce ? { answer: 'one', id: '-1' } : { answer: 'none' };
  const [type, id] = v;
  const goodId = typeof id === 'string' && id.length >= 1 && id.length <= 36;
  // A CALLERROR is never answered, not even a broken one (errors would ping-pong); on 2.1 neither a CALLRESULTERROR
  // nor a SEND is ever answered, refused or not (OCPP 2.1 part 4).
  if (type === 4) return { answer: 'none' };
  if (protocol === 'ocpp2.1' && (type === 5 || type === 6)) return { answer: 'none' };
  const peerAnswers = type === 2 && typeof id === 'string';
  if (depthOf(v) > MAX_DEPTH || !goodId) return enforce ? { answer: 'one', id: goodId ? id : '-1' } : { answer: peerAnswers ? 'any' : 'none' };
  if (type === 2) {
    const wellFormed = v.length === 4 && typeof v[2] === 'string' && v[2] !== '' && isObject(v[3]);
    return wellFormed || enforce || peerAnswers ? { answer: 'one', id } : { answer: 'none' };
  }
  if (type === 3) return v.length === 3 && isObject(v[2]) ? { answer: 'none' } : enforce ? { answer: 'one', id } : { answer: 'none' };
  return enforce ? { answer: 'one', id } : { answer: 'none' };
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

function depthOf(v: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    max = Math.max(max, d);
    for (const c of Array.isArray(x) ? x : Object.values(x)) stack.push([c, d + 1]);
  }
  return max;
}

/** Check what `sender` received for frame `f` (sent in `protocol`) before its probe's answer. */
function judge(f: FuzzFrame, got: string[] | undefined, protocol: Protocol, mode: 'observe' | 'enforce', where: string): string | undefined {
  const shown = f.binary ? `binary ${f.binary.length} bytes` : JSON.stringify(f.text.length > 160 ? f.text.slice(0, 160) + '…' : f.text);
  if (!got) return `${where}: no answer to the probe after ${shown} (the connection stalled or closed)`;
  const want = expectation(f, mode, protocol);
  if (want.answer === 'none' && got.length > 0) return `${where}: ${shown} called for no answer, got ${got.join(' | ').slice(0, 300)}`;
  if (want.answer === 'one' && got.length !== 1) return `${where}: ${shown} called for one answer, got ${got.length}: ${got.join(' | ').slice(0, 300)}`;
  for (const text of got) {
    let a: unknown;
    try {
      a = JSON.parse(text);
    } catch {
      if (want.answer === 'any') continue;
      return `${where}: ${shown} was answered with something that is not JSON: ${text.slice(0, 100)}`;
    }
    if (!Array.isArray(a)) return `${where}: answer ${text.slice(0, 100)} is not OCPP-J`;
    if (want.id !== undefined && a[1] !== want.id) return `${where}: ${shown} answered under id ${JSON.stringify(a[1])}, expected ${JSON.stringify(want.id)}`;
    if (a[0] === 4 && !codesOf(protocol).includes(String(a[2]))) return `${where}: ${shown} answered with "${a[2]}", not an ${protocol} error code`;
  }
  return undefined;
}

/** A raw HTTP upgrade: the proxy must answer it (any status) or close it, and stay up. */
async function handshake(port: number, request: string): Promise<string | undefined> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(request);
  const answered = await Promise.race([
    once(socket, 'data').then(([d]) => /^HTTP\/1\.1 \d{3}/.test(String(d)) || `not an HTTP answer: ${String(d).slice(0, 60)}`),
    once(socket, 'close').then(() => true),
    new Promise<string>((r) => setTimeout(() => r('neither answered nor closed within 3 s'), 3000)),
  ]);
  socket.destroy();
  return answered === true ? undefined : `handshake ${JSON.stringify(request.split('\r\n')[0])}: ${answered}`;
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const say = opts.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'ocpp-fuzz-'));
  const violations: string[] = [];
  const csmsPeers = new Map<string, Peer>();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (offered) => [...offered][0] ?? false });
  await once(wss, 'listening');
  wss.on('connection', (ws, req) => {
    const identity = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
    csmsPeers.set(identity, new Peer(ws, csmsAnswer));
  });
  const upstream = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ocpp`;

  const log = captureLogger('warn');
  const cmd = addCoreStartOptions(new Command()).exitOverride();
  for (const f of FEATURES) f.startOptions?.(cmd);
  cmd.parse(['--listen', '127.0.0.1:0', '--upstream', upstream, '--data', dir, '--validate', opts.mode, '--max-frame', String(MAX_FRAME), '--max-depth', String(MAX_DEPTH), '--ping-interval', '0', '--store-priority', 'normal'], { from: 'user' });
  const proxy = await launchProxy(FEATURES, cmd.opts(), log.logger);
  const base = proxy.relay.url;
  const port = Number(new URL(base).port);

  // A well-behaved station on the same proxy, calling throughout.
  const good = await connectStation({ url: `${base}/ocpp`, identity: 'GOOD-1', protocols: ['ocpp1.6'] });
  let goodCalls = 0;
  let goodRunning = true;
  const goodLoop = (async () => {
    while (goodRunning) {
      try {
        await good.call('Heartbeat', {});
        goodCalls++;
      } catch (err) {
        violations.push(`the well-behaved station was not answered: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  // Per version: a station that sends generated frames, and one the CSMS sends generated frames to.
  const stations = new Map<string, Peer>();
  const open = async (identity: string, protocol: Protocol): Promise<Peer> => {
    const ws = new WebSocket(`${base}/ocpp/${identity}`, [protocol]);
    await once(ws, 'open');
    const peer = new Peer(ws, stationAnswer);
    stations.set(identity, peer);
    for (let i = 0; i < 200 && !csmsPeers.has(identity); i++) await new Promise((r) => setTimeout(r, 10));
    return peer;
  };
  for (const p of PROTOCOLS) {
    await open(`FUZZ-S-${p}`, p);
    await open(`FUZZ-C-${p}`, p);
  }

  let probes = 0;
  let steps = 0;
  let handshakes = 0;
  const step = fc.oneof(
    { weight: 10, arbitrary: fc.tuple(fc.constantFrom(...PROTOCOLS), fc.boolean()).chain(([p, fromCsms]) => frameArb(p, MAX_FRAME).map((f) => ({ kind: 'frame' as const, p, fromCsms, f }))) },
    { weight: 1, arbitrary: handshakeArb.map((request) => ({ kind: 'handshake' as const, request })) },
  );
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(step, async (s) => {
      steps++;
      if (s.kind === 'handshake') {
        handshakes++;
        const bad = await handshake(port, s.request);
        if (bad) violations.push(bad);
        return;
      }
      const identity = `FUZZ-${s.fromCsms ? 'C' : 'S'}-${s.p}`;
      const sender = s.fromCsms ? csmsPeers.get(identity) : stations.get(identity);
      if (!sender || sender.ws.readyState !== WebSocket.OPEN) {
        violations.push(`${identity}: the ${s.fromCsms ? 'CSMS' : 'station'} leg was closed`);
        return;
      }
      sender.inbox.length = 0;
      if (s.f.binary) sender.send(s.f.binary, true);
      else sender.send(s.f.text);
      const probe = `probe-${++probes}`;
      sender.send(JSON.stringify([2, probe, s.fromCsms ? 'ClearCache' : 'Heartbeat', {}]));
      const bad = judge(s.f, await sender.until(probe, 5000), s.p, opts.mode, `${identity} (${s.fromCsms ? 'CSMS → station' : 'station → CSMS'})`);
      if (bad) violations.push(bad);
    }),
    { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: opts.durationMs, endOnFailure: true },
  ).catch((err: Error) => violations.push(`fast-check: ${err.message.split('\n').slice(0, 6).join(' ')}`));
  say(`fuzz ${opts.mode}: ${steps} steps (${handshakes} handshakes) in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${seed}`);

  goodRunning = false;
  await goodLoop;
  await good.close({ awaitPending: true });
  const sent: Record<string, number> = {};
  for (const [id, peer] of stations) sent[`${id}/to-csms`] = peer.sent;
  for (const [id, peer] of csmsPeers) if (id.startsWith('FUZZ-')) sent[`${id}/to-station`] = peer.sent;
  for (const peer of stations.values()) peer.ws.close();
  await new Promise((r) => setTimeout(r, 200));
  await proxy.stop();
  for (const c of wss.clients) c.terminate();
  await new Promise<void>((r) => wss.close(() => r()));

  const store: FuzzReport['store'] = {};
  const db = await openChdb(chdbDir(dir));
  try {
    const rows = await db.query<{ identity: string; direction: string; n: string }>(
      "SELECT identity, direction, count() AS n FROM frames WHERE origin = 'wire' AND identity LIKE 'FUZZ-%' GROUP BY identity, direction",
    );
    const stored = new Map(rows.map((r) => [`${r.identity}/${r.direction}`, Number(r.n)]));
    for (const [k, n] of Object.entries(sent)) {
      store[k] = [n, stored.get(k) ?? 0];
      if (stored.get(k) !== n) violations.push(`store: ${k}: the peers sent ${n} frames, the store holds ${stored.get(k) ?? 0}`);
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const errors = log.lines().filter((l) => Number(l.level) >= 50).map((l) => `${String(l.msg)}${l.err ? `: ${(l.err as { message?: string }).message}` : ''}`);
  return { steps, handshakes, goodCalls, violations, errors, store, seed };
}
