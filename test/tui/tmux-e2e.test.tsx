/**
 * The whole live view as a user runs it: `ocpp-mitm tui --data DIR` in a real terminal (tmux, 120×36),
 * against a running proxy (validation, rules, control API) with real ocpp-rpc peers in strict mode.
 * Keys go in through tmux, the screen is read back with capture-pane.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Feature } from '../../src/core/feature.js';
import type { RunningProxy } from '../../src/commands/start.js';
import { silentLogger } from '../../src/log.js';
import { connectRawStation, connectStation, startCsms, type RawStation, type TestCsms } from '../support/ocpp-peers.js';
import { hasTmux, tmux, tmuxDriver } from '../support/tmux-driver.js';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Features for the proxy under test; rules and validation only when this build has them. */
async function proxyFeatures(): Promise<{ features: Feature[]; rules: boolean; validation: boolean }> {
  const features: Feature[] = [];
  let rules = false;
  let validation = false;
  try {
    features.push((await import('../../src/validation/index.js')).validationFeature);
    validation = true;
  } catch {
    // built without validation: the invalid frame below is malformed JSON, flagged by the relay itself
  }
  try {
    features.push((await import('../../src/rules/index.js')).rulesFeature);
    rules = true;
  } catch {
    // built without rules: the rule step is skipped
  }
  features.push((await import('../../src/control/index.js')).controlFeature);
  return { features, rules, validation };
}

/** The command that runs the live view, as a user types it. */
function tuiCommand(dataDir: string): string {
  return `cd ${ROOT} && exec node --import tsx src/cli.ts tui --data ${dataDir}`;
}

describe('live view in a terminal', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  const session = `ocpp-mitm-e2e-${process.pid}`;
  let dir: string;
  let csms: TestCsms;
  let proxy: RunningProxy;
  let rulesOn = false;
  let validationOn = false;
  const stations: Array<{ close(): unknown }> = [];
  let raw: RawStation;
  let ticker: NodeJS.Timeout | undefined;

  const { screen, keys, type, waitScreen } = tmuxDriver(session);
  /** The traffic pane's lines only. */
  const trafficOf = (s: string): string => s.split(/─ Traffic/)[1]?.split(/─ Detail/)[0] ?? '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-e2e-'));
    const rulesDir = join(dir, 'rules');
    await mkdir(rulesDir);
    await writeFile(
      join(rulesDir, 'e2e.yaml'),
      'rules:\n  - id: e2e-heartbeat-delay\n    description: every Heartbeat held 1 ms\n    match: { direction: to-csms, type: CALL, action: Heartbeat }\n    actions:\n      - delay: 1\n',
    );
    csms = await startCsms();
    const { features, rules, validation } = await proxyFeatures();
    rulesOn = rules;
    validationOn = validation;
    const { launchProxy } = await import('../../src/commands/start.js');
    proxy = await launchProxy(
      features,
      { listen: '127.0.0.1:0', upstream: csms.url, data: join(dir, 'data'), validate: 'observe', rules: rulesDir, control: '127.0.0.1:0' },
      silentLogger(),
    );
    assert.ok(proxy.control, 'the proxy runs the control API');

    const a = await connectStation({ url: `${proxy.relay.url}/ocpp`, identity: 'CP-A' });
    const b = await connectStation({ url: `${proxy.relay.url}/ocpp`, identity: 'CP-B', protocols: ['ocpp2.0.1'] });
    stations.push(a, b);
    await a.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'A' });
    await b.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'B' } });
    raw = await connectRawStation(`${proxy.relay.url}/ocpp/CP-RAW`);
    stations.push(raw);
    // Traffic keeps flowing while the view is up.
    ticker = setInterval(() => {
      void a.call('Heartbeat', {}).catch(() => undefined);
      void b.call('Heartbeat', {}).catch(() => undefined);
    }, 150);

    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '36', tuiCommand(join(dir, 'data')));
  });

  after(async () => {
    clearInterval(ticker);
    try {
      tmux('kill-session', '-t', session);
    } catch {
      // already gone: q quit it
    }
    for (const s of stations) await s.close();
    await proxy?.stop();
    await csms?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('stations appear and frames scroll', async () => {
    // The first screen waits for the program to start (tsx compiles it on a cold cache: slow on a busy machine).
    const s = await waitScreen(
      'the three stations, live',
      (x) => x.includes('● live') && /CP-A\s+1\.6/.test(x) && /CP-B\s+2\.0\.1/.test(x) && x.includes('CP-RAW'),
      60_000,
    );
    assert.match(s, /stations 3/);
    const count = (x: string): number => Number(/Traffic (\d+)/.exec(x)?.[1] ?? 0);
    const first = count(await waitScreen('heartbeats', (x) => trafficOf(x).includes('Heartbeat')));
    await waitScreen('more frames', (x) => count(x) > first + 4);
  });

  test('the filter narrows the traffic to one station', async () => {
    await keys('/');
    type('station:CP-B');
    await waitScreen('the parse check', (x) => x.includes('✓ filter ok'));
    await keys('Enter');
    const s = await waitScreen('CP-B only', (x) => x.includes('filter: station:CP-B') && trafficOf(x).includes('CP-B'));
    assert.doesNotMatch(trafficOf(s), /CP-A/);
    await keys('/');
    type(' dir:nowhere');
    await waitScreen('the parse error as you type', (x) => x.includes("✗ dir is up (to-csms) or down (to-station), not 'nowhere'"));
    await keys('Escape'); // leaves the prompt, the previous filter stays
    await keys('Escape'); // clears the filter
    await waitScreen('all stations again', (x) => !x.includes('filter:') && /CP-A/.test(trafficOf(x)));
  });

  test('the detail shows the validation error in words', async () => {
    assert.ok(validationOn, 'the validation addon is part of the proxy');
    raw.send(JSON.stringify([2, 'bad-1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }]));
    await keys('/');
    type('is:invalid station:CP-RAW');
    await keys('Enter');
    await waitScreen('the invalid frame', (x) => trafficOf(x).includes('CP-RAW') && x.includes('bad-1'));
    await keys('Enter'); // zoom the detail
    const s = await waitScreen('the detail', (x) => x.includes('Detail (esc or enter: back)'));
    assert.match(s, /✗ invalid/);
    assert.match(s, /✗ \/status: .*Sleeping/);
    assert.match(s, /"status": "Sleeping"/);
    await keys('Escape', 'Escape');
    await waitScreen('the full traffic again', (x) => !x.includes('filter:') && x.includes('─ Stations'));
  });

  test('a rule toggles from the keyboard', async () => {
    assert.ok(rulesOn, 'the rules addon answers /api/rules');
    await keys('3');
    await waitScreen('the rule, on, with hits', (x) => /e2e-heartbeat-delay\s+● on\s+[1-9]\d*/.test(x));
    await keys('Space');
    await waitScreen('the rule off', (x) => /e2e-heartbeat-delay\s+○ off/.test(x) && x.includes('rule e2e-heartbeat-delay disabled'));
    const { callControl } = await import('../../src/control/api-client.js');
    const rules = await callControl(proxy.control!, 'GET /api/rules');
    assert.equal(rules.rules.find((r) => r.id === 'e2e-heartbeat-delay')?.enabled, false);
    await keys('1');
    await waitScreen('the live screen', (x) => x.includes('─ Stations'));
  });

  test('a resize to 80×24 redraws to fit', async () => {
    tmux('resize-window', '-t', session, '-x', '80', '-y', '24');
    // The narrow layout drops the milliseconds from the time column.
    const s = await waitScreen('the narrow layout', (x) => /^time {7}station/m.test(x) && /─ Traffic/.test(x));
    const lines = s.split('\n').filter((l) => l.trim() !== '');
    assert.ok(lines.length <= 23, `${lines.length} lines`);
    for (const l of lines) assert.ok([...l].length <= 80, `too wide: ${l}`);
    assert.match(s, /Heartbeat/);
  });

  test('q quits and gives the terminal back', async () => {
    await keys('q');
    const deadline = Date.now() + 10_000;
    for (;;) {
      let alive = true;
      try {
        tmux('has-session', '-t', session);
      } catch {
        alive = false;
      }
      if (!alive) break;
      if (Date.now() > deadline) assert.fail(`the view did not quit:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(existsSync(join(dir, 'data', 'control.json')), 'quitting the view leaves the proxy running');
  });
});

describe('start --tui: proxy and view in one process', { skip: hasTmux ? false : 'tmux is not installed' }, () => {
  test('the view shows the proxy it runs with; its log does not tear the screen; q stops both', async () => {
    const { FEATURES } = await import('../../src/features.js');
    assert.ok(FEATURES.some((f) => f.name === 'control'), 'the CLI includes the control feature (start --tui)');
    const session = `ocpp-mitm-start-${process.pid}`;
    const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-start-tui-'));
    const csms = await startCsms();
    const driver = tmuxDriver(session);
    const waitScreen = (what: string, ok: (s: string) => boolean, timeoutMs = 60_000): Promise<string> => driver.waitScreen(what, ok, timeoutMs);
    try {
      const data = join(dir, 'data');
      await mkdir(join(dir, 'no-rules')); // a --rules folder must exist; this one holds no rules
      const port = await freePort();
      tmux(
        'new-session', '-d', '-s', session, '-x', '120', '-y', '36',
        `cd ${ROOT} && node --import tsx src/cli.ts start --listen 127.0.0.1:${port} --upstream ${csms.url} --data ${data} --rules ${join(dir, 'no-rules')} --tui; echo EXITED $?; sleep 30`,
      );
      await waitScreen('the live view', (s) => s.includes('● live'));
      const { readControlInfo } = await import('../../src/control/control-client.js');
      const { callControl } = await import('../../src/control/api-client.js');
      const info = await readControlInfo(data);
      assert.ok(info);
      assert.deepEqual(await callControl(info, 'GET /api/sessions'), []);
      const where = new RegExp(`127\\.0\\.0\\.1:${port} → ws://127\\.0\\.0\\.1:${csms.port}/ocpp/`);
      await waitScreen('the header saying where it listens and relays', (x) => where.test(x));
      const station = await connectStation({ url: `ws://127.0.0.1:${port}/ocpp`, identity: 'CP-START' });
      await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'S' });
      const s = await waitScreen('the station and its boot', (x) => /CP-START\s+1\.6/.test(x) && /RES\s+BootNotification/.test(x));
      // The proxy's log goes to its file, not across the panes.
      assert.doesNotMatch(s, /INFO|station CP-START connected/);
      // A station is connected: q asks before it stops the proxy, q again confirms.
      tmux('send-keys', '-t', session, 'q');
      await waitScreen('the question', (x) => x.includes('q again (or y) stops the proxy and disconnects 1 station;'));
      tmux('send-keys', '-t', session, 'q');
      await waitScreen('the exit', (x) => x.includes('EXITED 0'), 30_000);
      assert.match(await readFile(join(data, 'ocpp-mitm.log'), 'utf8'), /station CP-START connected/);
      assert.equal(existsSync(join(data, 'control.json')), false, 'the proxy stopped with the view');
      await station.close();
    } finally {
      try {
        tmux('kill-session', '-t', session);
      } catch {
        // gone already
      }
      await csms.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A port free right now (the proxy gets it on its command line, so the station knows where to go). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}
