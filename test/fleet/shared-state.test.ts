/**
 * Two translating relays sharing state in a real redis-server, between a strict 1.6 station (ocpp-rpc) and a
 * strict 2.0.1 CSMS: a station that reconnects to the other instance continues its transaction with the same ids;
 * a stale session loses its claim and is closed; with Redis down, open sessions go on and new stations are
 * refused 503 (the log names Redis), then accepted once it is back.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { RedisStateStore } from '../../src/translate/redis-state-store.js';
import { translateAddon } from '../../src/translate/translate-addon.js';
import { TranslateRules } from '../../src/translate/translate-config.js';
import { captureLogger } from '../support/capture-log.js';
import { connectStation, startCsms, type TestCsms } from '../support/ocpp-peers.js';
import { REDIS_SKIP, TestRedis } from '../support/redis-server.js';
import { knock } from '../support/knock.js';
import { until } from '../support/until.js';

/** Teardown: the relays and the CSMS, then Redis. */
async function closeAll(closables: Array<{ close(): Promise<unknown> }>, redis: { destroy(): Promise<unknown> }): Promise<void> {
  for (const c of closables) await c.close();
  await redis.destroy();
}

/** Redis, a strict 2.0.1 CSMS and two translating instances A and B sharing state in it; all closed after `body`. */
async function withTwoInstances(t: { skip(why: string): void }, body: (rig: { csms: TestCsms; a: Relay; b: Relay }) => Promise<void>): Promise<void> {
  const redis = await TestRedis.launch();
  if (!redis) return t.skip(REDIS_SKIP);
  const csms = await startCsms({ protocols: ['ocpp2.0.1'] });
  const a = await translatingRelay(csms, redis.url, 'A');
  const b = await translatingRelay(csms, redis.url, 'B');
  try {
    await body({ csms, a, b });
  } finally {
    await closeAll([a, b, csms], redis);
  }
}

const now = (): string => new Date().toISOString();

function translatingRelay(csms: TestCsms, redisUrl: string, owner: string, logger = captureLogger('info').logger): Promise<Relay> {
  return startRelay({
    upstream: csms.url,
    logger,
    addons: [
      translateAddon({
        rules: new TranslateRules({ file: {}, upstreamProtocol: 'ocpp2.0.1' }),
        stateDir: undefined,
        stateStore: (hooks) => new RedisStateStore({ url: redisUrl, owner, onError: hooks.error, onRecover: hooks.info, onLost: hooks.lost }),
      }),
    ],
  });
}

const station16 = (relay: Relay, identity: string) => connectStation({ url: `${relay.url}/ocpp`, identity, protocols: ['ocpp1.6'] });


const events = (csms: TestCsms, identity: string) => csms.received.filter((r) => r.identity === identity && r.method === 'TransactionEvent').map((r) => r.params);


test('a transaction started through one instance is stopped through the other with the same ids', async (t) => {
  await withTwoInstances(t, async ({ csms, a, b }) => {
    let st = await station16(a, 'CP-MOVE');
    const start: any = await st.call('StartTransaction', { connectorId: 1, idTag: 'T1', meterStart: 0, timestamp: now() });
    await st.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '100' }] }] });
    await st.close({ force: true });

    st = await station16(b, 'CP-MOVE');
    await st.call('StopTransaction', { transactionId: start.transactionId, meterStop: 900, timestamp: now() });
    const tx = events(csms, 'CP-MOVE');
    assert.deepEqual(tx.map((e) => e.eventType), ['Started', 'Updated', 'Ended']);
    assert.equal(new Set(tx.map((e) => e.transactionInfo.transactionId)).size, 1, 'one 2.0.1 transaction id throughout');
    assert.deepEqual(tx.map((e) => e.seqNo), [0, 1, 2], 'seqNo goes on across instances');
    const next: any = await st.call('StartTransaction', { connectorId: 1, idTag: 'T1', meterStart: 900, timestamp: now() });
    assert.equal(next.transactionId, start.transactionId + 1, 'the 1.6 transaction ids go on too');
    await st.close({ force: true });
  });
});

test('a stale session loses the station: it is closed with 1001 when its instance next writes', async (t) => {
  await withTwoInstances(t, async ({ a, b }) => {
    const stale = await station16(a, 'CP-TWICE');
    const closed = new Promise<number>((r) => stale.once('close', (e: { code: number }) => r(e.code)));
    const fresh = await station16(b, 'CP-TWICE'); // the station came back through the other instance
    stale.call('StartTransaction', { connectorId: 1, idTag: 'T1', meterStart: 0, timestamp: now() }).catch(() => {});
    assert.equal(await closed, 1001);
    const start: any = await fresh.call('StartTransaction', { connectorId: 2, idTag: 'T2', meterStart: 0, timestamp: now() });
    assert.ok(start.transactionId >= 1);
    await fresh.close({ force: true });
  });
});

test('Redis down: open sessions go on; new stations are refused 503 with a log naming Redis, and accepted once it is back', async (t) => {
  const redis = await TestRedis.launch();
  if (!redis) return t.skip(REDIS_SKIP);
  const csms = await startCsms({ protocols: ['ocpp2.0.1'] });
  const log = captureLogger('info');
  const a = await translatingRelay(csms, redis.url, 'A', log.logger);
  try {
    const open = await station16(a, 'CP-OPEN');
    const start: any = await open.call('StartTransaction', { connectorId: 1, idTag: 'T1', meterStart: 0, timestamp: now() });

    await redis.kill();
    assert.equal(await knock(`${a.url}/ocpp/CP-LATE`), 503);
    assert.match(log.text(), /refusing CP-LATE \(503\): translation state of CP-LATE unreadable: redis:\/\/127\.0\.0\.1:\d+ unavailable/);
    // The open session translates on from memory.
    await open.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '50' }] }] });
    await open.call('Heartbeat', {});

    await redis.start();
    await until('the late station accepted', async () => (await knock(`${a.url}/ocpp/CP-LATE`)) === 101, 15_000);
    await open.call('StopTransaction', { transactionId: start.transactionId, meterStop: 60, timestamp: now() });
    const tx = events(csms, 'CP-OPEN');
    assert.deepEqual(tx.map((e) => e.eventType), ['Started', 'Updated', 'Ended']);
    assert.deepEqual(tx.map((e) => e.seqNo), [0, 1, 2]);
    await until('the state written after the outage', () => /is back, states written/.test(log.text()), 10_000);
    await open.close({ force: true });
  } finally {
    await closeAll([a, csms], redis);
  }
});
