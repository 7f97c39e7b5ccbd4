/** Registers `ocpp-mitm demo`. */
import type { Command } from 'commander';
import type { CommandContext } from '../core/feature.js';
import { wholeNumber } from '../core/parse-options.js';
import { DEFAULT_DEMO_DATA, runDemo } from './run-demo.js';

export function demoCommand(program: Command, ctx: CommandContext): void {
  program
    .command('demo')
    .description('simulated CSMS and stations (OCPP 1.6, 2.0.1 and one 2.1) through a proxy, shown in the live view')
    .option('--no-tui', 'print one line per event instead of opening the live view')
    .option('--duration <s>', 'stop after this many seconds (0 = until quit)', wholeNumber, 0)
    .option('--stations <n>', 'simulated stations besides the one that sends invalid frames', wholeNumber, 4)
    .option('--data <dir>', "the proxy's data folder, kept afterwards for report, frames and audit", DEFAULT_DEMO_DATA)
    .addHelpText('after', ['', 'Examples:', '  ocpp-mitm demo', '  ocpp-mitm demo --no-tui --duration 30 --stations 8'].join('\n'))
    .action(async (opts: { tui: boolean; duration: number; stations: number; data?: string }) => {
      if (opts.tui && (!process.stdin.isTTY || !process.stdout.isTTY)) {
        throw new Error('the live view needs a terminal: use --no-tui (with --duration S) to print events instead');
      }
      await runDemo(ctx, { tui: opts.tui, durationS: opts.duration, stations: opts.stations, dataDir: opts.data });
    });
}
