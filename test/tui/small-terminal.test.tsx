/**
 * 80×24: five stations all in view; more than fit are announced in the pane's title (which ones, how many above
 * and below); the footer keeps every key.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from 'ink-testing-library';
import { ViewStore } from '../../tui/view-store.js';
import { computeLayout } from '../../tui/layout.js';
import { session } from './records.js';
import { renderApp } from '../support/view-rig.js';

afterEach(() => cleanup());

function setup(stations: number) {
  const store = new ViewStore({ minNotifyMs: 0 });
  for (let i = 1; i <= stations; i++) store.ingest({ type: 'session-open', session: session(`CP-${i}`) });
  return renderApp({ size: { columns: 80, rows: 24 } }, store);
}

test('80×24: five stations all shown, the footer keeps every key', async () => {
  const { waitFor } = setup(5);
  const f = await waitFor('the stations', (s) => s.includes('CP-1'));
  for (let i = 1; i <= 5; i++) assert.match(f, new RegExp(`^CP-${i}\\s+1\\.6`, 'm'), `CP-${i} in view`);
  const footer = f.trimEnd().split('\n').at(-1)!;
  for (const key of ['? help', '/ filter', ': cmd', 'tab pane', '⏎ open', 'f follow', 'p pause', '1-6 screens', 'q quit']) assert.ok(footer.includes(key), `${key} in "${footer}"`);
  assert.ok(computeLayout(80, 24, 5).trafficRows >= 10, 'the traffic keeps ten rows');
});

test('80×24 with nine stations: the title says which are in view and how many more there are', async () => {
  const { store, waitFor, press } = setup(9);
  let f = await waitFor('the stations', (s) => s.includes('CP-1'));
  assert.match(f, /Stations 9 open.*1-5 of 9, ↓4 more \(tab, j\/k\)/);
  store.focus = 'stations';
  store.changed(true);
  await press('j', 'j', 'j', 'j', 'j', 'j');
  f = await waitFor('scrolled', (s) => /of 9, ↑\d ↓\d more/.test(s));
  assert.match(f, /3-7 of 9, ↑2 ↓2 more/);
});
