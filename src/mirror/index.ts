/**
 * Mirror feature: `start --mirror URL` gives every station a shadow connection to another CSMS, which gets a copy
 * of the station's CALLs; its answers are compared with the primary's and recorded, never forwarded. `report
 * --mirror` counts the differences per action. See docs/mirror.md.
 *
 * @example
 *   ocpp-mitm start --upstream ws://csms:9000/ocpp --mirror ws://new-csms:9000/ocpp --mirror-actions Authorize,StartTransaction
 */
import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import type { Feature } from '../core/feature.js';
import { createMirrorAddon, type MirrorCalls } from './mirror-addon.js';

export { createMirrorAddon, mirrorName, type MirrorAddon, type MirrorAddonOptions, type MirrorActionCount } from './mirror-addon.js';

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export const mirrorFeature: Feature = {
  name: 'mirror',
  startOptions(cmd) {
    cmd
      .option('--mirror <url>', 'also send a copy of every station CALL to this shadow CSMS (ws:// or wss://; repeatable; default: none); its answers are compared and recorded, never forwarded', collect)
      .addOption(new Option('--mirror-calls <mode>', "CALLs a shadow sends: answer them with a NotImplemented CALLERROR, or drop them").choices(['notimplemented', 'drop']).default('notimplemented'))
      .option('--mirror-actions <list>', 'copy only CALLs of these actions (comma-separated; default: all)')
      .option('--mirror-protocol <name>', "subprotocol offered to the shadows (default: the one the primary agreed)")
      .option('--mirror-auth <user:password>', 'Basic auth for the shadows (default: none; the station\'s own credentials are never copied)')
      .option('--mirror-ca <file>', 'CA certificate(s) trusted for a wss:// shadow (PEM; default: the system\'s)');
  },
  addons(opts) {
    const urls = (opts.mirror as string[] | undefined) ?? [];
    if (urls.length === 0) return [];
    for (const u of urls) if (!/^wss?:\/\//.test(u)) throw new Error(`--mirror must be a ws:// or wss:// URL, got "${u}"`);
    const ca = opts.mirrorCa ? readFileSync(String(opts.mirrorCa)) : undefined;
    const auth = (opts.mirrorAuth as string | undefined) ?? process.env.OCPP_MITM_MIRROR_AUTH;
    return [
      createMirrorAddon({
        mirrors: urls.map((url) => ({ url, basicAuth: auth, protocol: opts.mirrorProtocol as string | undefined, tls: ca ? { ca } : undefined })),
        calls: opts.mirrorCalls as MirrorCalls,
        actions: opts.mirrorActions ? String(opts.mirrorActions).split(',').map((a) => a.trim()).filter(Boolean) : undefined,
      }),
    ];
  },
};
