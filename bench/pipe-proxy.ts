/**
 * The floor any proxy process stands on: a TCP relay that copies bytes between each client and the CSMS and
 * understands nothing of them. The relay benchmark runs it beside ocpp-mitm (`--proxy pipe,core,full`), so
 * what the process hop itself costs on this machine (wake-ups, two more trips through the kernel) is measured
 * in the same run and not charged to the proxy's own work.
 *   node dist/bench/pipe-proxy.js PORT CSMS_PORT
 */
import { connect, createServer } from 'node:net';

const [port, csmsPort] = process.argv.slice(2).map(Number);
const server = createServer((station) => {
  const csms = connect(csmsPort!, '127.0.0.1');
  station.setNoDelay(true);
  csms.setNoDelay(true);
  station.pipe(csms).pipe(station);
  station.on('error', () => csms.destroy());
  csms.on('error', () => station.destroy());
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
