/**
 * Close codes a peer sent are relayed to the other peer; some codes may be received but never sent
 * (RFC 6455 §7.4.1: 1005, 1006, 1015 are reserved for local use), so they are translated here.
 */
import type WebSocket from 'ws';

const SENDABLE = (code: number): boolean =>
  (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);

/** Close `ws` the way the other peer closed: same code and reason where allowed, an abrupt reset after an abrupt loss. */
export function relayClose(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.CLOSED) return;
  if (code === 1006) {
    ws.terminate();
    return;
  }
  // A connection still opening cannot carry a close frame: ws would throw.
  if (ws.readyState === ws.CONNECTING) {
    ws.terminate();
    return;
  }
  if (ws.readyState === ws.CLOSING) return;
  if (code === 1005) ws.close();
  else ws.close(SENDABLE(code) ? code : 1011, truncateReason(reason));
}

/** A close reason must fit in 123 bytes. */
export function truncateReason(reason: string): string {
  let r = reason;
  while (Buffer.byteLength(r) > 123) r = r.slice(0, -1);
  return r;
}
