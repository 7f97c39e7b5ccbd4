/**
 * TLS key-log feature: `start --tls-keylog FILE` (see docs/tls.md, "Decrypting captures").
 *
 * @example
 *   ocpp-mitm start --upstream wss://csms:443/ocpp --tls-cert certs/server.pem --tls-key certs/server.key --tls-keylog keys.log
 *   wireshark -o tls.keylog_file:keys.log -r capture.pcapng
 */
import type { Feature } from '../core/feature.js';
import { createKeylogAddon } from './keylog-addon.js';

export { createKeylogAddon, type KeylogAddon } from './keylog-addon.js';

export const keylogFeature: Feature = {
  name: 'tls-keylog',
  startOptions(cmd) {
    cmd.option('--tls-keylog <file>', 'append TLS secrets of both legs to FILE (SSLKEYLOGFILE format, for Wireshark); anyone with it can decrypt captures (default: off)');
  },
  addons(opts) {
    const file = opts.tlsKeylog as string | undefined;
    return file ? [createKeylogAddon(file)] : [];
  },
};
