/** Runs the profiles feature's commands as the real CLI would (src/cli.ts lists features another engineer owns). */
import { Command } from 'commander';
import { profilesFeature } from '../../src/profiles/index.js';
import { commandContext } from '../../src/command-context.js';

const program = new Command().name('ocpp-mitm').exitOverride((err) => process.exit(err.exitCode));
profilesFeature.commands!(program, commandContext([profilesFeature]));
program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`ocpp-mitm: ${err.message}\n`);
  process.exit(1);
});
