/**
 * Passthrough feature: `start --passthrough GLOB` leaves matching stations alone (raw bytes, not inspected);
 * `--forward-http` sends plain HTTP requests on the listen port to the CSMS's origin. See docs/passthrough.md.
 *
 * @example
 *   ocpp-mitm start --upstream ws://csms:9000/ocpp --passthrough 'LEGACY-*' --passthrough '/fw/*' --forward-http
 */
import type { Feature } from '../core/feature.js';
import { createPassthroughAddon } from './passthrough-addon.js';

export { createPassthroughAddon, type PassthroughAddon, type PassthroughOptions } from './passthrough-addon.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const passthroughFeature: Feature = {
  name: 'passthrough',
  startOptions(cmd) {
    cmd
      .option('--passthrough <glob>', 'relay stations whose identity or path matches as raw bytes: no parsing, validation, rules or frame recording (repeatable; default: none)', collect)
      .option('--forward-http', 'forward plain HTTP requests (not WebSocket upgrades) to the CSMS origin instead of answering 426 (default: off)');
  },
  addons(opts) {
    const globs = (opts.passthrough as string[] | undefined) ?? [];
    if (globs.length === 0 && !opts.forwardHttp) return [];
    return [createPassthroughAddon({ globs, forwardHttp: opts.forwardHttp === true })];
  },
};
