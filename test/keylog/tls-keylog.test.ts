/**
 * `start --tls-keylog FILE`: TLS secrets of both legs in NSS key-log format. The station and the CSMS here log
 * their own key material (Node's `keylog` event, the same lines Wireshark reads); the proxy's file must hold every
 * line of both: the station leg (proxy as server) and the CSMS leg (proxy as client).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { it } from 'node:test';
import { Command } from 'commander';
import { RPCServer } from 'ocpp-rpc';
import WebSocket from 'ws';
import { addCoreStartOptions, launchProxy } from '../../src/commands/start.js';
import { keylogFeature } from '../../src/keylog/index.js';
import { tlsFeature } from '../../src/tls/index.js';
import { initCertDir } from '../../src/tls/cert-dir.js';
import { DEFAULT_CSMS_HANDLERS } from '../support/ocpp-peers.js';
import { captureLogger, read, tempDir } from '../tls/helpers.js';

const LINE = /^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) [0-9a-f]{64} [0-9a-f]{64,96}$/;

it('the key log holds the secrets of the station leg and of the CSMS leg', { timeout: 60_000 }, async () => {
  const tmp = tempDir('ocpp-mitm-keylog-');
  const pki = join(tmp.dir, 'pki');
  await initCertDir({ dir: pki, keyTypes: ['ecdsa'], hosts: ['localhost', '127.0.0.1'] });
  const cert = join(pki, 'server-ecdsa.pem');
  const key = join(pki, 'server-ecdsa.key');
  const ca = read(join(pki, 'ca.pem'));

  // A wss:// CSMS (ocpp-rpc, strict) that logs its own TLS secrets.
  const csmsLines: string[] = [];
  const rpc = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  rpc.on('client', (client: any) => client.handle(({ method, params }: any) => DEFAULT_CSMS_HANDLERS[method]!(params, client.identity)));
  const https = createHttpsServer({ cert: read(cert), key: read(key) });
  https.on('keylog', (line: Buffer) => csmsLines.push(line.toString().trimEnd()));
  https.on('upgrade', rpc.handleUpgrade);
  https.listen(0, '127.0.0.1');
  await once(https, 'listening');
  const csmsUrl = `wss://127.0.0.1:${(https.address() as { port: number }).port}/ocpp/`;

  const keylog = join(tmp.dir, 'keys.log');
  const cmd = new Command('start').exitOverride();
  addCoreStartOptions(cmd);
  tlsFeature.startOptions!(cmd);
  keylogFeature.startOptions!(cmd);
  cmd.parse(['--listen', '127.0.0.1:0', '--data', join(tmp.dir, 'data'), '--upstream', csmsUrl, '--upstream-ca', join(pki, 'ca.pem'), '--tls-cert', cert, '--tls-key', key, '--tls-keylog', keylog], { from: 'user' });
  const log = captureLogger();
  const proxy = await launchProxy([tlsFeature, keylogFeature], cmd.opts(), log.logger);
  try {
    // The station logs its side of the TLS session too.
    const stationLines: string[] = [];
    const ws = new WebSocket(`${proxy.relay.url}/ocpp/CP-K`, ['ocpp1.6'], {
      ca,
      createConnection: ((opts: ConnectionOptions) => {
        const s = tlsConnect({ ...opts, servername: '' });
        s.on('keylog', (line) => stationLines.push(line.toString().trimEnd()));
        return s;
      }) as never,
    });
    await once(ws, 'open');
    ws.send(JSON.stringify([2, 'k1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'K' }]));
    const [answer] = await once(ws, 'message');
    assert.equal(JSON.parse(String(answer))[0], 3);
    ws.close();
    await once(ws, 'close');

    await proxy.stop();
    const lines = readFileSync(keylog, 'utf8').trimEnd().split('\n');
    for (const l of lines) assert.match(l, LINE);
    assert.ok(stationLines.length >= 5 && csmsLines.length >= 5, `both peers logged (${stationLines.length}, ${csmsLines.length})`);
    for (const l of stationLines) assert.ok(lines.includes(l), `station leg secret missing: ${l.slice(0, 40)}…`);
    for (const l of csmsLines) assert.ok(lines.includes(l), `CSMS leg secret missing: ${l.slice(0, 40)}…`);
    const randoms = new Set(lines.map((l) => l.split(' ')[1]));
    assert.equal(randoms.size, 2, 'two TLS sessions: one per leg');
    assert.equal(statSync(keylog).mode & 0o077, 0, 'owner-only file');
    assert.match(log.text(), /tls-keylog: TLS secrets of both legs are written to/);

    // With the key log on, a CSMS certificate the proxy does not trust is still refused and explained.
    const cmd2 = new Command('start').exitOverride();
    addCoreStartOptions(cmd2);
    tlsFeature.startOptions!(cmd2);
    keylogFeature.startOptions!(cmd2);
    cmd2.parse(['--listen', '127.0.0.1:0', '--data', join(tmp.dir, 'data2'), '--upstream', csmsUrl, '--tls-keylog', join(tmp.dir, 'keys2.log')], { from: 'user' });
    const log2 = captureLogger();
    const untrusting = await launchProxy([tlsFeature, keylogFeature], cmd2.opts(), log2.logger);
    try {
      const refused = new WebSocket(`${untrusting.relay.url}/ocpp/CP-K`, ['ocpp1.6']);
      refused.on('error', () => undefined);
      const [, res] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number; destroy(): void }];
      assert.equal(res.statusCode, 502);
      res.destroy();
      assert.match(log2.text(), /CSMS TLS failure/);
    } finally {
      await untrusting.stop();
    }
  } finally {
    await proxy.stop();
    await rpc.close({ force: true });
    https.closeAllConnections();
    await new Promise((r) => https.close(r));
    tmp.cleanup();
  }
});
