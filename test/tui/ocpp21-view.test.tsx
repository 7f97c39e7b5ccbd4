/** OCPP 2.1 in the live view: SEND and CALLRESULTERROR rows with their own labels, detail and filter terms. */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from 'ink-testing-library';
import { detailLines } from '../../tui/detail-lines.js';
import { ViewStore } from '../../tui/view-store.js';
import { call, result, resultError, send, session } from './records.js';
import { renderApp } from '../support/view-rig.js';

afterEach(() => cleanup());

function setup() {
  return renderApp({ size: { columns: 120, rows: 36 }, onQuit: () => undefined });
}

function feed(store: ViewStore) {
  store.ingest({ type: 'session-open', session: session('CP-21', '2.1') });
  // The CSMS asks, the station answers, then the CSMS refuses that answer; the station streams a SEND.
  const get = call('CP-21', 'GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }, { direction: 'to-station', version: '2.1' });
  const res = result(get, { status: 'Accepted' }, { version: '2.1' });
  const refusal = resultError(res, 'PropertyConstraintViolation');
  const stream = send('CP-21', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: '2026-01-01T00:00:00Z', data: [{ t: 0, v: '1' }] });
  for (const m of [get, res, refusal, stream]) store.ingest({ type: 'message', message: m });
  return { get, res, refusal, stream };
}

test('SEND and CALLRESULTERROR rows carry their own labels; the station shows OCPP 2.1', async () => {
  const { store, waitFor } = setup();
  feed(store);
  const f = await waitFor('the SEND row', (s) => s.includes('SEND NotifyPeriodicEventStream'));
  assert.match(f, /CP-21\s+2\.1/);
  assert.match(f, /↑ CP-21\s+SEND NotifyPeriodicEventStream/);
  assert.match(f, /↓ CP-21\s+RERR GetBaseReport/, 'the CALLRESULTERROR names the CALL whose answer it refuses');
  assert.match(f, /SEND \(2\.1: one-way, never answered\)/, 'the newest frame is detailed');
});

test('the filter knows kind:send, kind:resulterror and version:2.1', async () => {
  const { store, waitFor, press } = setup();
  feed(store);
  await waitFor('traffic', (s) => s.includes('NotifyPeriodicEventStream'));
  await press('/', ...'kind:send', '\r');
  let f = await waitFor('only the SEND', (s) => s.includes('Traffic 1/4'));
  assert.doesNotMatch(f.split('Traffic')[1]!.split('Detail')[0]!, /GetBaseReport/);
  await press('\u001B', '/', ...'kind:resulterror', '\r');
  f = await waitFor('only the CALLRESULTERROR', (s) => s.includes('Traffic 1/4') && s.includes('RERR'));
  await press('\u001B', '/', ...'version:2.1 is:error', '\r');
  await waitFor('is:error counts the CALLRESULTERROR', (s) => s.includes('Traffic 1/4'));
});

test('the detail of a CALLRESULTERROR pairs it with the CALL whose CALLRESULT it refuses', () => {
  const store = new ViewStore({ minNotifyMs: 0 });
  const { get, refusal, stream } = feed(store);
  const partner = store.partnerOf(refusal);
  assert.equal(partner, get);
  const lines = detailLines(refusal, partner, 100).map((l) => l.text);
  assert.ok(lines.some((l) => /CALLRESULTERROR \(2\.1: the CALLRESULT was refused\)/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /refuses the CALLRESULT to GetBaseReport/.test(l)), lines.join('\n'));
  assert.equal(store.partnerOf(stream), undefined, 'a SEND has no partner');
});
