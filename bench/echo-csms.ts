/**
 * The benchmarks' CSMS, in a process of its own: answers every CALL at once with a CALLRESULT, valid for the CALLs
 * the benchmarks send (a Heartbeat gets its currentTime, StatusNotification and the others an empty object): an
 * invalid answer would make the proxy flag, format and record an issue for every second frame, which no real CSMS
 * costs it.
 *   node dist/bench/echo-csms.js [delayMs]   (prints the port it listens on, then serves until SIGTERM)
 * With delayMs, every answer waits that long: a slow CSMS (the mirror benchmark's slow shadow).
 * A CSMS is never in the stations' process in real life; running it apart means the direct path, like the
 * proxied one, crosses processes, and the difference between the two is what the proxy adds.
 */
import { once } from 'node:events';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, handleProtocols: (p) => [...p][0] ?? false });
const delayMs = Number(process.argv[2] ?? 0);
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const text = data.toString();
    const start = text.indexOf('"') + 1;
    const id = text.slice(start, text.indexOf('"', start));
    const answer = text.includes('"Heartbeat"') ? `[3,"${id}",{"currentTime":"${new Date().toISOString()}"}]` : `[3,"${id}",{}]`;
    if (delayMs > 0) setTimeout(() => ws.send(answer), delayMs);
    else ws.send(answer);
  });
});
await once(wss, 'listening');
process.stdout.write(`${(wss.address() as { port: number }).port}\n`);
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
