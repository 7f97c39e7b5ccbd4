/**
 * Handshakes the fuzz found: a subprotocol offer that is not a list of tokens (or names one twice) made the
 * upstream WebSocket constructor throw, and the relay answered 500 and logged an internal error. It is the
 * station's mistake: 400 naming the offer, a warning, and the proxy goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { startRelay } from '../../src/core/relay.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { captureLogger } from '../support/capture-log.js';

async function upgrade(port: number, protocolHeader: string): Promise<string> {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  s.write(
    `GET /ocpp/ODD-1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocolHeader}\r\n\r\n`,
  );
  let text = '';
  s.on('data', (d) => (text += String(d)));
  await once(s, 'close');
  return text;
}

test('a subprotocol offer that is no token list is refused with 400 naming it; nothing is logged as an internal error', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const log = captureLogger('warn');
  const relay = await startRelay({ upstream: csms.url, logger: log.logger });
  try {
    const port = Number(new URL(relay.url).port);
    const spaced = await upgrade(port, 'ocpp1.6 extra, x');
    assert.match(spaced, /^HTTP\/1\.1 400 /);
    assert.match(spaced, /"ocpp1\.6 extra", which is not a token/);
    const twice = await upgrade(port, 'ocpp1.6, ocpp1.6');
    assert.match(twice, /^HTTP\/1\.1 400 /);
    assert.match(twice, /"ocpp1\.6", twice/);
    const levels = log.lines().map((l) => l.level);
    assert.ok(!levels.includes(50), log.text());
    assert.equal(log.lines().filter((l) => /refused station ODD-1/.test(String(l.msg))).length, 2);
    // The proxy goes on: a proper station connects and is answered.
    const st = await connectStation({ url: `${relay.url}/ocpp`, identity: 'ODD-2' });
    assert.ok(await st.call('Heartbeat', {}));
    await st.close();
  } finally {
    await relay.close();
    await csms.close();
  }
});
