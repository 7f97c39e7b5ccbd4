#!/usr/bin/env node
/**
 * The live view on its own, without the rest of the CLI: `node tui/main.js [--connect URL --token T] [--data DIR]`.
 * Same as `ocpp-mitm tui`; handy to embed or to debug the view.
 */
import { Command } from 'commander';
import { registerTuiCommand } from './tui-command.js';

const program = new Command().name('ocpp-mitm-tui');
registerTuiCommand(program, async (target) => (await import('./index.js')).runTui(target));
program.parseAsync(['node', 'ocpp-mitm-tui', 'tui', ...process.argv.slice(2)]).catch((err: Error) => {
  process.stderr.write(`ocpp-mitm tui: ${err.message}\n`);
  process.exit(1);
});
