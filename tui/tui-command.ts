/** `ocpp-mitm tui`: open the live view on a proxy that is already running (found through control.json). */
import type { Command } from 'commander';
import { readControlInfo } from '../src/control/control-client.js';
import type { ControlEndpoint } from '../src/core/feature.js';

export interface TuiCommandOptions {
  connect?: string;
  token?: string;
  data: string;
}

/** Where to connect: --connect/--token, else the proxy that holds --data. Throws a message for the user. */
export async function resolveControlTarget(opts: TuiCommandOptions): Promise<{ url: string; token: string }> {
  if (opts.connect) {
    const token = opts.token ?? process.env.OCPP_MITM_CONTROL_TOKEN;
    if (!token) throw new Error('--connect needs --token (or OCPP_MITM_CONTROL_TOKEN): the control API refuses requests without it');
    if (!/^https?:\/\//.test(opts.connect)) throw new Error(`--connect takes the control API's http:// URL, got "${opts.connect}"`);
    return { url: opts.connect, token };
  }
  const info = await readControlInfo(opts.data);
  if (!info) {
    throw new Error(
      `no running proxy holds ${opts.data} (no control.json there, or its process is gone): ` +
        'start one with "ocpp-mitm start --data DIR", or pass --connect URL --token T',
    );
  }
  return { url: info.url, token: info.token };
}

/** `runTui` is given (not imported) so that Ink and React load only when the view opens. */
export function registerTuiCommand(program: Command, runTui: (target: ControlEndpoint) => Promise<void>): void {
  program
    .command('tui')
    .description('live terminal view of a running proxy: stations, traffic, detail, KPIs, rules')
    .option('--connect <url>', 'control API URL (default: read <data>/control.json)')
    .option('--token <token>', 'control API token (or OCPP_MITM_CONTROL_TOKEN)')
    .option('--data <dir>', 'data folder of the running proxy', './data')
    .action(async (opts: TuiCommandOptions) => {
      const target = await resolveControlTarget(opts);
      if (!process.stdin.isTTY || !process.stdout.isTTY) throw new Error('the live view needs a terminal (stdin and stdout must be a TTY)');
      await runTui(target);
    });
}
