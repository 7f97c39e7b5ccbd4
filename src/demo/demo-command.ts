/** Registers `ocpp-mitm demo`. */
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_DEMO_DATA, runDemo } from './run-demo.js';

const positiveInt = (name: string) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} is a whole number`);
  return n;
};

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('simulated CSMS and stations (OCPP 1.6 and 2.0.1) through a proxy, shown in the live view')
    .option('--no-tui', 'print one line per event instead of opening the live view')
    .option('--duration <s>', 'stop after this many seconds (0 = until quit)', positiveInt('--duration'), 0)
    .option('--stations <n>', 'simulated stations besides the one that sends invalid frames', positiveInt('--stations'), 4)
    .option('--data <dir>', "the proxy's data folder, kept afterwards for report, frames and audit", DEFAULT_DEMO_DATA)
    .addHelpText('after', ['', 'Examples:', '  ocpp-mitm demo', '  ocpp-mitm demo --no-tui --duration 30 --stations 8'].join('\n'))
    .action(async (opts: { tui: boolean; duration: number; stations: number; data?: string }) => {
      if (opts.tui && (!process.stdin.isTTY || !process.stdout.isTTY)) {
        throw new Error('the live view needs a terminal: use --no-tui (with --duration S) to print events instead');
      }
      await runDemo({ tui: opts.tui, durationS: opts.duration, stations: opts.stations, dataDir: opts.data });
    });
}
