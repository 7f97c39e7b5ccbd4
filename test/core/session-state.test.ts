/** Per-session addon state by typed keys, one frozen facts object per session, and the bounded map addons use. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedMap } from '../../src/core/bounded-map.js';
import { SessionState, StateKey } from '../../src/core/session-state.js';
import { startRelay } from '../../src/core/relay.js';
import type { Addon, Session } from '../../src/core/addon.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';

test('state slots are told apart by key, not by name', () => {
  const state = new SessionState();
  const a = new StateKey<number[]>('x');
  const b = new StateKey<string>('x');
  state.set(a, [1]);
  assert.deepEqual(state.get(a), [1]);
  assert.equal(state.get(b), undefined, 'a key of the same name is another slot');
  assert.ok(state.has(a) && !state.has(b));
  assert.ok(state.delete(a));
  assert.equal(state.get(a), undefined);
});

test('a bounded map drops its oldest entry past its limit, and never for a key it holds', () => {
  const m = new BoundedMap<string, number>(2);
  m.set('a', 1).set('b', 2).set('a', 3);
  assert.deepEqual([...m], [['a', 3], ['b', 2]]);
  m.set('c', 4);
  assert.deepEqual([...m.keys()], ['b', 'c']);
});

test('a session carries its facts as one frozen object, the same one its events carry', async () => {
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const seen: { open?: Session; event?: unknown } = {};
  const probe: Addon = {
    name: 'probe',
    sessionOpen: (s) => (seen.open = s),
    observe: (e) => {
      if (e.type === 'session-open') seen.event = e.session;
    },
  };
  const relay = await startRelay({ upstream: csms.url, addons: [probe] });
  try {
    const station = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-FACTS' });
    for (let i = 0; i < 100 && !seen.event; i++) await new Promise((r) => setTimeout(r, 20));
    const s = seen.open!;
    assert.ok(Object.isFrozen(s.info) && Object.isFrozen(s.info.offeredProtocols));
    assert.equal(seen.event, s.info, 'the open event carries the very facts object');
    assert.deepEqual(
      { identity: s.identity, version: s.stationVersion, offered: s.offeredProtocols },
      { identity: s.info.identity, version: '1.6', offered: ['ocpp1.6'] },
    );
    assert.equal(JSON.parse(JSON.stringify(s.info)).identity, 'CP-FACTS', 'plain data, ready for the wire');
    await station.close();
  } finally {
    await relay.close();
    await csms.close();
  }
});
