/**
 * The station's handshake waits for the CSMS leg: subprotocols, Basic auth and refusals travel through
 * as the station would see them from the CSMS itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import WebSocket from 'ws';
import { startRelay } from '../../src/core/relay.js';
import { connectRawStation, connectStation, startCsms } from '../support/ocpp-peers.js';
import { captureLogger } from '../support/capture-log.js';

/** Knock with a raw client and report what the handshake ended in. */
async function knock(url: string, protocols: string[] = ['ocpp1.6'], headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, protocols, { headers });
  return new Promise<{ status: number; body: string; protocol?: string; headers?: Record<string, unknown> }>((resolve, reject) => {
    ws.once('open', () => {
      resolve({ status: 101, body: '', protocol: ws.protocol });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    ws.once('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

test('subprotocols: the station is answered with what the CSMS chose from its offer', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const relay = await startRelay({ upstream: csms.url });
  const both = await knock(`${relay.url}/ocpp/CP-A`, ['ocpp2.0.1', 'ocpp1.6']);
  assert.equal(both.status, 101);
  assert.equal(both.protocol, 'ocpp1.6');
  const client = await csms.waitForClient('CP-A');
  assert.deepEqual([...client.handshake.protocols], ['ocpp2.0.1', 'ocpp1.6'], 'the CSMS was offered exactly what the station offered');
  await relay.close();
  await csms.close();
});

test('subprotocols: the 2.0.1 choice of a CSMS that speaks both', async () => {
  const csms = await startCsms({ protocols: ['ocpp2.0.1', 'ocpp1.6'] });
  const relay = await startRelay({ upstream: csms.url });
  const r = await knock(`${relay.url}/ocpp/CP-B`, ['ocpp2.0.1', 'ocpp1.6']);
  assert.equal(r.protocol, 'ocpp2.0.1');
  assert.equal(relay.sessions()[0]?.stationVersion, '2.0.1');
  await relay.close();
  await csms.close();
});

test('a station that offers no subprotocol gets the configured default upstream and speaks it', async () => {
  const csms = await startCsms({ protocols: ['ocpp2.0.1'] });
  const relay = await startRelay({ upstream: csms.url, defaultProtocol: 'ocpp2.0.1' });
  const raw = await connectRawStation(`${relay.url}/ocpp/QUIRKY-1`, []);
  assert.equal(raw.ws.protocol, '', 'no protocol header is sent to a station that asked for none');
  const client = await csms.waitForClient('QUIRKY-1');
  assert.deepEqual([...client.handshake.protocols], ['ocpp2.0.1']);
  const session = relay.sessions()[0]!;
  assert.equal(session.stationVersion, '2.0.1');
  assert.equal(session.csmsProtocol, 'ocpp2.0.1');
  raw.send(JSON.stringify([2, 'b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]));
  const answer = await raw.next();
  assert.equal(answer[2].status, 'Accepted');
  raw.close();
  await relay.close();
  await csms.close();
});

test('Basic auth passes through unchanged and is never logged; a CSMS 401 is a 401 at the station', async () => {
  const seen: string[] = [];
  const csms = await startCsms({
    protocols: ['ocpp1.6'],
    auth: (h) => {
      seen.push(h.password?.toString() ?? '');
      return h.password?.toString() === 's3cr3t-pa55' ? { accept: true } : { accept: false, status: 401, message: 'bad password' };
    },
  });
  const log = captureLogger('trace');
  const relay = await startRelay({ upstream: csms.url, logger: log.logger });
  const good = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-AUTH', password: 's3cr3t-pa55' });
  const beat: any = await good.call('Heartbeat', {});
  assert.equal(typeof beat.currentTime, 'string');
  assert.equal(relay.sessions()[0]?.basicAuthUser, 'CP-AUTH');
  assert.equal(relay.sessions()[0]?.securityProfile, 1);
  await good.close();

  const basic = 'Basic ' + Buffer.from('CP-AUTH:wrong-pa55').toString('base64');
  const bad = await knock(`${relay.url}/ocpp/CP-AUTH`, ['ocpp1.6'], { authorization: basic });
  assert.equal(bad.status, 401);
  assert.deepEqual(seen, ['s3cr3t-pa55', 'wrong-pa55'], 'the CSMS saw each password exactly as sent');
  assert.ok(log.text().includes('401'), 'the refusal is logged');
  assert.ok(!log.text().includes('s3cr3t'), 'no password in the log');
  assert.ok(!log.text().includes('wrong-pa55'), 'no password in the log');
  assert.ok(!log.text().includes(Buffer.from('CP-AUTH:wrong-pa55').toString('base64')), 'no Authorization header in the log');
  await relay.close();
  await csms.close();
});

test('a CSMS that answers 404 is a 404 at the station', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'], auth: () => ({ accept: false, status: 404, message: 'unknown station' }) });
  const relay = await startRelay({ upstream: csms.url });
  const r = await knock(`${relay.url}/ocpp/NOBODY`);
  assert.equal(r.status, 404);
  assert.match(r.body, /CSMS answered the handshake with HTTP 404/);
  assert.equal(relay.sessions().length, 0);
  await relay.close();
  await csms.close();
});

test('an unreachable CSMS is a 502 naming the cause; a silent one a 504', async () => {
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as { port: number }).port;
  await new Promise((r) => closed.close(r));
  const relay = await startRelay({ upstream: `ws://127.0.0.1:${port}/ocpp/` });
  const r = await knock(`${relay.url}/ocpp/CP-X`);
  assert.equal(r.status, 502);
  assert.match(r.body, /unreachable: .*ECONNREFUSED/);
  await relay.close();

  // A server that accepts TCP and never answers the HTTP upgrade.
  const silent = createServer(() => {});
  silent.listen(0, '127.0.0.1');
  await once(silent, 'listening');
  const relay2 = await startRelay({ upstream: `ws://127.0.0.1:${(silent.address() as { port: number }).port}/`, connectTimeout: 300 });
  const r2 = await knock(`${relay2.url}/ocpp/CP-Y`);
  assert.equal(r2.status, 504);
  assert.match(r2.body, /did not answer within 300 ms/);
  await relay2.close();
  silent.close();
});

test('a path without an identity is refused with 404; a plain HTTP request gets 426', async () => {
  const csms = await startCsms();
  const relay = await startRelay({ upstream: csms.url });
  const r = await knock(`${relay.url}/`);
  assert.equal(r.status, 404);
  assert.match(r.body, /no station identity/);
  const res = await fetch(relay.url.replace('ws:', 'http:') + '/ocpp/CP');
  assert.equal(res.status, 426);
  await relay.close();
  await csms.close();
});
