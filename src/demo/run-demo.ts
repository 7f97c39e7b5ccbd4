/**
 * `ocpp-mitm demo`: a simulated CSMS, a handful of simulated stations (both OCPP versions, plus one that sends
 * invalid frames) and a demo rule, all through a real proxy with every built-in feature; then the live view,
 * or one line per event with --no-tui.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { CommandContext, Feature } from '../core/feature.js';
import { createLogger } from '../log.js';
import type { StreamEvent } from '../control/wire-format.js';
import { writeDemoRules } from './demo-rules.js';
import { eventLine } from './event-line.js';
import { RawStation } from './raw-station.js';
import { startSimCsms } from './sim-csms.js';
import { SimStation } from './sim-station.js';

export interface DemoOptions {
  tui: boolean;
  /** Stop after this many seconds (0 = until quit / Ctrl-C). */
  durationS: number;
  /** Simulated ocpp-rpc stations, split between 1.6 and 2.0.1 (the raw station comes on top). */
  stations: number;
  /** Keep the proxy's data here (default ./demo-data): kept afterwards, for `report`, `frames`, `audit`. */
  dataDir?: string;
  /** Print lines here (--no-tui). */
  out?: NodeJS.WritableStream;
  /** Heartbeat period of the simulated stations (ms). */
  heartbeatMs?: number;
  /** Features of the proxy (default: every one of this build; the control API is needed). */
  features?: readonly Feature[];
}

export async function runDemo(app: CommandContext, opts: DemoOptions): Promise<void> {
  const out = opts.out ?? process.stdout;
  const dataDir = opts.dataDir ?? DEFAULT_DEMO_DATA;
  // The store and the stations take a few seconds to start: say so rather than leave the screen blank.
  if (opts.tui) out.write(`demo: starting a simulated CSMS, ${opts.stations + 1} stations and the proxy (data in ${dataDir})…\n`);
  await mkdir(dataDir, { recursive: true });
  const rulesDir = await writeDemoRules(join(dataDir, 'demo-rules'));
  // The proxy logs to a file: on the terminal its lines would tear through the live view.
  const logPath = join(dataDir, 'ocpp-mitm.log');
  const logStream = createWriteStream(logPath, { flags: 'a' });
  const logger = createLogger({ format: 'json', level: 'info', destination: logStream });

  const csms = await startSimCsms({ skip: (id) => id.startsWith('DEMO-RAW') });
  const proxy = await app.launch(
    opts.features ?? app.features,
    {
      listen: '127.0.0.1:0',
      upstream: csms.url,
      data: dataDir,
      validate: 'observe',
      rules: rulesDir,
      control: '127.0.0.1:0',
    },
    logger,
  );
  const stop = new AbortController();
  const stations: Array<{ stop(): unknown }> = [];
  let stream: WebSocket | undefined;
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const info = proxy.control;
    if (!info) throw new Error('the demo needs the control API, and this build has none');
    if (!opts.tui) {
      out.write(`demo: proxy ${proxy.url} → CSMS ${csms.url}, control ${info.url}, log ${logPath}\n`);
      stream = printEvents(info, out);
    }
    const heartbeatMs = opts.heartbeatMs ?? 3000;
    for (let i = 0; i < opts.stations; i++) {
      const version = i % 2 === 0 ? '1.6' : '2.0.1';
      const st = new SimStation({
        url: `${proxy.url}/DEMO-${version === '1.6' ? '16' : '201'}-${Math.floor(i / 2) + 1}`,
        identity: `DEMO-${version === '1.6' ? '16' : '201'}-${Math.floor(i / 2) + 1}`,
        version,
        heartbeatMs: heartbeatMs * (1 + i * 0.15),
        idleMs: 9000 + i * 1500,
        meterEveryMs: 1200,
        meterCount: 3,
      });
      stations.push(st);
      st.start().catch((err: Error) => logger.warn({ err: err.message, station: i }, 'demo station did not start'));
    }
    // An OCPP 2.1 station beside them: TransactionEvents as 2.0.1, plus SENDs (NotifyPeriodicEventStream).
    const v21 = new SimStation({
      url: `${proxy.url}/DEMO-21-1`,
      identity: 'DEMO-21-1',
      version: '2.1',
      heartbeatMs: heartbeatMs * 1.1,
      idleMs: 10_000,
      meterEveryMs: 1500,
      meterCount: 3,
    });
    stations.push(v21);
    v21.start().catch((err: Error) => logger.warn({ err: err.message, station: 'DEMO-21-1' }, 'demo station did not start'));
    const raw = new RawStation(proxy.url, 'DEMO-RAW-1', 2500);
    stations.push(raw);
    await raw.start().catch((err: Error) => logger.warn({ err: err.message }, 'raw demo station did not start'));

    const timer = opts.durationS > 0 ? setTimeout(() => stop.abort(), opts.durationS * 1000) : undefined;
    if (opts.tui) {
      await app.runTui({ url: info.url, token: info.token, signal: stop.signal });
    } else {
      await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    }
    clearTimeout(timer);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all(stations.map((s) => s.stop()));
    await proxy.stop();
    stream?.close();
    await csms.close();
    logStream.end();
    // Said after the live view gave the terminal back, in both modes: the data stays, and what to do with it.
    out.write(nextSteps(dataDir, logPath));
  }
}

export const DEFAULT_DEMO_DATA = './demo-data';

/** The lines printed when the demo ends: where its recording is, and commands to read it. */
export function nextSteps(dataDir: string, logPath: string): string {
  const d = dataDir.includes(' ') ? JSON.stringify(dataDir) : dataDir;
  return [
    'demo: stopped',
    `demo: what it recorded stays in ${d} (the proxy's log: ${logPath}); try:`,
    `  npx ocpp-mitm report --data ${d}      # KPIs per station`,
    `  npx ocpp-mitm frames --data ${d} --invalid      # the frames validation flagged`,
    `  npx ocpp-mitm frames --data ${d} --station DEMO-RAW-1 --limit 20`,
    `  npx ocpp-mitm demo --data ${d}      # again, adding to the same recording`,
    '',
  ].join('\n');
}
/** Follow the control stream and print one line per event. */
function printEvents(info: { url: string; token: string }, out: NodeJS.WritableStream): WebSocket {
  const url = new URL('/api/stream', info.url);
  url.protocol = 'ws:';
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${info.token}` } });
  ws.on('message', (data) => {
    const line = eventLine(JSON.parse(data.toString()) as StreamEvent);
    if (line) out.write(line + '\n');
  });
  ws.on('error', (err) => out.write(`demo: event stream: ${err.message}\n`));
  return ws;
}
