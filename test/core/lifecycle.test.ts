/** Close codes travel both ways, dead peers are found by ping, and shutdown closes every session with 1001. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import WebSocket from 'ws';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import { startRelay } from '../../src/core/relay.js';
import { connectRawStation, startCsms } from '../support/ocpp-peers.js';

const closeOf = (ws: WebSocket) => once(ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));

test('the CSMS closing with a code and reason reaches the station with the same', async () => {
  const csms = await startCsms();
  const events: RelayEvent[] = [];
  const relay = await startRelay({ upstream: csms.url, addons: [{ name: 'rec', observe: (e) => events.push(e) }] });
  const raw = await connectRawStation(`${relay.url}/ocpp/CL-1`);
  const client = await csms.waitForClient('CL-1');
  const closed = closeOf(raw.ws);
  await client.close({ code: 4001, reason: 'station blocked' });
  assert.deepEqual(await closed, { code: 4001, reason: 'station blocked' });
  await new Promise((r) => setTimeout(r, 20));
  const close = events.find((e) => e.type === 'session-close');
  assert.ok(close && close.type === 'session-close');
  assert.equal(close.close.initiator, 'csms');
  assert.equal(close.close.code, 4001);
  assert.equal(relay.sessions().length, 0);
  await relay.close();
  await csms.close();
});

test('the station closing with a code and reason reaches the CSMS with the same', async () => {
  const csms = await startCsms();
  const relay = await startRelay({ upstream: csms.url });
  const raw = await connectRawStation(`${relay.url}/ocpp/CL-2`);
  const client = await csms.waitForClient('CL-2');
  const closed = once(client as any, 'close');
  raw.ws.close(1000, 'going home');
  const [info] = await closed;
  assert.equal(info.code, 1000);
  assert.equal(String(info.reason), 'going home');
  await relay.close();
  await csms.close();
});

test('a station that stops answering pings is found dead: it is dropped and the CSMS told with 1001', async () => {
  const csms = await startCsms();
  const relay = await startRelay({ upstream: csms.url, pingInterval: 0.2 });
  // autoPong off: this station's TCP connection stays up but it never answers a ping, like a hung device.
  const ws = new WebSocket(`${relay.url}/ocpp/DEAD-1`, ['ocpp1.6'], { autoPong: false });
  await once(ws, 'open');
  const client = await csms.waitForClient('DEAD-1');
  const stationClosed = once(ws, 'close');
  const [info] = await once(client as any, 'close');
  assert.equal(info.code, 1001);
  assert.match(String(info.reason), /ping timeout/);
  const [stationCode] = await stationClosed;
  assert.equal(stationCode, 1006, 'the dead station gets no close handshake');
  await relay.close();
  await csms.close();
});

test('shutdown closes both legs of every session with 1001', async () => {
  const csms = await startCsms();
  const relay = await startRelay({ upstream: csms.url });
  const a = await connectRawStation(`${relay.url}/ocpp/SD-1`);
  const b = await connectRawStation(`${relay.url}/ocpp/SD-2`);
  const ca = await csms.waitForClient('SD-1');
  const csmsSide = once(ca as any, 'close');
  const closes = [closeOf(a.ws), closeOf(b.ws)];
  await relay.close();
  for (const c of await Promise.all(closes)) assert.equal(c.code, 1001);
  assert.equal((await csmsSide)[0].code, 1001);
  await csms.close();
});

test('an addon that throws is isolated: frames still flow and a notice names the addon', async () => {
  const csms = await startCsms();
  const notices: string[] = [];
  const broken: Addon = {
    name: 'broken',
    message: () => {
      throw new Error('boom');
    },
  };
  const relay = await startRelay({
    upstream: csms.url,
    addons: [broken, { name: 'rec', observe: (e) => e.type === 'notice' && notices.push(e.text) }],
  });
  const raw = await connectRawStation(`${relay.url}/ocpp/ISO-1`);
  for (let i = 0; i < 3; i++) {
    raw.send(JSON.stringify([2, `h${i}`, 'Heartbeat', {}]));
    assert.equal((await raw.next())[0], 3);
  }
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(notices.length, 1, 'reported once, not once per frame');
  assert.match(notices[0]!, /addon broken failed in message: boom/);
  raw.close();
  await relay.close();
  await csms.close();
});
