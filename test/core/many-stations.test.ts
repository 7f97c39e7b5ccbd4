/** Stations are independent: 200 at once all get through, and one the CSMS keeps waiting holds up nobody. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay } from '../../src/core/relay.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';

test('200 stations at once, each relayed independently while one slow station waits', async () => {
  let releaseSlow!: () => void;
  const slowGate = new Promise<void>((r) => (releaseSlow = r));
  const csms = await startCsms({
    protocols: ['ocpp1.6', 'ocpp2.0.1'],
    handlers: {
      BootNotification: async (_p, identity) => {
        if (identity === 'SLOW') await slowGate; // held until every other station is done
        return { status: 'Accepted', currentTime: new Date().toISOString(), interval: 60 };
      },
    },
  });
  const relay = await startRelay({ upstream: csms.url });
  const url = `${relay.url}/ocpp`;
  const slow = await connectStation({ url, identity: 'SLOW' });
  let slowDone = false;
  const slowBoot = slow.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'slow' }).then(() => (slowDone = true));

  const N = 200;
  const stations = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      connectStation({ url, identity: `ST-${i}`, protocols: i % 2 ? ['ocpp2.0.1'] : ['ocpp1.6'] }),
    ),
  );
  assert.equal(relay.sessions().length, N + 1);
  await Promise.all(
    stations.map(async (s, i) => {
      const boot: any =
        i % 2
          ? await s.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: `m${i}` } })
          : await s.call('BootNotification', { chargePointVendor: 'V', chargePointModel: `m${i}` });
      assert.equal(boot.status, 'Accepted');
      await s.call('Heartbeat', {});
    }),
  );
  assert.equal(slowDone, false, 'the slow station is still waiting while all 200 others finished');
  const bootsByIdentity = new Set(csms.received.filter((r) => r.method === 'BootNotification').map((r) => r.identity));
  assert.equal(bootsByIdentity.size, N + 1, 'every station’s boot reached the CSMS under its own identity');
  releaseSlow();
  await slowBoot;
  assert.equal(slowDone, true);
  await Promise.all([...stations, slow].map((s) => s.close()));
  await relay.close();
  await csms.close();
});
