/**
 * What inspection costs, side by side in one run: the same stations sending Heartbeat CALLs back to back (closed
 * loop: each waits for its answer before the next) to the same CSMS, directly and through each side, in turns.
 * Sides: direct; `http-proxy` as a blind byte pipe; ocpp-mitm bare (--no-store --no-kpis --validate off); ocpp-mitm
 * with its defaults (validation, KPIs, embedded chDB store, control API); mitmproxy's `mitmdump --mode reverse:`
 * when it is installed. Printed: CALLs per second per side and each as × direct, per round and the median.
 *
 *   npm run build && node --import tsx bench/compare-bench.ts [--stations 50] [--seconds 5] [--rounds 3] [--profile DIR] [--gc]
 *       [--extra "nostore=--no-store,novalidate=--validate off"]   (more ocpp-mitm sides, each named and with its options)
 *
 * --profile DIR: a V8 CPU profile of the default proxy; the CALLs it carried in all (warm-up included) are printed,
 * for `bench/profile-stages.ts --calls N` (µs per CALL per stage). --gc: the default proxy's garbage collections
 * (scavenges, mark-compacts) over the whole run, from --trace-gc.
 *
 * The CSMS (bench/echo-csms.ts) and every proxy run in processes of their own; the stations run here. On a
 * 2-core machine all of them share the cores: that is the comparison a user makes on one box.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/store/clickhouse-support.js';
import { benchArgs, words } from './bench-args.js';
import { startEchoCsms } from './echo-csms-process.js';
import { closedLoop } from './station-load.js';
import { listening } from './port-listening.js';

const args = benchArgs({
  stations: 50,
  seconds: 5,
  rounds: 3,
  // Write a V8 CPU profile of the default proxy into this folder (read it with bench/profile-stages.ts); '': none.
  profile: '',
  // Count the default proxy's garbage collections (--trace-gc), by kind.
  gc: false,
  // More ocpp-mitm sides, to see what each feature costs: 'nostore=--no-store,novalidate=--validate off'.
  extra: '',
});
const { stations: STATIONS, seconds: SECONDS, rounds: ROUNDS } = args;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Side {
  name: string;
  /** Where stations connect (ws://host:port/path/). */
  url: string;
  proc?: ChildProcess;
  cleanup?: () => Promise<void>;
}

async function startSide(name: string, argv: string[], port: number, path = '/ocpp/', stdout: 'ignore' | 'pipe' = 'ignore'): Promise<Side | undefined> {
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', stdout, 'inherit'] });
  if (!(await listening(port))) {
    proc.kill('SIGKILL');
    process.stderr.write(`${name}: did not listen, left out\n`);
    return undefined;
  }
  return { name, url: `ws://127.0.0.1:${port}${path}`, proc };
}

async function ocppMitm(name: string, csmsPort: number, extra: string[], nodeArgs: string[] = []): Promise<Side | undefined> {
  const port = await freePort();
  const data = await mkdtemp(join(tmpdir(), 'ocpp-mitm-compare-'));
  const side = await startSide(
    name,
    [process.execPath, ...nodeArgs, 'dist/src/cli.js', 'start', '--listen', `127.0.0.1:${port}`, '--upstream', `ws://127.0.0.1:${csmsPort}/ocpp/`, '--data', data, '--log-level', 'warn', '--log-format', 'json', '--ping-interval', '0', ...extra],
    port,
    '/ocpp/',
    nodeArgs.includes('--trace-gc') ? 'pipe' : 'ignore',
  );
  if (side) side.cleanup = () => rm(data, { recursive: true, force: true });
  return side;
}


const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const csms = await startEchoCsms();
const sides: Side[] = [{ name: 'direct', url: `ws://127.0.0.1:${csms.port}/ocpp/` }];
const pipePort = await freePort();
const pipe = await startSide('http-proxy pipe', [process.execPath, 'dist/bench/http-proxy-pipe.js', String(pipePort), String(csms.port)], pipePort);
if (pipe) sides.push(pipe);
const bare = await ocppMitm('ocpp-mitm bare', csms.port, ['--no-store', '--no-kpis', '--validate', 'off']);
if (bare) sides.push(bare);
const full = await ocppMitm('ocpp-mitm default', csms.port, [], [
  ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : []),
  ...(args.gc ? ['--trace-gc'] : []),
]);
if (full) sides.push(full);
for (const spec of args.extra.split(',').filter(Boolean)) {
  const [name, options = ''] = spec.split('=') as [string, string?];
  const side = await ocppMitm(`ocpp-mitm ${name}`, csms.port, words(options));
  if (side) sides.push(side);
}
/** The default proxy's collections by kind, from its --trace-gc lines (`[pid:addr] 1234 ms: Scavenge 12.3 (…) -> …`). */
const gcs = new Map<string, number>();
if (full?.proc?.stdout) {
  let rest = '';
  full.proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      const kind = / ms: (Scavenge|Mark-Compact(?: \(reduce\))?|Minor Mark-Compact|Mark-sweep)/.exec(line)?.[1];
      if (kind) gcs.set(kind, (gcs.get(kind) ?? 0) + 1);
    }
  });
}
if (spawnSync('mitmdump', ['--version']).status === 0) {
  const port = await freePort();
  const side = await startSide('mitmproxy (mitmdump)', ['mitmdump', '-q', '--mode', `reverse:http://127.0.0.1:${csms.port}/`, '--listen-host', '127.0.0.1', '--listen-port', String(port)], port);
  if (side) sides.push(side);
} else {
  process.stderr.write('mitmproxy: not installed (apt-get install mitmproxy), left out\n');
}

await sleep(3000); // the default proxy's store and schemas warm up in the background
/** CALLs each side carried in all, warm-up included (the default proxy's profile covers all of them). */
const carried = new Map<string, number>();
const count = (name: string, n: number): number => (carried.set(name, (carried.get(name) ?? 0) + n), n);
for (const s of sides) count(s.name, await closedLoop(s.url, Math.min(STATIONS, 10), 1)); // warm-up

const perRound = new Map<string, number[]>(sides.map((s) => [s.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  // Sides take turns, in a rotated order each round, so drift on a busy machine spreads over all of them.
  const order = sides.map((_, i) => sides[(i + r) % sides.length]!);
  for (const s of order) perRound.get(s.name)!.push(count(s.name, await closedLoop(s.url, STATIONS, SECONDS)) / SECONDS);
}

const direct = perRound.get('direct')!;
const rows = sides.map((s) => {
  const rates = perRound.get(s.name)!;
  const ratios = rates.map((v, i) => v / direct[i]!);
  return { side: s.name, 'CALL/s (median)': Math.round(median(rates)), '× direct (median of rounds)': median(ratios).toFixed(2), 'per round': ratios.map((x) => x.toFixed(2)).join(' ') };
});
console.table(rows);
const byName = Object.fromEntries(rows.map((r) => [r.side, Number(r['× direct (median of rounds)'])]));
const mitm = byName['mitmproxy (mitmdump)'];
if (mitm) console.log(`ocpp-mitm default is ${(byName['ocpp-mitm default']! / mitm).toFixed(1)}× mitmproxy`);
if (args.profile) console.log(`ocpp-mitm default carried ${carried.get('ocpp-mitm default') ?? 0} CALLs in all (profile-stages --calls)`);

for (const s of sides) {
  s.proc?.kill('SIGTERM');
  if (s.proc) await Promise.race([once(s.proc, 'exit'), sleep(15_000)]);
  await s.cleanup?.();
}
csms.proc.kill('SIGTERM');
if (args.gc) console.log(`ocpp-mitm default's collections over the run: ${[...gcs].map(([k, n]) => `${k} ${n}`).join(', ') || 'none seen'}`);
