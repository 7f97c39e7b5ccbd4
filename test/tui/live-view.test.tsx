/**
 * The live view's components and keymap, rendered with ink-testing-library: records go into a real view store,
 * keys go into stdin, and the frames Ink draws are checked.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from 'ink-testing-library';
import { detailLines } from '../../tui/detail-lines.js';
import { KEYMAP, resolveKey, type CommandName } from '../../tui/keymap.js';
import { ViewStore } from '../../tui/view-store.js';
import { call, result, session } from './records.js';
import { renderApp } from '../support/view-rig.js';
import { kpiSummaryRow, ruleView } from '../support/control-views.js';

const KEY = { up: '\u001B[A', down: '\u001B[B', enter: '\r', tab: '\t', esc: '\u001B', backspace: '\u007F' };

function setup(size = { columns: 120, rows: 36 }, setRuleEnabled?: (id: string, enabled: boolean) => Promise<void>) {
  const quits: number[] = [];
  return { ...renderApp({ size, setRuleEnabled, onQuit: () => quits.push(1) }), quits };
}

/** Two stations with a boot exchange each, and a heartbeat from CP-1. */
function feed(store: ViewStore) {
  store.ingest({ type: 'session-open', session: session('CP-1') });
  store.ingest({ type: 'session-open', session: session('CP-2', '2.0.1') });
  const boot1 = call('CP-1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
  const boot2 = call('CP-2', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'Y2' } }, { version: '2.0.1' });
  const res1 = result(boot1, { status: 'Accepted', interval: 300 });
  const hb = call('CP-1', 'Heartbeat', {});
  for (const m of [boot1, boot2, res1, hb]) store.ingest({ type: 'message', message: m });
  return { boot1, boot2, res1, hb };
}

afterEach(() => cleanup());

describe('live view', () => {
  test('shows stations, traffic and the detail of the newest frame', async () => {
    const { store, waitFor } = setup();
    feed(store);
    const f = await waitFor('the traffic', (s) => s.includes('Heartbeat'));
    assert.match(f, /stations 2/);
    assert.match(f, /CP-1\s+1\.6\s+SP0 ws\s+open/);
    assert.match(f, /CP-2\s+2\.0\.1/);
    assert.match(f, /↑ CP-2\s+CALL BootNotification/);
    assert.match(f, /↓ CP-1\s+RES\s+BootNotification/);
    assert.match(f, /Traffic 4/);
    // Following: the newest frame (the heartbeat) is selected and detailed.
    assert.match(f, /CALL Heartbeat\s+id m\d+\s+↑ CP-1 → CSMS/);
  });

  test('j/k and arrows move the selection; the detail pairs CALL and answer; o jumps between them', async () => {
    const { store, waitFor, press } = setup();
    const { boot1 } = feed(store);
    await waitFor('the heartbeat detail', (s) => s.includes('CALL Heartbeat  id'));
    await press('k');
    let f = await waitFor('the boot answer detail', (s) => s.includes('CALLRESULT BootNotification'));
    assert.match(f, /answers CALL BootNotification/);
    assert.match(f, /"status": "Accepted"/);
    assert.doesNotMatch(f, /FOLLOW/, 'moving up stops following');
    await press('o');
    f = await waitFor('the boot CALL detail', (s) => s.includes(`CALL BootNotification  id ${boot1.messageId}`));
    assert.match(f, /answered by CALLRESULT after 12ms/);
    assert.match(f, /"chargePointVendor": "Acme"/);
    await press(KEY.down, KEY.down);
    await waitFor('the boot answer again', (s) => s.includes('CALLRESULT BootNotification'));
    await press('G');
    f = await waitFor('back on the newest frame', (s) => s.includes('CALL Heartbeat  id'));
    assert.match(f, /FOLLOW/);
  });

  test('the detail says what is invalid in words and shows the original beside the modified frame', async () => {
    const { store, waitFor, press } = setup({ columns: 120, rows: 40 });
    store.ingest({ type: 'session-open', session: session('CP-9') });
    const bad = call('CP-9', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }, {
      valid: false,
      errorCode: 'PropertyConstraintViolation',
      issues: [{ path: '/status', rule: 'enum', message: 'must be one of Available, Preparing, Charging' }],
    });
    const original = JSON.stringify([2, 'mv1', 'MeterValues', { connectorId: 1, value: '100' }]);
    const changed = JSON.stringify([2, 'mv1', 'MeterValues', { connectorId: 1, value: '999999' }]);
    const mod = call('CP-9', 'MeterValues', {}, { messageId: 'mv1', text: changed, original, modified: true, changedBy: ['demo-rule'], ruleIds: ['demo-rule'] });
    store.ingest({ type: 'message', message: bad });
    store.ingest({ type: 'message', message: mod });
    let f = await waitFor('the modified frame', (s) => s.includes('original (as received)'));
    assert.match(f, /"value": "100"\s+│ {3}"value": "999999"/);
    assert.match(f, /rules hit: demo-rule/);
    assert.match(f, /MeterValues .* M {4}demo-rule/, 'the traffic row flags it modified and names the rule');
    await press('k');
    f = await waitFor('the invalid frame', (s) => s.includes('✗ invalid'));
    assert.match(f, /✗ invalid — a receiver answers PropertyConstraintViolation/);
    assert.match(f, /✗ \/status: must be one of Available, Preparing, Charging \[enum\]/);
  });

  test('/ filters as you type, says when the filter does not parse, esc restores', async () => {
    const { store, waitFor, press, frame } = setup();
    feed(store);
    await waitFor('traffic', (s) => s.includes('Heartbeat'));
    await press('/', ...'station:CP-2');
    let f = await waitFor('the narrowed list', (s) => s.includes('Traffic 1/4'));
    assert.match(f, /✓ filter ok/);
    assert.doesNotMatch(f.split('Traffic')[1]!.split('Detail')[0]!, /CP-1/);
    await press(' ', ...'dir:sideways');
    f = await waitFor('the parse error', (s) => s.includes('✗'));
    assert.match(f, /✗ dir is up \(to-csms\) or down \(to-station\), not 'sideways'/);
    await press(KEY.enter); // an invalid filter is not accepted
    assert.match(frame(), /✗ dir is up/);
    await press(KEY.esc);
    f = await waitFor('the whole list back', (s) => /Traffic 4 /.test(s));
    await press('/', ...'is:invalid', KEY.enter);
    await waitFor('an empty view', (s) => s.includes('no frame matches the filter'));
    await press(KEY.esc);
    await waitFor('the filter cleared by esc', (s) => /Traffic 4 /.test(s));
  });

  test('tab to the stations pane, enter shows that station only', async () => {
    const { store, waitFor, press } = setup();
    feed(store);
    await waitFor('traffic', (s) => s.includes('Heartbeat'));
    await press(KEY.tab, KEY.tab); // traffic → detail → stations
    await press('j', KEY.enter);
    const f = await waitFor('the station filter', (s) => s.includes('filter: station:CP-2'));
    assert.match(f, /Traffic 1\/4/);
  });

  test('p pauses the list while frames keep arriving; f follows again', async () => {
    const { store, waitFor, press } = setup();
    feed(store);
    await waitFor('traffic', (s) => s.includes('Traffic 4'));
    await press('p');
    await waitFor('paused', (s) => s.includes('PAUSED +0'));
    for (let i = 0; i < 3; i++) store.ingest({ type: 'message', message: call('CP-2', 'StatusNotification', {}) });
    const f = await waitFor('the count of new frames', (s) => s.includes('PAUSED +3'));
    assert.match(f, /Traffic 4 /);
    assert.doesNotMatch(f, /StatusNotification/);
    await press('f');
    const g = await waitFor('following again', (s) => s.includes('FOLLOW'));
    assert.match(g, /Traffic 7 /);
    assert.match(g, /CALL StatusNotification\s+id/);
  });

  test('? shows help generated from the keymap', async () => {
    // Tall enough for the whole keymap on one screen (smaller terminals scroll it: next test).
    const { store, waitFor, press } = setup({ columns: 140, rows: 70 });
    feed(store);
    await press('?');
    const f = await waitFor('the help', (s) => s.includes('Keys (esc or ? to close)'));
    for (const b of KEYMAP) assert.ok(f.includes(b.description), `help lists "${b.description}"`);
    await press('?');
    await waitFor('help closed', (s) => !s.includes('Keys (esc'));
  });

  test('on a small terminal the help scrolls', async () => {
    const { waitFor, press } = setup({ columns: 80, rows: 24 });
    await press('?');
    const f = await waitFor('the help', (s) => s.includes('j/k to scroll'));
    assert.doesNotMatch(f, /Flags:/);
    await press('G');
    await waitFor('the end of the help', (s) => s.includes('Flags: ! invalid'));
  });

  test('fits 80×24: no line wider than the terminal, one row spare', async () => {
    const { store, waitFor } = setup({ columns: 80, rows: 24 });
    feed(store);
    for (let i = 0; i < 40; i++) store.ingest({ type: 'message', message: call(`CP-LONG-IDENTITY-${i % 7}`, 'TransactionEvent', { seqNo: i }) });
    const f = await waitFor('traffic', (s) => s.includes('CP-LONG'));
    assert.match(f, /CALL TransactionEvent /, 'the action fits');
    const lines = f.split('\n');
    assert.ok(lines.length <= 23, `${lines.length} lines`);
    for (const l of lines) assert.ok([...l].length <= 80, `too wide (${[...l].length}): ${l}`);
    assert.match(f, /q quit/);
  });

  test('rules screen lists hits and toggles the rule under the cursor', async () => {
    const calls: Array<[string, boolean]> = [];
    const { store, waitFor, press } = setup({ columns: 120, rows: 30 }, async (id, enabled) => {
      calls.push([id, enabled]);
    });
    store.rules = [
      ruleView({ id: 'slow-boot', enabled: true, hits: 7, description: 'delay boot answers' }),
      ruleView({ id: 'drop-hb', enabled: false, hits: 0, explain: 'Drops heartbeats.' }),
    ];
    store.changed();
    await press('3');
    const f = await waitFor('the rules', (s) => s.includes('slow-boot'));
    assert.match(f, /slow-boot\s+● on\s+7 {2}delay boot answers/);
    assert.match(f, /drop-hb\s+○ off\s+0 {2}Drops heartbeats\./, 'the explanation where a rule has no description');
    await press(' ');
    await waitFor('the toggle answer', (s) => s.includes('rule slow-boot disabled'));
    await press('j', 'e');
    await waitFor('the second toggle', (s) => s.includes('rule drop-hb enabled'));
    assert.deepEqual(calls, [
      ['slow-boot', false],
      ['drop-hb', true],
    ]);
  });

  test('KPI screen: the KPI engine\'s figures per station, as served (the view recomputes nothing)', async () => {
    const { store, waitFor, press } = setup({ columns: 120, rows: 30 });
    // KPI samples on the stream draw histograms; they do not change the figures, which are GET /api/kpis'.
    const sample = (kpi: 'response_time' | 'csms_response_time', valueMs: number | null) =>
      store.ingest({ type: 'kpi', sample: { kpi, sessionId: 'sess-CP-1', identity: 'CP-1', version: '1.6', action: 'GetConfiguration', endAction: '', messageId: 'x', valueMs, timedOut: valueMs === null, at: 0 } });
    sample('response_time', 5);
    sample('csms_response_time', 40);
    sample('csms_response_time', 60);
    sample('csms_response_time', null);
    await press('2');
    await waitFor('no engine yet', (s) => s.includes('no KPI engine on this proxy'));
    store.kpiApi = [
      kpiSummaryRow({ station: 'CP-1', kpi: 'csms_response_time', count: 2, timeouts: 1, min: 40, avg: 50, max: 60, last: null }),
      kpiSummaryRow({ station: 'CP-2', kpi: 'response_time', count: 3, min: 900, avg: 1500, p95: 2500, max: 2500, last: 2500 }),
    ];
    store.changed();
    const f = await waitFor('the KPIs', (s) => s.includes('csms_response_time'));
    assert.match(f, /KPIs 2 .* KPI engine ─/);
    assert.match(f, /^CP-1\s*$/m, 'the station heads its rows');
    // The engine has no p95 here; the stream's samples (40 and 60 ms over 0–66 ms in 16 bins) draw the histogram.
    assert.match(f, /^csms_response_time\s+2\s+0\.040s\s+0\.050s\s+0\.060s\s+1 {10}█ {4}█\s*$/m, 'the engine\'s figures, the samples\' histogram');
    assert.match(f, /^response_time\s+3\s+0\.900s\s+1\.500s\s+2\.500s\s+2\.500s\s*$/m);
    assert.doesNotMatch(f, /^response_time\s+1\s+0\.005s/m, 'a stream sample is not added up by the view');
    assert.doesNotMatch(f, /certified|verdict/, 'no certified columns when the proxy binds no profiles');
  });

  test('q quits', async () => {
    const { press, quits } = setup();
    await press('q');
    assert.equal(quits.length, 1);
  });
});

describe('detail lines', () => {
  test('a long validation message is wrapped, not cut', () => {
    const message = '"Sleeping" is not one of Available, Preparing, Charging, SuspendedEVSE, SuspendedEV, Finishing, Reserved, Unavailable, Faulted';
    const r = call('CP-1', 'StatusNotification', { status: 'Sleeping' }, { valid: false, issues: [{ path: '/status', rule: 'enum', message }] });
    const lines = detailLines(r, undefined, 60).map((l) => l.text);
    for (const l of lines.slice(0, 6)) assert.ok(l.length <= 60, `too long: ${l}`);
    const joined = lines.join(' ').replace(/\s+/g, ' ');
    assert.ok(joined.includes('Reserved, Unavailable, Faulted [enum]'), joined);
  });
});

describe('view store', () => {
  test('a burst of frames is one notification, and only the visible rows are handed out', async () => {
    const store = new ViewStore({ capacity: 1000 });
    let notified = 0;
    store.subscribe(() => notified++);
    store.ingest({ type: 'session-open', session: session('CP-1') });
    for (let i = 0; i < 5000; i++) store.ingest({ type: 'message', message: call('CP-1', 'Heartbeat', {}) });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(notified, 1);
    assert.equal(store.records.length, 1000, 'the ring keeps its capacity');
    const view = store.visibleRows(12);
    assert.equal(view.rows.length, 12);
    assert.equal(view.rows.at(-1), store.selected, 'following: the newest is selected and shown');
    store.dispose();
  });
});

describe('keymap', () => {
  test('every command has a key, no key means two things on one screen', () => {
    const all: CommandName[] = ['quit', 'help', 'filter', 'back', 'follow', 'pause', 'focus-next', 'focus-prev', 'up', 'down', 'page-up', 'page-down', 'top', 'bottom', 'open', 'partner', 'clear', 'screen-live', 'screen-kpis', 'screen-rules', 'toggle-rule'];
    for (const c of all) assert.ok(KEYMAP.some((b) => b.command === c), `${c} is bound`);
    for (const ctx of ['global', 'live', 'kpis', 'rules']) {
      const keys = KEYMAP.filter((b) => b.context === ctx).flatMap((b) => b.keys);
      assert.equal(new Set(keys).size, keys.length, `duplicate key in ${ctx}`);
    }
  });

  test('a screen binding wins over a global one', () => {
    assert.equal(resolveKey('enter', 'rules'), 'toggle-rule');
    assert.equal(resolveKey('enter', 'live'), 'open');
    assert.equal(resolveKey('j', 'rules'), 'down');
    assert.equal(resolveKey('x', 'live'), undefined);
  });
});
