#!/usr/bin/env node
/** ocpp-mitm's command line: `start` and every feature's commands. */
import './core/v8-tuning.js'; // first, before anything allocates
import { Command } from 'commander';
import { registerStartCommand } from './commands/start.js';
import { commandContext } from './command-context.js';
import { FEATURES } from './features.js';
import { registerTuiCommand } from '../tui/tui-command.js';
import { PACKAGE_VERSION } from './package-info.js';

const program = new Command()
  .name('ocpp-mitm')
  .description('OCPP 1.6 / 2.0.1 man in the middle: relay, validate, measure, rewrite, translate, watch')
  .version(PACKAGE_VERSION)
  // The error, then one line: the whole help would scroll the error away.
  .showHelpAfterError('(add --help for the options, their defaults and examples)')
  .enablePositionalOptions();

const ctx = commandContext(FEATURES);
// `q` in `start --tui` stops the proxy too: the view asks first while stations are connected.
registerStartCommand(program, FEATURES, (control) => ctx.runTui({ ...control, quitStopsProxy: true }));
registerTuiCommand(program, ctx.runTui);
for (const f of FEATURES) f.commands?.(program, ctx);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`ocpp-mitm: ${err.message}\n`);
  process.exit(1);
});
