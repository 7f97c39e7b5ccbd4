/**
 * `start --passthrough`: a matching station's bytes reach the CSMS unchanged and unchecked (even with enforced
 * validation, even text that is not OCPP at all), only its open and close are recorded; other stations stay
 * inspected. `--forward-http`: plain HTTP requests reach the CSMS's origin; health paths are not claimed.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { it } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import { startRelay } from '../../src/core/relay.js';
import { createPassthroughAddon } from '../../src/passthrough/index.js';
import { createValidationAddon } from '../../src/validation/index.js';
import { waitFor } from '../store/clickhouse-support.js';
import { connectRawStation } from '../support/ocpp-peers.js';

interface RawCsms {
  url: string;
  origin: string;
  got: Array<{ path: string; data: Buffer; binary: boolean }>;
  paths: string[];
  close(): Promise<void>;
}

/** A CSMS that keeps every message byte for byte and echoes nothing; it also serves plain HTTP. */
async function rawCsms(): Promise<RawCsms> {
  const got: RawCsms['got'] = [];
  const paths: string[] = [];
  const http = createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-served-by': 'csms' });
    res.end(`FIRMWARE ${req.method} ${req.url}`);
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (p) => [...p][0] ?? false });
  http.on('upgrade', (req: IncomingMessage, socket, head) => {
    paths.push(req.url ?? '');
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data, binary) => {
        got.push({ path: req.url ?? '', data: Buffer.from(data as Buffer), binary });
        if (!binary && String(data).startsWith('[2,"ask"')) ws.send('[3,"ask",{"csms":"answer, unparsed"}]');
      });
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/ocpp`,
    origin: `http://127.0.0.1:${port}`,
    got,
    paths,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    },
  };
}

it('a passthrough station is relayed byte for byte, not checked; others stay inspected', { timeout: 60_000 }, async () => {
  const csms = await rawCsms();
  const events: RelayEvent[] = [];
  const recorder: Addon = { name: 'events', observe: (e) => void events.push(e) };
  const relay = await startRelay({
    upstream: csms.url,
    addons: [createPassthroughAddon({ globs: ['LEGACY-*', '/raw/**'], forwardHttp: true }), createValidationAddon({ mode: 'enforce' }), recorder],
  });
  try {
    const st = await connectRawStation(`${relay.url}/ocpp/LEGACY-2`, ['ocpp1.6']);
    const invalidBoot = '[2,"b1","BootNotification",{"chargePointVendor":42}]';
    const notOcpp = 'hello, this is not OCPP-J at all';
    const binary = Buffer.from([0, 1, 2, 253, 254, 255]);
    st.send(invalidBoot);
    st.send(notOcpp);
    st.send(binary, true);
    st.send('[2,"ask","Heartbeat",{}]');
    const answer = await st.next();
    assert.deepEqual(answer, [3, 'ask', { csms: 'answer, unparsed' }], "the CSMS's bytes come back untouched");
    const mine = csms.got.filter((g) => g.path === '/ocpp/LEGACY-2');
    assert.deepEqual(mine.map((g) => [g.binary, g.data.toString('hex')]), [
      [false, Buffer.from(invalidBoot).toString('hex')],
      [false, Buffer.from(notOcpp).toString('hex')],
      [true, binary.toString('hex')],
      [false, Buffer.from('[2,"ask","Heartbeat",{}]').toString('hex')],
    ]);
    assert.equal(relay.stats().framesIn, 0, 'the relay parsed none of it');

    // By path too.
    const byPath = await connectRawStation(`${relay.url}/raw/site/CP-9`, ['ocpp1.6']);
    byPath.send(notOcpp);
    await waitFor('the path-matched bytes', () => csms.got.some((g) => g.path === '/ocpp/CP-9'));

    // Another station is inspected: the same invalid BootNotification is refused by enforced validation.
    const inspected = await connectRawStation(`${relay.url}/ocpp/CP-1`, ['ocpp1.6']);
    inspected.send(invalidBoot);
    const refused = (await inspected.next()) as unknown[];
    assert.equal(refused[0], 4, 'a CALLERROR from the proxy');
    assert.equal(csms.got.some((g) => g.path === '/ocpp/CP-1'), false);
    assert.ok(relay.stats().framesIn >= 1);

    st.close();
    byPath.close();
    inspected.close();
    await waitFor('passthrough closes recorded', () => events.filter((e) => e.type === 'session-close' && e.session.id.startsWith('pt-')).length === 2);
    const closes = events.filter((e): e is Extract<RelayEvent, { type: 'session-close' }> => e.type === 'session-close' && e.session.identity === 'LEGACY-2');
    assert.equal(closes.length, 1);
    assert.match(closes[0]!.close.reason, /^passthrough: \d+ bytes from the station, \d+ bytes to it/);
    const fromStation = Number(/(\d+) bytes from/.exec(closes[0]!.close.reason)![1]);
    assert.ok(fromStation > invalidBoot.length + notOcpp.length, 'the byte count covers what was sent');
    assert.equal(events.some((e) => e.type === 'message' && e.message.identity === 'LEGACY-2'), false, 'no frame recorded');

    // --forward-http: plain requests reach the CSMS's origin; /healthz is not claimed (the relay answers 426).
    const fw = await fetch(`${relay.url.replace('ws:', 'http:')}/fw/image.bin?v=2`);
    assert.equal(fw.status, 200);
    assert.equal(fw.headers.get('x-served-by'), 'csms');
    assert.equal(await fw.text(), 'FIRMWARE GET /fw/image.bin?v=2');
    const health = await fetch(`${relay.url.replace('ws:', 'http:')}/healthz`);
    assert.equal(health.status, 426);
    await health.text();
    assert.equal(csms.paths.includes('/healthz'), false);

    // A passthrough station still connected at shutdown does not hold the proxy's stop.
    const held = await connectRawStation(`${relay.url}/ocpp/LEGACY-3`, ['ocpp1.6']);
    const closed = once(held.ws, 'close');
    await relay.close();
    await closed;
  } finally {
    await relay.close();
    await csms.close();
  }
});

it('a CSMS that is down answers a passthrough station 502, and the proxy goes on', { timeout: 30_000 }, async () => {
  const csms = await rawCsms();
  const url = csms.url;
  await csms.close();
  const relay = await startRelay({ upstream: url, addons: [createPassthroughAddon({ globs: ['*'] })] });
  try {
    const ws = new WebSocket(`${relay.url}/ocpp/CP-X`, ['ocpp1.6']);
    ws.on('error', () => undefined);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
    assert.equal(res.statusCode, 502);
    res.destroy();
  } finally {
    await relay.close();
  }
});
