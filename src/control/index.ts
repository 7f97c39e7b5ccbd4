/**
 * The control API as a feature: `start --control`, `--control-token`, and `--tui` (the live view on it; the `tui`
 * command itself lives with the view, in tui/).
 * @example ocpp-mitm start --upstream ws://csms:9000/ocpp/ --tui
 */
import type { Command } from 'commander';
import type { Feature } from '../core/feature.js';
import { parseHostPort } from '../core/parse-options.js';
import { createControlAddon } from './control-server.js';

export { createControlAddon, type ControlAddon, type ControlAddonOptions } from './control-server.js';
export { parseFilter, type EventFilter } from './event-filter.js';

export const controlFeature: Feature = {
  name: 'control',
  startOptions(cmd: Command) {
    cmd.option('--tui', 'open the live view in this terminal (the log then goes to <data>/ocpp-mitm.log)');
    cmd.option('--control <host:port>', 'control API address; keep it on loopback, it can inject frames', '127.0.0.1:0');
    cmd.option('--control-token <token>', 'control API token (or OCPP_MITM_CONTROL_TOKEN; generated when absent)');
  },
  addons(opts, env) {
    const { host, port } = parseHostPort(String(opts.control ?? '127.0.0.1:0'), '127.0.0.1');
    const token = (opts.controlToken as string | undefined) ?? process.env.OCPP_MITM_CONTROL_TOKEN;
    return [createControlAddon({ host, port, token, dataDir: env.relay.dataDir })];
  },
};
