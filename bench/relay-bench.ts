/**
 * Relay benchmark: the same stations and the same CSMS, directly and through ocpp-mitm, in one run.
 *
 *   npm run build && node --import tsx bench/relay-bench.ts [--proxy full|core] [--stations 1000] [--rate 2000] [--seconds 10]
 *       [--idle 8000] [--blast-seconds 5] [--proxy-args="--no-store --validate off"]
 *
 * The proxy runs as its own process (`ocpp-mitm start`, built from dist/), so its CPU and RSS are its own;
 * the CSMS is a lean ws server answering every CALL at once, so the CSMS is never what is measured.
 * Figures: added latency p50/p99 at a set rate, throughput ceiling (frames relayed per second), and RSS per
 * idle connection. Results print as a table and are written to bench/results/relay.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';

const { values: args } = parseArgs({
  options: {
    stations: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    idle: { type: 'string', default: '8000' },
    'blast-seconds': { type: 'string', default: '5' },
    'blast-stations': { type: 'string', default: '50' },
    'proxy-args': { type: 'string', default: '' },
    // 'full': `ocpp-mitm start` with every feature; 'core': the relay core with validation only (bench/core-proxy.ts).
    proxy: { type: 'string', default: 'full' },
    // V8 flags for the proxy process, e.g. --node-args="--max-semi-space-size=64".
    'node-args': { type: 'string', default: '' },
  },
});
const STATIONS = Number(args.stations);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const IDLE = Number(args.idle);
const BLAST_SECONDS = Number(args['blast-seconds']);
const BLAST_STATIONS = Number(args['blast-stations']);

const frameFor = (id: string): string =>
  JSON.stringify([2, id, 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: new Date().toISOString() }]);

// ---- the CSMS: answers every CALL immediately ---------------------------------------------------------

async function startCsms(): Promise<{ port: number; close(): Promise<void> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, handleProtocols: (p) => [...p][0] ?? false });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const text = data.toString();
      const id = text.slice(text.indexOf('"') + 1, text.indexOf('"', text.indexOf('"') + 1));
      ws.send(`[3,"${id}",{}]`);
    });
  });
  await once(wss, 'listening');
  return { port: (wss.address() as { port: number }).port, close: () => new Promise((r) => wss.close(() => r())) };
}

// ---- the proxy, as its own process ------------------------------------------------------------------

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startProxy(csmsPort: number): Promise<{ port: number; proc: ChildProcess; rssMb(): number }> {
  const port = await freePort();
  const data = await mkdtemp(join(tmpdir(), 'ocpp-mitm-bench-'));
  const extra = args['proxy-args'] ? args['proxy-args'].split(' ').filter(Boolean) : [];
  const upstream = `ws://127.0.0.1:${csmsPort}/`;
  const argv =
    args.proxy === 'core'
      ? ['dist/bench/core-proxy.js', String(port), upstream, ...extra]
      : ['dist/src/cli.js', 'start', '--listen', `127.0.0.1:${port}`, '--upstream', upstream, '--data', data, '--log-format', 'json', '--log-level', 'warn', '--ping-interval', '0', ...extra];
  const nodeArgs = args['node-args'] ? args['node-args'].split(' ').filter(Boolean) : [];
  const proc = spawn(process.execPath, [...nodeArgs, ...argv], { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    if (await canConnect(port)) break;
    await sleep(50);
  }
  return { port, proc, rssMb: () => rssOf(proc.pid!) };
}

function rssOf(pid: number): number {
  // /proc/PID/status VmRSS is in kB.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

// ---- stations --------------------------------------------------------------------------------------

async function connectMany(url: string, n: number, prefix: string): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  const batch = 200;
  for (let i = 0; i < n; i += batch) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, async (_, j) => {
        const ws = new WebSocket(`${url}/${prefix}-${i + j}`, ['ocpp1.6'], { perMessageDeflate: false });
        await once(ws, 'open');
        return ws;
      }),
    );
    out.push(...chunk);
  }
  return out;
}

const closeAll = async (sockets: WebSocket[]): Promise<void> => {
  await Promise.all(sockets.map((ws) => (ws.readyState === ws.OPEN ? (ws.close(), once(ws, 'close')) : undefined)));
};

/** Send CALLs at `rate` per second spread over the stations; return each call's round trip in ms. */
async function steadyLoad(sockets: WebSocket[], rate: number, seconds: number): Promise<number[]> {
  const sentAt = new Map<string, number>();
  const rtts: number[] = [];
  for (const ws of sockets) {
    ws.on('message', (data) => {
      const text = data.toString();
      const id = text.slice(4, text.indexOf('"', 4));
      const t = sentAt.get(id);
      if (t !== undefined) {
        rtts.push(performance.now() - t);
        sentAt.delete(id);
      }
    });
  }
  const total = rate * seconds;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    while (sent < due) {
      const ws = sockets[sent % sockets.length]!;
      const id = `s${sent}`;
      sentAt.set(id, performance.now());
      ws.send(frameFor(id));
      sent++;
    }
    await sleep(1);
  }
  const deadline = performance.now() + 5000;
  while (sentAt.size > 0 && performance.now() < deadline) await sleep(10);
  for (const ws of sockets) ws.removeAllListeners('message');
  return rtts;
}

/** Every station keeps `window` CALLs in flight for `seconds`: frames answered per second is the ceiling. */
async function blast(sockets: WebSocket[], seconds: number, window = 32): Promise<number> {
  let answered = 0;
  let stop = false;
  let seq = 0;
  for (const ws of sockets) {
    ws.on('message', () => {
      answered++;
      if (!stop) ws.send(frameFor(`b${seq++}`));
    });
    for (let i = 0; i < window; i++) ws.send(frameFor(`b${seq++}`));
  }
  const start = performance.now();
  await sleep(seconds * 1000);
  stop = true;
  const elapsed = (performance.now() - start) / 1000;
  await sleep(200);
  for (const ws of sockets) ws.removeAllListeners('message');
  // Each answered CALL is two frames through the relay: the CALL and its CALLRESULT.
  return (answered * 2) / elapsed;
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

// ---- the run ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const csms = await startCsms();
  const proxy = await startProxy(csms.port);
  const direct = `ws://127.0.0.1:${csms.port}`;
  const proxied = `ws://127.0.0.1:${proxy.port}/ocpp`;
  const results: Record<string, number | string> = { proxy: args.proxy!, stations: STATIONS, rate: RATE, seconds: SECONDS, proxyArgs: args['proxy-args'] || '(defaults)' };
  log(`steady load: ${STATIONS} stations, ${RATE} CALL/s for ${SECONDS}s, direct then proxied`);

  for (const [name, url] of [['direct', direct], ['proxied', proxied]] as const) {
    const sockets = await connectMany(url, STATIONS, `${name}-st`);
    await steadyLoad(sockets, Math.min(RATE, 500), 1); // warm-up
    const rtts = await steadyLoad(sockets, RATE, SECONDS);
    results[`${name}_calls`] = rtts.length;
    results[`${name}_p50_ms`] = round(pct(rtts, 50));
    results[`${name}_p99_ms`] = round(pct(rtts, 99));
    await closeAll(sockets);
  }
  results.added_p50_ms = round(Number(results.proxied_p50_ms) - Number(results.direct_p50_ms));
  results.added_p99_ms = round(Number(results.proxied_p99_ms) - Number(results.direct_p99_ms));

  log(`throughput ceiling: ${BLAST_STATIONS} stations, 32 CALLs in flight each, ${BLAST_SECONDS}s`);
  for (const [name, url] of [['direct', direct], ['proxied', proxied]] as const) {
    const sockets = await connectMany(url, BLAST_STATIONS, `${name}-blast`);
    results[`${name}_frames_per_s`] = Math.round(await blast(sockets, BLAST_SECONDS));
    await closeAll(sockets);
  }
  results.throughput_ratio = round(Number(results.proxied_frames_per_s) / Number(results.direct_frames_per_s));

  if (IDLE > 0) {
    log(`idle stations: ${IDLE} through the proxy`);
    await sleep(500);
    const before = proxy.rssMb();
    const sockets = await connectMany(proxied, IDLE, 'idle');
    await sleep(1000);
    const after = proxy.rssMb();
    results.idle_stations = IDLE;
    results.proxy_rss_before_mb = round(before);
    results.proxy_rss_idle_mb = round(after);
    results.rss_per_station_kb = round(((after - before) * 1024) / IDLE);
    await closeAll(sockets);
  }

  proxy.proc.kill('SIGTERM');
  await once(proxy.proc, 'exit');
  await csms.close();
  console.table(results);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/relay.json', JSON.stringify(results, null, 2));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (n: number): number => Math.round(n * 1000) / 1000;
const log = (s: string): void => void process.stderr.write(`bench: ${s}\n`);
const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
