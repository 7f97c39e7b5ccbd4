/**
 * `q` in `start --tui` stops the proxy for every station: with stations connected it asks first (q or y again
 * confirms, any other key keeps it running); without any, or in a view that only watches (`ocpp-mitm tui`), it quits.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from 'ink-testing-library';
import { session } from './records.js';
import { renderApp } from '../support/view-rig.js';

afterEach(() => cleanup());

function setup(confirmQuit: boolean) {
  const quits: number[] = [];
  return { ...renderApp({ size: { columns: 100, rows: 30 }, confirmQuit, onQuit: () => quits.push(1) }), quits };
}

test('q with stations connected asks; another key keeps the proxy; q again stops it', async () => {
  const { store, quits, waitFor, press } = setup(true);
  store.ingest({ type: 'session-open', session: session('CP-1') });
  store.ingest({ type: 'session-open', session: session('CP-2') });
  await press('q');
  await waitFor('the question', (s) => s.includes('q again (or y) stops the proxy and disconnects 2 stations'));
  assert.equal(quits.length, 0);
  await press('j');
  await waitFor('kept running', (s) => s.includes('the proxy keeps running'));
  assert.equal(quits.length, 0);
  await press('q', 'y');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(quits.length, 1);
});

test('q quits at once without stations, and in a view that does not own the proxy', async () => {
  const alone = setup(true);
  await alone.press('q');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(alone.quits.length, 1);
  cleanup();
  const watcher = setup(false);
  watcher.store.ingest({ type: 'session-open', session: session('CP-1') });
  await watcher.press('q');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(watcher.quits.length, 1);
});
