/**
 * Fleet benchmark: one proxy against 3 behind HAProxy (docker/haproxy.cfg), in one run, and the reconnect storm.
 *
 *   npm run build && node --import tsx bench/fleet-bench.ts [--stations 200] [--rate 1000] [--seconds 10] [--rounds 5]
 *       [--blast-seconds 3] [--storm 3000] [--proxy-args="--no-store"]
 *
 * Sides, each with its own stations (raw WebSockets, 1.6 StatusNotification CALLs), taking turns in short rounds so
 * a noisy spell of this shared machine lands on all alike: `direct` to the CSMS (bench/echo-csms.ts, its own
 * process), `one` through one `ocpp-mitm start`, `fleet` through HAProxy to 3 of them. Figures: p50/p99 added to
 * direct at a set rate, and the calls/s ceiling (every station keeps 32 CALLs in flight).
 * Reconnect storm: `--storm` stations through HAProxy, one proxy killed with SIGKILL, its stations reconnect at once
 * (no back-off, the worst case): time from the kill until every one of them is served again.
 * The proxies run with --no-store by default: three embedded chDB helpers on 2 cores would measure ClickHouse.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { runCli, type CliRun } from '../test/support/cli-process.js';
import { TestHaproxy } from '../test/support/haproxy.js';
import { freePort } from '../test/store/clickhouse-support.js';
import { benchArgs, words } from './bench-args.js';
import { startEchoCsms } from './echo-csms-process.js';
import { blast, connectMany, percentile as pct, steadyLoad } from './station-load.js';

const args = benchArgs({ stations: 200, rate: 1000, seconds: 10, rounds: 5, 'blast-seconds': 3, storm: 3000, 'proxy-args': '--no-store' });
const { stations: STATIONS, rate: RATE, seconds: SECONDS, 'blast-seconds': BLAST_SECONDS, storm: STORM } = args;
const ROUNDS = Math.max(1, args.rounds);
const PROXY_ARGS = words(args['proxy-args']);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d;

async function startProxy(csmsPort: number, data: string): Promise<{ run: CliRun; port: number }> {
  const port = await freePort();
  const run = runCli(['start', '--listen', `127.0.0.1:${port}`, '--upstream', `ws://127.0.0.1:${csmsPort}/ocpp`, '--data', data, '--log-format', 'json', '--log-level', 'warn', '--drain-grace', '0', '--drain-seconds', '0', ...PROXY_ARGS]);
  const deadline = Date.now() + 60_000;
  while (!(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || run.proc.exitCode !== null) throw new Error(`proxy did not start:\n${run.stderr()}`);
    await sleep(100);
  }
  return { run, port };
}

/** A station of the storm: reconnects at once whenever it is dropped; resolves `back` when served again. */
class StormStation {
  ws: WebSocket | undefined;
  droppedAt = 0;
  backAt = 0;
  closing = false;
  constructor(private readonly url: string) {}
  async open(): Promise<void> {
    for (;;) {
      const ws = new WebSocket(this.url, ['ocpp1.6'], { perMessageDeflate: false });
      const ok = await new Promise<boolean>((r) => {
        ws.once('open', () => r(true));
        ws.once('error', () => r(false));
        ws.once('unexpected-response', (_q, res) => (res.resume(), ws.terminate(), r(false)));
      });
      if (ok) {
        this.ws = ws;
        ws.once('close', () => {
          if (this.closing) return;
          this.droppedAt = Date.now();
          this.backAt = 0;
          void this.open().then(() => (this.backAt = Date.now()));
        });
        return;
      }
      await sleep(50);
    }
  }
}

async function main(): Promise<void> {
  const results: Record<string, number | string> = { stations_per_side: STATIONS, rate: RATE, seconds: SECONDS, rounds: ROUNDS, proxy_args: PROXY_ARGS.join(' ') };
  const base = join('bench', 'results', `fleet-${process.pid}`);
  const csms = await startEchoCsms();
  const one = await startProxy(csms.port, join(base, 'one'));
  const fleet = [await startProxy(csms.port, join(base, 'f1')), await startProxy(csms.port, join(base, 'f2')), await startProxy(csms.port, join(base, 'f3'))];
  const haproxy = await TestHaproxy.launch(fleet.map((p) => p.port), '500ms');
  try {
    while (Object.values(await haproxy.serverStatus()).filter((s) => s === 'UP').length < 3) await sleep(100);
    const sides: Record<string, WebSocket[]> = {
      direct: await connectMany(`ws://127.0.0.1:${csms.port}/ocpp`, STATIONS, 'D'),
      one: await connectMany(`ws://127.0.0.1:${one.port}/ocpp`, STATIONS, 'O'),
      fleet: await connectMany(`${haproxy.url}/ocpp`, STATIONS, 'F'),
    };
    const names = Object.keys(sides);
    for (const n of names) await steadyLoad(sides[n]!, RATE, 1); // warm-up
    const rtts: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) {
      const order = names.map((_, i) => names[(i + r) % names.length]!);
      for (const n of order) rtts[n]!.push(...(await steadyLoad(sides[n]!, RATE, SECONDS / ROUNDS)));
      log(`round ${r + 1}/${ROUNDS}`);
    }
    for (const n of names) {
      results[`${n}_p50_ms`] = round(pct(rtts[n]!, 50));
      results[`${n}_p99_ms`] = round(pct(rtts[n]!, 99));
    }
    for (const n of ['one', 'fleet']) {
      results[`${n}_added_p50_ms`] = round(pct(rtts[n]!, 50) - pct(rtts.direct!, 50));
      results[`${n}_added_p99_ms`] = round(pct(rtts[n]!, 99) - pct(rtts.direct!, 99));
    }
    for (const n of names) {
      results[`${n}_calls_per_s`] = Math.round(await blast(sides[n]!.slice(0, 50), BLAST_SECONDS));
      log(`blast ${n}: ${results[`${n}_calls_per_s`]} calls/s`);
    }
    results.fleet_vs_one_calls_ratio = round(Number(results.fleet_calls_per_s) / Number(results.one_calls_per_s));
    for (const n of names) for (const ws of sides[n]!) ws.terminate();

    // ---- reconnect storm ----
    log(`storm: ${STORM} stations through HAProxy`);
    const storm = Array.from({ length: STORM }, (_, i) => new StormStation(`${haproxy.url}/ocpp/S-${i}`));
    for (let i = 0; i < STORM; i += 200) await Promise.all(storm.slice(i, i + 200).map((s) => s.open()));
    await sleep(1000);
    const victim = fleet[0]!;
    const killedAt = Date.now();
    victim.run.proc.kill('SIGKILL');
    await victim.run.exited;
    while (storm.filter((s) => s.droppedAt >= killedAt).some((s) => s.backAt === 0) || storm.every((s) => s.droppedAt < killedAt)) {
      if (Date.now() - killedAt > 120_000) throw new Error('storm: not every station came back within 120 s');
      await sleep(20);
    }
    const dropped = storm.filter((s) => s.droppedAt >= killedAt);
    const times = dropped.map((s) => s.backAt - killedAt).sort((a, b) => a - b);
    results.storm_stations = STORM;
    results.storm_on_killed_proxy = dropped.length;
    results.storm_all_back_ms = times.at(-1)!;
    results.storm_half_back_ms = pct(times, 50);
    for (const s of storm) (s.closing = true), s.ws?.terminate();
  } finally {
    await haproxy.destroy();
    for (const p of [one, ...fleet]) if (p.run.proc.exitCode === null) p.run.proc.kill('SIGINT');
    await Promise.all([one, ...fleet].map((p) => p.run.exited));
    await csms.close();
  }
  console.table(results);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/fleet.json', `${JSON.stringify(results, null, 2)}\n`);
}

await main();
