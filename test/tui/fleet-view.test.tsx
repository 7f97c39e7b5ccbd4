/**
 * The fleet view: two real proxies, each with its control API, stations on each, and one view store fed by a
 * ControlConnection per proxy. The view lists every station with the proxy it is on, sums the proxies' counts,
 * shows traffic and KPI samples from both, and names the proxy whose stream went down. Drawn with
 * ink-testing-library to see the proxy column.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import { cleanup } from 'ink-testing-library';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { readFleetFile, resolveControlTargets } from '../../tui/tui-command.js';
import { createKpiAddon } from '../../src/kpi/index.js';
import { FleetConnections } from '../../tui/fleet-connections.js';
import { ViewStore } from '../../tui/view-store.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { renderApp } from '../support/view-rig.js';
import { until } from '../support/until.js';

afterEach(() => cleanup());


test('one view over two proxies: stations with their proxy, summed counts, traffic and KPIs from both', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-fleet-view-'));
  const csms = await startCsms({ protocols: ['ocpp1.6'] });
  const controls = [createControlAddon({ dataDir: join(dir, 'a') }), createControlAddon({ dataDir: join(dir, 'b') })];
  const relays: Relay[] = [];
  let fleet: FleetConnections | undefined;
  try {
    for (const control of controls) relays.push(await startRelay({ upstream: csms.url, dataDir: dir, addons: [createKpiAddon(), control] }));
    const store = new ViewStore({ minNotifyMs: 0 });
    fleet = new FleetConnections([{ ...controls[0]!.info(), name: 'proxy-a' }, { ...controls[1]!.info(), name: 'proxy-b' }], store, { pollMs: 200 });
    fleet.start();
    await until('both streams live', () => store.connection === 'live');

    const handlers = { ClearCache: () => ({ status: 'Accepted' }) };
    const stations = [
      await connectStation({ url: `${relays[0]!.url}/ocpp`, identity: 'A-1', handlers }),
      await connectStation({ url: `${relays[0]!.url}/ocpp`, identity: 'A-2', handlers }),
      await connectStation({ url: `${relays[1]!.url}/ocpp`, identity: 'B-1', handlers }),
    ];
    for (const s of stations) await s.call('Heartbeat', {});
    for (const id of ['A-1', 'B-1']) await (await csms.waitForClient(id)).call('ClearCache', {});

    await until('three open stations', () => store.stationList().filter((r) => r.open).length === 3);
    const where = Object.fromEntries(store.stationList().map((r) => [r.info.identity, r.instance]));
    assert.deepEqual(where, { 'A-1': 'proxy-a', 'A-2': 'proxy-a', 'B-1': 'proxy-b' });
    await until('summed stats', () => store.stats.sessionsOpen === 3);
    assert.deepEqual(store.instances(), [
      { name: 'proxy-a', open: 2 },
      { name: 'proxy-b', open: 1 },
    ]);
    await until('traffic of both', () => {
      const ids = new Set(store.records.last(100).map((m) => m.identity));
      return ids.has('A-1') && ids.has('B-1');
    });
    await until('KPIs of both', () => ['A-1', 'B-1'].every((id) => store.kpiApi?.some((f) => f.station === id && f.count > 0)));

    // An injection goes to the proxy that holds the station: each station answers its own.
    const rows = store.stationList();
    for (const id of ['A-1', 'B-1']) {
      const sessionId = rows.find((row) => row.info.identity === id)!.info.id;
      const answer = (await fleet.inject(sessionId, 'to-station', [2, `op-${id}`, 'ClearCache', {}])) as { answer: unknown };
      assert.deepEqual(answer.answer, [3, `op-${id}`, { status: 'Accepted' }]);
    }
    await assert.rejects(fleet.inject('no-such-session', 'to-station', [2, 'x', 'ClearCache', {}]), /not in the view/);

    const { waitFor } = renderApp({ size: { columns: 140, rows: 36 } }, store);
    const f = await waitFor('the proxy column', (s) => /B-1\s+proxy-b/.test(s));
    assert.match(f, /identity\s+proxy\s+version/);
    assert.match(f, /A-1\s+proxy-a\s+1\.6/);

    // A proxy that goes away is named.
    for (const s of stations.slice(2)) await s.close({ force: true });
    await relays[1]!.close();
    await until('the fleet view down', () => store.connection === 'down');
    assert.match(store.connectionError, /^proxy-b: /);
    for (const s of stations.slice(0, 2)) await s.close({ force: true });
  } finally {
    fleet?.stop();
    for (const relay of relays) await relay.close();
    await csms.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('fleet targets: --connect repeated with one token or one each, or a fleet file (tokens from the environment)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-fleet-file-'));
  try {
    assert.deepEqual(await resolveControlTargets({ connect: ['http://10.0.0.1:7070', 'http://10.0.0.2:7070'], token: ['t'], data: '.' }), [
      { url: 'http://10.0.0.1:7070', token: 't', name: '10.0.0.1:7070' },
      { url: 'http://10.0.0.2:7070', token: 't', name: '10.0.0.2:7070' },
    ]);
    const each = await resolveControlTargets({ connect: ['http://a:1', 'http://b:2'], token: ['t1', 't2'], data: '.' });
    assert.deepEqual(each.map((t) => t.token), ['t1', 't2']);
    await assert.rejects(resolveControlTargets({ connect: ['http://a:1', 'http://b:2', 'http://c:3'], token: ['t1', 't2'], data: '.' }), /one --token each, or a single --token/);
    const file = join(dir, 'fleet.yaml');
    process.env.FLEET_TEST_TOKEN_B = 'from-env';
    await writeFile(file, 'proxies:\n  - name: east\n    url: http://a:1\n    token: ta\n  - url: http://b:2\n    tokenEnv: FLEET_TEST_TOKEN_B\n');
    assert.deepEqual(await readFleetFile(file), [
      { url: 'http://a:1', token: 'ta', name: 'east' },
      { url: 'http://b:2', token: 'from-env', name: 'b:2' },
    ]);
    await writeFile(file, '- url: ftp://x\n');
    await assert.rejects(readFleetFile(file), /proxy 1: "url" must be the control API's http:\/\/ URL/);
    delete process.env.OCPP_MITM_CONTROL_TOKEN;
    await writeFile(file, '- url: http://x:1\n  tokenEnv: FLEET_TEST_NOT_SET\n');
    await assert.rejects(readFleetFile(file), /proxy 1: no token/);
  } finally {
    delete process.env.FLEET_TEST_TOKEN_B;
    await rm(dir, { recursive: true, force: true });
  }
});
