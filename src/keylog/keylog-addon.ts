/**
 * `--tls-keylog FILE`: TLS secrets of both legs in the NSS key-log format (SSLKEYLOGFILE), so a packet capture
 * taken beside the proxy can be decrypted by Wireshark. The station leg's lines come from the listener (the core's
 * `tlsKeylog` hook), the CSMS leg's from each wss:// connection the proxy opens (Node's `keylog` event on the
 * socket, through the `createConnection` the CSMS leg is opened with). Off by default: whoever holds the file and
 * a capture reads the traffic, passwords included.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Addon, ConnectContext } from '../core/addon.js';

export type KeylogAddon = Addon & { readonly lines: number };

type ConnectOptions = ConnectionOptions & { path?: string; host?: string };
type Connect = (options: ConnectOptions) => TLSSocket;

const plainConnect: Connect = (options) => {
  const opts = { ...options, path: undefined };
  if (!opts.servername && opts.servername !== '') opts.servername = isIP(opts.host ?? '') ? '' : opts.host;
  return tlsConnect(opts);
};

export function createKeylogAddon(file: string): KeylogAddon {
  let out: WriteStream | undefined;
  let lines = 0;
  const write = (line: Buffer): void => {
    lines++;
    out?.write(line);
  };

  return {
    name: 'tls-keylog',
    start(c) {
      // Owner-only: the file opens every recorded TLS session.
      out = createWriteStream(file, { flags: 'a', mode: 0o600 });
      out.on('error', (err) => c.logger.error(`tls-keylog: cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      c.logger.warn(`tls-keylog: TLS secrets of both legs are written to ${file}; anyone with this file and a capture can read the traffic, passwords included`);
    },
    tlsKeylog(line) {
      write(line);
    },
    connecting(ctx: ConnectContext) {
      if (!ctx.upstreamUrl.startsWith('wss:')) return;
      // Wrap the connect an earlier addon set (the TLS feature's, which explains TLS failures), else do what ws's
      // own TLS connect does (server name from the host unless it is an address); then listen for key material,
      // which comes later, during the handshake.
      const inner = ctx.upstreamTls.createConnection as Connect | undefined;
      ctx.upstreamTls.createConnection = (options: ConnectOptions): TLSSocket => {
        const socket = inner ? inner(options) : plainConnect(options);
        socket.on('keylog', write);
        return socket;
      };
    },
    async stop() {
      const o = out;
      out = undefined;
      if (o) await new Promise<void>((r) => o.end(() => r()));
    },
    get lines() {
      return lines;
    },
  };
}
