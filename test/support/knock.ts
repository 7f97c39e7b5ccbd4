/** The HTTP status a WebSocket knock gets: 101 when the handshake is accepted (closed at once), 0 on a network error. */
import WebSocket from 'ws';

export function knock(url: string, protocol = 'ocpp1.6'): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, [protocol]);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}
