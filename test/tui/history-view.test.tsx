/**
 * History: the view on a stopped proxy's folder (the recorded sessions and the newest page of frames from its
 * embedded store), paging back with H until the beginning of the recording, the filter applying to what loads.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { startRelay } from '../../src/core/relay.js';
import { createStoreAddon } from '../../src/store/index.js';
import { openStoreReader } from '../../src/store/store-reader.js';
import { HistoryPager } from '../../tui/history-pager.js';
import { ViewStore } from '../../tui/view-store.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { renderApp } from '../support/view-rig.js';
import { hasTmux, tmux, tmuxDriver } from '../support/tmux-driver.js';

const ENTER = '\r';
const ROOT = new URL('../..', import.meta.url).pathname;
const HEARTBEATS = 14;

describe('history from a stopped proxy', () => {
  let dir: string;
  let pager: HistoryPager | undefined;
  /** Just before anything was recorded. */
  let before0 = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-history-'));
    const csms = await startCsms({ protocols: ['ocpp1.6'] });
    before0 = new Date(Date.now() - 1000).toISOString();
    const relay = await startRelay({ upstream: csms.url, dataDir: dir, addons: [createStoreAddon({ flushMs: 50 })] });
    const station = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-H' });
    await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'H' });
    for (let i = 0; i < HEARTBEATS; i++) await station.call('Heartbeat', {});
    await station.close();
    // Closing the relay flushes the store: everything is recorded once it resolves.
    await relay.close();
    await csms.close();
  });

  afterEach(async () => {
    await pager?.close();
    pager = undefined;
    cleanup();
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('opens on the newest page; H pages back to the beginning; the filter applies', async () => {
    const store = new ViewStore({ minNotifyMs: 0 });
    pager = new HistoryPager(() => openStoreReader({ dataDir: dir }), 10);
    const { waitFor, press } = renderApp({ size: { columns: 120, rows: 36 }, history: pager }, store);
    await pager.openRecording(store, dir);
    let f = await waitFor('the newest page', (x) => /Traffic 10\b/.test(x));
    assert.match(f, /proxy stopped: what .* recorded/);
    assert.match(f, /CP-H\s+1\.6\s+SP0 ws\s+closed/);
    assert.doesNotMatch(f, /BootNotification/, 'the boot is older than the newest page');
    assert.equal(store.follow, false);

    const total = 2 * (1 + HEARTBEATS);
    for (let loaded = 10; loaded < total; loaded = Math.min(total, loaded + 10)) {
      await press('H');
      f = await waitFor(`${Math.min(total, loaded + 10)} frames`, (x) => new RegExp(`Traffic ${Math.min(total, loaded + 10)}\\b`).test(x));
    }
    assert.match(f, /history: \d+ older frames loaded/);
    const seqs = [...store.records].map((x) => x.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'oldest first, no frame twice');
    assert.equal(new Set(seqs).size, total);
    await press('H');
    await waitFor('the beginning', (x) => x.includes('history: the beginning of the recording'));

    await press('/', ...'action:Boot*', ENTER);
    f = await waitFor('the filtered history', (x) => /Traffic 2\b/.test(x));
    assert.match(f, /CALL BootNotification/);
    assert.match(f, /RES\s+BootNotification/);
  });

  test(':goto a time older than the buffer pages back into the store until it gets there', async () => {
    const store = new ViewStore({ minNotifyMs: 0 });
    pager = new HistoryPager(() => openStoreReader({ dataDir: dir }), 6);
    const { waitFor, press } = renderApp({ size: { columns: 120, rows: 36 }, history: pager }, store);
    await pager.openRecording(store, dir);
    await waitFor('the newest page', (x) => /Traffic 6\b/.test(x));
    await press(':', ...`goto ${before0}`, ENTER);
    const f = await waitFor('the boot selected', (x) => /CALL BootNotification\s+id/.test(x));
    assert.match(f, /Traffic 30\b/);
    assert.match(f, /is before what could be loaded \(history: the beginning of the recording\)/);
    assert.equal(store.selected?.action, 'BootNotification');
    assert.equal(store.selected?.kind, 'CALL');
  });

  test('`ocpp-mitm tui --data DIR` in a terminal browses what the stopped proxy recorded', { skip: hasTmux ? false : 'tmux is not installed' }, async () => {
    const session = `ocpp-mitm-history-${process.pid}`;
    const { waitScreen, kill } = tmuxDriver(session);
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '36', `cd ${ROOT} && exec node --import tsx src/cli.ts tui --data ${dir}`);
    try {
      const s = await waitScreen('the recording', (x) => /Traffic 30\b/.test(x) && /proxy stopped/.test(x), 60_000);
      assert.match(s, /CP-H/);
      assert.match(s, /Heartbeat/);
    } finally {
      kill();
    }
  });
});
