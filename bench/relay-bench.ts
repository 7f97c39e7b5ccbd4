/**
 * Relay benchmark: the same stations and the same CSMS, directly and through proxies, in one run.
 *
 *   npm run build && node --import tsx bench/relay-bench.ts [--proxy full] [--stations 1000] [--rate 2000] [--seconds 10]
 *       [--rounds 10] [--warmup-seconds 2] [--idle 8000] [--blast-seconds 5] [--proxy-args="--no-store --validate off"]
 *   e.g. --proxy pipe,core,full                       the floor, the core with validation, everything
 *        --proxy nostore=full:--no-store,full,server=full:--clickhouse=${CLICKHOUSE}    what the store adds
 *        ... --clickhouse-priority idle      the server at SCHED_IDLE, standing in for one on another machine
 *        --proxy 'plain=full,slow=full:--mirror ${SLOW_CSMS},down=full:--mirror ${DEAD_CSMS}'   a shadow CSMS costs
 *            the primary path nothing: ${SLOW_CSMS} answers after 500 ms, ${DEAD_CSMS} refuses every connection
 *
 * Each proxy runs as its own process (built from dist/), so its CPU and RSS are its own; the CSMS
 * (bench/echo-csms.ts) is a lean ws server in another process answering every CALL at once, so the CSMS is never
 * what is measured, and the direct path crosses processes just as the proxied one does. Every side (direct and
 * each proxy) has its own stations; the sides take turns in short rounds.
 * Figures: added latency p50/p99 at a set rate, throughput ceiling (frames relayed per second), and RSS per
 * idle connection. Results print as a table and are written to bench/results/relay.json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { freePort, TestClickhouse } from '../test/store/clickhouse-support.js';
import { benchArgs, words } from './bench-args.js';
import { startEchoCsms as startCsms } from './echo-csms-process.js';
import { blast, closeAll, connectMany, percentile as pct, steadyLoad } from './station-load.js';

const args = benchArgs({
  stations: 1000,
  rate: 2000,
  seconds: 10,
  idle: 8000,
  'blast-seconds': 5,
  'blast-stations': 50,
  // The steady load is measured in this many alternating direct/proxied rounds, after a full-rate warm-up.
  rounds: 10,
  'warmup-seconds': 2,
  'proxy-args': '',
  // Proxies measured side by side, comma-separated: 'full' (`ocpp-mitm start`, every feature), 'core' (the relay
  // core with validation only, bench/core-proxy.ts), 'pipe' (a byte pipe: the floor), or NAME=full:ARGS for
  // `ocpp-mitm start` with extra options (e.g. nostore=full:--no-store). ${CLICKHOUSE} in ARGS starts a
  // ClickHouse server for the run (scripts/clickhouse-server.sh) and stands for its URL.
  proxy: 'full',
  // V8 flags for the proxy process, e.g. --node-args="--max-semi-space-size=64".
  'node-args': '',
  // CPU priority of the ${CLICKHOUSE} server: 'normal', or 'idle' (SCHED_IDLE, as if it ran on another machine).
  'clickhouse-priority': 'normal',
});
const { stations: STATIONS, rate: RATE, seconds: SECONDS, idle: IDLE, 'blast-seconds': BLAST_SECONDS, 'blast-stations': BLAST_STATIONS, 'warmup-seconds': WARMUP_SECONDS } = args;
const ROUNDS = Math.max(1, args.rounds);

// ---- the proxy, as its own process (the CSMS too: bench/echo-csms-process.ts) -------------------------

type ProxyKind = 'pipe' | 'core' | 'full';
interface ProxySpec {
  name: string;
  kind: ProxyKind;
  extra: string[];
}
interface Proxy extends ProxySpec {
  port: number;
  proc: ChildProcess;
  rssMb(): number;
  /** CPU time (ms) per thread name, from /proc. */
  cpuByThread(): Map<string, number>;
}

/** `full`, `core`, `pipe` or `NAME=full:ARGS`, comma-separated. */
function parseProxySpecs(list: string): ProxySpec[] {
  return list.split(',').map((item) => {
    const m = /^(?:([\w-]+)=)?(pipe|core|full)(?::(.*))?$/.exec(item.trim());
    if (!m) throw new Error(`--proxy: cannot read '${item}' (pipe, core, full or NAME=full:ARGS)`);
    const [, name, kind, extra] = m;
    return { name: name ?? kind!, kind: kind as ProxyKind, extra: (extra ?? '').split(' ').filter(Boolean) };
  });
}

async function startProxy(spec: ProxySpec, csmsPort: number): Promise<Proxy> {
  const port = await freePort();
  const data = await mkdtemp(join(tmpdir(), 'ocpp-mitm-bench-'));
  const extra = words(args['proxy-args']);
  const upstream = `ws://127.0.0.1:${csmsPort}/`;
  const argv = {
    pipe: ['dist/bench/pipe-proxy.js', String(port), String(csmsPort)],
    core: ['dist/bench/core-proxy.js', String(port), upstream],
    full: ['dist/src/cli.js', 'start', '--listen', `127.0.0.1:${port}`, '--upstream', upstream, '--data', data, '--log-format', 'json', '--log-level', 'warn', '--ping-interval', '0', ...extra, ...spec.extra],
  }[spec.kind];
  const nodeArgs = spec.kind !== 'pipe' ? words(args['node-args']) : [];
  const proc = spawn(process.execPath, [...nodeArgs, ...argv], { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    if (await canConnect(port)) break;
    await sleep(50);
  }
  return { ...spec, port, proc, rssMb: () => rssOf(proc.pid!), cpuByThread: () => cpuByThread(proc.pid!) };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** User + system CPU (ms) of a /proc stat line: after the name, utime and stime are fields 14 and 15 (1-based). */
function cpuMsOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The process and its children (the full proxy's chDB helper), each as [pid, label prefix]. */
function processTree(pid: number): [number, string][] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    // gone, or no CONFIG_PROC_CHILDREN: the process alone
  }
  return [[pid, ''], ...children.map((c): [number, string] => [c, 'helper ']) ];
}

/**
 * CPU (user + system, ms) a proxy has used, its helper process included, summed per thread name: the main thread
 * is 'main', Node's others 'node', chDB's engine threads carry ClickHouse's names.
 */
function cpuByThread(root: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const [pid, prefix] of processTree(root)) {
    let tids: string[];
    let all: string;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
      all = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue;
    }
    let live = 0;
    for (const tid of tids) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      } catch {
        continue; // the thread ended meanwhile
      }
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ms = cpuMsOf(stat);
      live += ms;
      const key = prefix + (tid === String(pid) ? 'main' : name);
      out.set(key, (out.get(key) ?? 0) + ms);
    }
    // The process's own line also counts threads that have ended.
    out.set(`${prefix}(ended threads)`, (out.get(`${prefix}(ended threads)`) ?? 0) + cpuMsOf(all) - live);
  }
  return out;
}

function cpuDelta(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

/** RSS of the proxy and its helper process (MB). */
function rssOf(root: number): number {
  let kb = 0;
  for (const [pid] of processTree(root)) {
    try {
      // /proc/PID/status VmRSS is in kB.
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return kb / 1024;
}

// ---- the run ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let specs = parseProxySpecs(args.proxy);
  const clickhouse = specs.some((s) => s.extra.some((a) => a.includes('${CLICKHOUSE}'))) ? await TestClickhouse.launch() : undefined;
  if (clickhouse && args['clickhouse-priority'] === 'idle') {
    // Every thread of the server, and those it starts later (they inherit the policy).
    const pid = readFileSync(join(clickhouse.dir, 'clickhouse.pid'), 'utf8').trim();
    const res = spawnSync('chrt', ['--all-tasks', '--idle', '--pid', '0', pid], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`--clickhouse-priority idle: chrt failed: ${res.stderr || res.error?.message}`);
  }
  if (clickhouse) specs = specs.map((s) => ({ ...s, extra: s.extra.map((a) => a.replaceAll('${CLICKHOUSE}', `${clickhouse.url}/bench_${s.name.replace(/\W/g, '_')}`)) }));
  else if (specs.some((s) => s.extra.some((a) => a.includes('${CLICKHOUSE}')))) throw new Error('${CLICKHOUSE}: clickhouse-server is not installed (scripts/clickhouse-server.sh install)');
  const uses = (name: string): boolean => specs.some((s) => s.extra.some((a) => a.includes(`\${${name}}`)));
  // Shadow CSMSs for --mirror: one that answers after 500 ms, and an address where nothing listens.
  const slow = uses('SLOW_CSMS') ? await startCsms(500) : undefined;
  const dead = uses('DEAD_CSMS') ? `ws://127.0.0.1:${await freePort()}/` : undefined;
  specs = specs.map((s) => ({
    ...s,
    extra: s.extra.map((a) => a.replaceAll('${SLOW_CSMS}', slow ? `ws://127.0.0.1:${slow.port}/` : '').replaceAll('${DEAD_CSMS}', dead ?? '')),
  }));
  const csms = await startCsms();
  const proxies: Proxy[] = [];
  for (const spec of specs) proxies.push(await startProxy(spec, csms.port));
  const urls: Record<string, string> = { direct: `ws://127.0.0.1:${csms.port}` };
  for (const p of proxies) urls[p.name] = p.kind === 'pipe' ? `ws://127.0.0.1:${p.port}` : `ws://127.0.0.1:${p.port}/ocpp`;
  const sideNames = Object.keys(urls);
  const results: Record<string, number | string> = { proxies: args.proxy, stations: STATIONS, rate: RATE, seconds: SECONDS, proxyArgs: args['proxy-args'] || '(defaults)' };
  log(`steady load: ${STATIONS} stations per side (${sideNames.join(', ')}), ${RATE} CALL/s, ${SECONDS}s per side in ${ROUNDS} rounds after ${WARMUP_SECONDS}s warm-up`);

  // The sides take turns in short rounds, in an order that rotates, so that a noisy spell on this shared
  // machine lands on every side alike instead of on whichever ran at the time; each is warmed up at full rate
  // first, so no side's figures include the JIT's first compilations.
  const sockets: Record<string, WebSocket[]> = {};
  for (const side of sideNames) sockets[side] = await connectMany(urls[side]!, STATIONS, `${side}-st`);
  const rtts: Record<string, number[]> = Object.fromEntries(sideNames.map((s) => [s, []]));
  for (const side of sideNames) await steadyLoad(sockets[side]!, RATE, WARMUP_SECONDS);
  const roundP99: Record<string, number[]> = Object.fromEntries(sideNames.map((s) => [s, []]));
  // Each proxy's CPU over the whole measured phase, and within its own rounds only.
  const cpuStart = new Map(proxies.map((p) => [p.name, p.cpuByThread()]));
  const ownCpu = new Map(proxies.map((p) => [p.name, new Map<string, number>()]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = sideNames.map((_, i) => sideNames[(i + r) % sideNames.length]!);
    if (r % 2 === 1) order.reverse();
    for (const side of order) {
      collectGarbage();
      const proxy = proxies.find((p) => p.name === side);
      const before = proxy?.cpuByThread();
      const roundRtts = await steadyLoad(sockets[side]!, RATE, SECONDS / ROUNDS);
      if (proxy) for (const [k, v] of cpuDelta(proxy.cpuByThread(), before!)) ownCpu.get(side)!.set(k, (ownCpu.get(side)!.get(k) ?? 0) + v);
      rtts[side]!.push(...roundRtts);
      roundP99[side]!.push(pct(roundRtts, 99));
    }
  }
  for (const side of sideNames) {
    results[`${side}_calls`] = rtts[side]!.length;
    results[`${side}_p50_ms`] = round(pct(rtts[side]!, 50));
    results[`${side}_p99_ms`] = round(pct(rtts[side]!, 99));
    results[`${side}_round_p99_median_ms`] = round(pct(roundP99[side]!, 50));
    await closeAll(sockets[side]!);
  }
  for (const p of proxies) {
    results[`${p.name}_added_p50_ms`] = round(Number(results[`${p.name}_p50_ms`]) - Number(results.direct_p50_ms));
    results[`${p.name}_added_p99_ms`] = round(Number(results[`${p.name}_p99_ms`]) - Number(results.direct_p99_ms));
  }
  // Side against side, round by round (each pair ran back to back): the median of the per-round ratios of p99.
  // A stall of the whole VM (100–200 ms, seen on the direct path as well) delays a few hundred calls of whichever side
  // runs at the time, which alone decides that side's pooled p99; the median over rounds is not moved by it.
  const [first, ...others] = proxies;
  for (const p of others) {
    const ratios = roundP99[p.name]!.map((v, i) => v / roundP99[first!.name]![i]!);
    results[`${p.name}_vs_${first!.name}_round_p99_ratio_median`] = round(pct(ratios, 50));
  }
  for (const side of sideNames) results[`${side}_round_p99s`] = roundP99[side]!.map(round).join(' ');
  const calls = RATE * SECONDS;
  for (const p of proxies) {
    const whole = cpuDelta(p.cpuByThread(), cpuStart.get(p.name)!);
    const own = ownCpu.get(p.name)!;
    const perK = (ms: number): number => round(ms / (calls / 1000));
    results[`${p.name}_cpu_ms_per_1k_calls`] = perK([...own.values()].reduce((a, b) => a + b, 0));
    results[`${p.name}_cpu_main_ms_per_1k_calls`] = perK(own.get('main') ?? 0);
    results[`${p.name}_cpu_whole_run_ms`] = [...whole.values()].reduce((a, b) => a + b, 0);
    const busy = [...whole].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
    log(`${p.name}: CPU over the measured phase by thread (ms): ${busy.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }

  if (BLAST_SECONDS > 0) {
    log(`throughput ceiling: ${BLAST_STATIONS} stations, 32 CALLs in flight each, ${BLAST_SECONDS}s per side`);
    for (const side of sideNames) {
      const blasters = await connectMany(urls[side]!, BLAST_STATIONS, `${side}-blast`);
      // Each answered CALL is two frames through the relay: the CALL and its CALLRESULT.
      results[`${side}_frames_per_s`] = Math.round(2 * (await blast(blasters, BLAST_SECONDS)));
      await closeAll(blasters);
    }
    for (const p of proxies) results[`${p.name}_throughput_ratio`] = round(Number(results[`${p.name}_frames_per_s`]) / Number(results.direct_frames_per_s));
  }

  for (const [i, old] of proxies.entries()) {
    if (IDLE === 0 || old.kind === 'pipe') continue;
    // A fresh process: after the load above its heap holds garbage that a collection may free midway, which
    // would make the idle stations' share come out too small, even negative.
    old.proc.kill('SIGTERM');
    await once(old.proc, 'exit');
    const p = (proxies[i] = await startProxy(old, csms.port));
    log(`idle stations: ${IDLE} through a fresh ${p.name}`);
    await sleep(1000);
    const before = p.rssMb();
    const idle = await connectMany(`ws://127.0.0.1:${p.port}/ocpp`, IDLE, 'idle');
    await sleep(1000);
    const after = p.rssMb();
    results[`${p.name}_idle_stations`] = IDLE;
    results[`${p.name}_rss_before_mb`] = round(before);
    results[`${p.name}_rss_idle_mb`] = round(after);
    results[`${p.name}_rss_per_station_kb`] = round(((after - before) * 1024) / IDLE);
    await closeAll(idle);
  }

  for (const p of proxies) {
    p.proc.kill('SIGTERM');
    await once(p.proc, 'exit');
  }
  await csms.close();
  await slow?.close();
  await clickhouse?.destroy();
  console.table(results);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/relay.json', JSON.stringify(results, null, 2));
}

// The load generator's own garbage is collected between rounds, so that its major collections (which stall
// every station and the CSMS in this process for several ms) do not land inside one side's round by chance.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
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
