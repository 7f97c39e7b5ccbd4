/**
 * A blind WebSocket pipe built on the `http-proxy` package (the one the project uses for --passthrough): it
 * forwards the upgrade and then copies bytes, seeing no frame. The comparison bench's "blind pipe" side.
 *   node dist/bench/http-proxy-pipe.js PORT CSMS_PORT
 */
import { createServer } from 'node:http';
import httpProxy from 'http-proxy';

const [port, csmsPort] = process.argv.slice(2).map(Number);
const proxy = httpProxy.createProxyServer({ target: `ws://127.0.0.1:${csmsPort}`, ws: true });
proxy.on('error', (_err, _req, res) => {
  if ('destroy' in res) res.destroy();
});
const server = createServer((_req, res) => res.writeHead(426).end());
server.on('upgrade', (req, socket, head) => proxy.ws(req, socket, head));
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
