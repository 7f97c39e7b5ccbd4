#!/usr/bin/env node
/** ocpp-mitm's command line: `start` and every feature's commands. */
import './core/v8-tuning.js'; // first, before anything allocates
import { Command } from 'commander';
import { registerStartCommand } from './commands/start.js';
import { FEATURES } from './features.js';
import { PACKAGE_VERSION } from './package-info.js';

const program = new Command()
  .name('ocpp-mitm')
  .description('OCPP 1.6 / 2.0.1 man in the middle: relay, validate, measure, rewrite, translate, watch')
  .version(PACKAGE_VERSION)
  // The error, then one line: the whole help would scroll the error away.
  .showHelpAfterError('(add --help for the options, their defaults and examples)')
  .enablePositionalOptions();

// Ink and React load only when the live view opens.
registerStartCommand(program, FEATURES, async (control) => (await import('../tui/index.js')).runTui({ ...control, quitStopsProxy: true }));
for (const f of FEATURES) f.commands?.(program);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`ocpp-mitm: ${err.message}\n`);
  process.exit(1);
});
