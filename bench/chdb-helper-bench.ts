/**
 * The chDB helper's CPU per row: the default proxy (embedded chDB store) carries closed-loop Heartbeat CALLs from
 * `--stations` stations for `--seconds`; then, once its writer has written everything (GET /api/store/stats:
 * nothing queued or spooled), the helper process's CPU (utime + stime of /proc/PID/stat, all its threads: parsing,
 * writing parts, merging) is divided by the rows written meanwhile. A further `--settle` seconds without traffic
 * adds the merges that follow, reported apart.
 *
 *   npm run build && node --import tsx bench/chdb-helper-bench.ts [--stations 50] [--seconds 10] [--settle 10] [--runs 1]
 *
 * Stations, CSMS and proxy share the machine's cores; the helper runs at idle priority (SCHED_IDLE), so it gets
 * what they leave: its CPU per row is what it costs, not how fast it goes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closedLoop } from './station-load.js';
import { listening } from './port-listening.js';
import { freePort } from '../test/store/clickhouse-support.js';

const { values: args } = parseArgs({
  options: {
    stations: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    settle: { type: 'string', default: '10' },
    runs: { type: 'string', default: '1' },
    // Extra arguments for `ocpp-mitm start` (e.g. to try a store setting), space-separated.
    args: { type: 'string', default: '' },
  },
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const TICK = 100; // USER_HZ: /proc's CPU times are in 1/100 s

/** CPU seconds (user + system, all threads) of a process so far. */
async function cpuOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime (fields 14 and 15)
}

/** The chDB helper: the proxy's child running chdb-host.js. */
async function helperPid(proxy: number): Promise<number | undefined> {
  for (const task of await readdir(`/proc/${proxy}/task`)) {
    const children = (await readFile(`/proc/${proxy}/task/${task}/children`, 'utf8').catch(() => '')).trim().split(/\s+/).filter(Boolean);
    for (const c of children) {
      const cmd = await readFile(`/proc/${c}/cmdline`, 'utf8').catch(() => '');
      if (cmd.includes('chdb-host')) return Number(c);
    }
  }
  return undefined;
}


interface StoreStats {
  queued: number;
  spooled: number;
  written: number;
}

async function run(): Promise<Record<string, string | number>> {
  const csms = spawn(process.execPath, ['dist/bench/echo-csms.js'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(csms.stdout!, 'data')) as [Buffer];
  const csmsPort = Number(line.toString().trim());
  const port = await freePort();
  const data = await mkdtemp(join(tmpdir(), 'ocpp-mitm-helper-bench-'));
  const proxy: ChildProcess = spawn(
    process.execPath,
    ['dist/src/cli.js', 'start', '--listen', `127.0.0.1:${port}`, '--upstream', `ws://127.0.0.1:${csmsPort}/ocpp/`, '--data', data, '--log-level', 'warn', '--ping-interval', '0', ...args.args.split(' ').filter(Boolean)],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    if (!(await listening(port))) throw new Error('the proxy did not listen');
    const { url, token } = JSON.parse(await readFile(join(data, 'control.json'), 'utf8')) as { url: string; token: string };
    const stats = async (): Promise<StoreStats> =>
      (await (await fetch(`${url}/api/store/stats`, { headers: { authorization: `Bearer ${token}` } })).json()) as StoreStats;
    const drained = async (): Promise<StoreStats> => {
      for (;;) {
        const s = await stats();
        if (s.queued === 0 && s.spooled === 0) return s;
        await sleep(200);
      }
    };
    await sleep(3000); // schemas warm up, the store opens
    const helper = await helperPid(proxy.pid!);
    if (!helper) throw new Error('no chDB helper found');
    await closedLoop(`ws://127.0.0.1:${port}/ocpp/`, 10, 1); // warm-up
    const before = await drained();
    const cpu0 = await cpuOf(helper);
    const t0 = Date.now();
    const calls = await closedLoop(`ws://127.0.0.1:${port}/ocpp/`, Number(args.stations), Number(args.seconds));
    const after = await drained();
    const drainS = (Date.now() - t0) / 1000 - Number(args.seconds);
    const cpu1 = await cpuOf(helper);
    await sleep(Number(args.settle) * 1000);
    const cpu2 = await cpuOf(helper);
    const rows = after.written - before.written;
    return {
      'CALL/s': Math.round(calls / Number(args.seconds)),
      rows,
      'drained after (s)': drainS.toFixed(1),
      'helper CPU s': (cpu1 - cpu0).toFixed(2),
      'µs per row': ((1e6 * (cpu1 - cpu0)) / rows).toFixed(1),
      [`µs per row with ${args.settle} s of merges after`]: ((1e6 * (cpu2 - cpu0)) / rows).toFixed(1),
      'µs per CALL': ((1e6 * (cpu2 - cpu0)) / calls).toFixed(1),
    };
  } finally {
    proxy.kill('SIGTERM');
    await Promise.race([once(proxy, 'exit'), sleep(15_000)]);
    csms.kill('SIGTERM');
    await rm(data, { recursive: true, force: true });
  }
}

const results = [];
for (let i = 0; i < Number(args.runs); i++) results.push(await run());
console.table(results);
