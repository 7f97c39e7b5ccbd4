/**
 * Replay feature: `ocpp-mitm replay` plays one recorded session against a live CSMS or station and reports how
 * its answers differ from the recording (exit 1 when any does). See docs/replay.md.
 *
 * @example
 *   ocpp-mitm replay --station CP-1 --as station --target ws://lab-csms:9000/ocpp --speed max
 *   ocpp-mitm replay --from field.har --session s-42 --as csms --listen 0.0.0.0:9100
 */
import { InvalidArgumentError, Option } from 'commander';
import type { Feature } from '../core/feature.js';
import { addStoreOptions, storeSourceOf } from '../capture/index.js';
import { formatReplayReport, runReplay, storeReport } from './replay-command.js';
import type { Side } from './script.js';

export { runReplay, storeReport, type ReplayOptions } from './replay-command.js';
export { formatReplayReport, type ReplayReport } from './replay-report.js';
export { readReplays } from './replay-store.js';

function speed(value: string): number | 'max' {
  if (value === 'max') return 'max';
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number or max');
  return n;
}

/** HOST:PORT or PORT (IPv6 in brackets). */
function hostPort(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value.trim()) ?? /^()()(\d{1,5})$/.exec(value.trim());
  if (!m || Number(m[3]) > 65535) throw new InvalidArgumentError('expected HOST:PORT (e.g. 0.0.0.0:9100) or PORT');
  return { host: m[1] || m[2] || '0.0.0.0', port: Number(m[3]) };
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

export const replayFeature: Feature = {
  name: 'replay',
  commands(program) {
    addStoreOptions(program.command('replay').description('play a recorded session against a live CSMS or station; report each answer that differs (exit 1 when any does)'))
      .addOption(new Option('--as <side>', 'the side the replay plays: station (against --target) or csms (for a station on --listen)').choices(['station', 'csms']).makeOptionMandatory())
      .option('--session <id>', 'the recorded session to play')
      .option('--station <identity>', 'or: the newest session of this station (a glob picks the newest of all matching)')
      .option('--from <file>', 'read the session from a capture file (JSON lines or HAR) instead of the store')
      .option('--target <url>', 'with --as station: the CSMS base URL (ws:// or wss://); the identity is appended')
      .option('--ca <file>', 'with a wss:// target: CA certificate(s) to trust (PEM)')
      .option('--listen <host:port>', 'with --as csms: where the station connects (plain ws://)', hostPort)
      .option('--speed <n|max>', 'recorded pace (1), N times faster, or max (each CALL as soon as the last is answered)', speed, 1)
      .option('--timeout <ms>', 'how long an answer may take', positiveInt, 30_000)
      .option('--json', 'the report as JSON')
      .option('--no-record', 'do not record the report into the store')
      .action(async (o: Record<string, unknown>) => {
        const opts = {
          ...storeSourceOf(o),
          as: o.as as Side,
          session: o.session as string | undefined,
          station: o.station as string | undefined,
          from: o.from as string | undefined,
          target: o.target as string | undefined,
          ca: o.ca as string | undefined,
          listen: o.listen as { host: string; port: number } | undefined,
          speed: o.speed as number | 'max',
          timeoutMs: o.timeout as number,
          record: o.record !== false,
          onListening: (port: number) => void process.stderr.write(`replay: waiting for the station on port ${port}\n`),
        };
        const report = await runReplay(opts);
        const notRecorded = await storeReport(opts, report);
        if (notRecorded) process.stderr.write(`replay: ${notRecorded}\n`);
        process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : formatReplayReport(report));
        process.exitCode = report.differing > 0 ? 1 : 0;
      });
  },
};
