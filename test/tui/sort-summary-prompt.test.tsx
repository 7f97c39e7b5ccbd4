/**
 * Station sorting (S and :sort), the summary screen (counts per action and per error code of the filtered
 * frames) and the `:` prompt, rendered with ink-testing-library on a real view store.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import { parseCapture } from '../../src/capture/parse-capture.js';
import { parseHar } from '../../src/capture/har.js';
import { emptyCounters, type SessionCounters } from '../../src/control/traffic-counters.js';
import { ViewStore } from '../../tui/view-store.js';
import { call, result, session } from './records.js';
import { renderApp } from '../support/view-rig.js';

const ENTER = '\r';

function setup(setRuleEnabled?: (id: string, enabled: boolean) => Promise<void>) {
  return renderApp({ size: { columns: 120, rows: 36 }, setRuleEnabled });
}

const counters = (over: Partial<SessionCounters>): SessionCounters => ({ ...emptyCounters(), ...over });

/** Three stations whose order differs by every key. */
function stations(store: ViewStore) {
  store.setSessions([
    { ...session('CP-A', '2.0.1'), counters: counters({ toCsms: 5, toStation: 5, callErrors: 1, lastLatencyMs: 30, lastFrameAt: 3 }) },
    { ...session('CP-B', '1.6'), counters: counters({ toCsms: 50, toStation: 40, invalid: 4, lastLatencyMs: 10, lastFrameAt: 1 }) },
    { ...session('CP-C', '2.1'), counters: counters({ toCsms: 1, toStation: 0, lastLatencyMs: 900, lastFrameAt: 2 }) },
  ]);
}

/** Station identities in the order the table shows them. */
const order = (frame: string): string[] => [...frame.matchAll(/^(CP-[ABC])\s/gm)].map((m) => m[1]!);

afterEach(() => cleanup());

describe('station sorting', () => {
  test('S cycles identity → version → errors → latency → frames → seen; the title says which', async () => {
    const { store, waitFor, press } = setup();
    stations(store);
    let f = await waitFor('the table', (x) => order(x).length === 3);
    assert.deepEqual(order(f), ['CP-A', 'CP-B', 'CP-C']);
    assert.match(f, /by identity ↑/);
    const expected: Array<[string, string[]]> = [
      ['version ↑', ['CP-B', 'CP-A', 'CP-C']],
      ['errors ↓', ['CP-B', 'CP-A', 'CP-C']],
      ['latency ↓', ['CP-C', 'CP-A', 'CP-B']],
      ['frames ↓', ['CP-B', 'CP-A', 'CP-C']],
      ['seen ↓', ['CP-A', 'CP-C', 'CP-B']],
    ];
    for (const [label, want] of expected) {
      await press('S');
      f = await waitFor(label, (x) => x.includes(`by ${label}`));
      assert.deepEqual(order(f), want, label);
    }
  });

  test(':sort sets key and order; closed stations stay below open ones', async () => {
    const { store, waitFor, press } = setup();
    stations(store);
    await press(':', ...'sort lat asc', ENTER);
    let f = await waitFor('latency ascending', (x) => x.includes('by latency ↑'));
    assert.deepEqual(order(f), ['CP-B', 'CP-A', 'CP-C']);
    store.ingest({ type: 'session-close', session: session('CP-B', '1.6'), close: { initiator: 'station', code: 1000, reason: '', closedAt: 5 } });
    f = await waitFor('CP-B closed', (x) => /CP-B.*closed/.test(x));
    assert.deepEqual(order(f), ['CP-A', 'CP-C', 'CP-B']);
    await press(':', ...'sort nonsense', ENTER);
    await waitFor('the usage', (x) => /usage: :sort identity\|version\|errors\|latency\|frames\|seen/.test(x));
  });
});

describe('summary screen', () => {
  test('counts per action and per error code, of the filtered frames only', async () => {
    const { store, waitFor, press } = setup();
    store.ingest({ type: 'session-open', session: session('CP-1') });
    store.ingest({ type: 'session-open', session: session('CP-2') });
    const boot = call('CP-1', 'BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' });
    const hb1 = call('CP-1', 'Heartbeat', {});
    const hb2 = call('CP-2', 'Heartbeat', {});
    const auth = call('CP-2', 'Authorize', { idTag: 'X' });
    const authErr = { ...result(auth, {}), kind: 'CALLERROR' as const, text: JSON.stringify([4, auth.messageId, 'NotSupported', 'no', {}]), latencyMs: 40 };
    const badHb = call('CP-2', 'Heartbeat', { extra: 1 }, { valid: false, errorCode: 'FormationViolation' });
    for (const m of [boot, result(boot, { status: 'Accepted' }, { latencyMs: 250 }), hb1, hb2, auth, authErr, badHb]) store.ingest({ type: 'message', message: m });
    await press('5');
    let f = await waitFor('the summary', (x) => /Summary 7 frames/.test(x));
    assert.match(f, /Heartbeat\s+3\s+0\s+0/);
    assert.match(f, /BootNotification\s+1\s+1\s+0\s+250ms/);
    assert.match(f, /Authorize\s+1\s+0\s+1\s+40ms/);
    assert.match(f, /NotSupported\s+1\s+CALLERROR sent/);
    assert.match(f, /FormationViolation\s+1\s+schema/);
    assert.match(f, /all frames in memory/);
    await press(':', ...'filter station:CP-1', ENTER);
    f = await waitFor('the filtered summary', (x) => /Summary 3 frames/.test(x));
    assert.match(f, /filter station:CP-1/);
    assert.doesNotMatch(f, /Authorize|NotSupported/);
    assert.match(f, /no errors/);
  });
});

describe(': prompt', () => {
  test(':rule off ID goes through the control API; a unique prefix works; unknown commands list the known', async () => {
    const calls: string[] = [];
    const { waitFor, press } = setup(async (id, enabled) => void calls.push(`${id}=${enabled}`));
    await waitFor('the first frame', (x) => x.includes('Traffic'));
    await press(':');
    await waitFor('the prompt', (x) => /^:\s*$/m.test(x));
    await press(...'ru off slow-boot', ENTER);
    await waitFor('the answer', (x) => x.includes('rule slow-boot disabled'));
    assert.deepEqual(calls, ['slow-boot=false']);
    await press(':', ...'bogus', ENTER);
    await waitFor('the list', (x) => /unknown command :bogus .*:filter TEXT/.test(x));
    await press(':', ...'filter kind:nonsense', ENTER);
    await waitFor('the filter error', (x) => /filter: .*nonsense/.test(x));
    await press(':', ...'intercept x', ENTER);
    await waitFor('no intercept', (x) => x.includes('this proxy has no intercept'));
  });
});

describe(':export', () => {
  test('writes the filtered frames as a capture (JSON lines, or HAR for .har) that import reads back; never overwrites', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-view-export-'));
    try {
      const { store, waitFor, press } = setup();
      store.ingest({ type: 'session-open', session: session('CP-1') });
      const boot = call('CP-1', 'BootNotification', { chargePointVendor: 'A', chargePointModel: 'B' });
      const hb = call('CP-2', 'Heartbeat', {});
      for (const m of [boot, result(boot, { status: 'Accepted' }), hb]) store.ingest({ type: 'message', message: m });
      await waitFor('the traffic', (x) => x.includes('Heartbeat'));
      const file = join(dir, 'cp1.jsonl');
      await press(':', ...'filter station:CP-1', ENTER);
      await press(':', ...`export ${file}`, ENTER);
      await waitFor('the export', (x) => x.includes('exported 2 frames of 1 session(s) to'));
      const capture = parseCapture(await readFile(file, 'utf8'));
      assert.deepEqual(capture.sessions.map((s) => [s.session, s.station, s.stationProtocol]), [['sess-CP-1', 'CP-1', 'ocpp1.6']]);
      assert.deepEqual(capture.frames.map((f) => [f.station, f.kind, f.messageId, f.received]), [
        ['CP-1', 'CALL', boot.messageId, boot.text],
        ['CP-1', 'CALLRESULT', boot.messageId, JSON.stringify([3, boot.messageId, { status: 'Accepted' }])],
      ]);
      await press(':', ...`export ${file}`, ENTER);
      await waitFor('the refusal', (x) => x.includes('exists: give a new file name'));

      const har = join(dir, 'cp1.har');
      await press(':', ...`export ${har}`, ENTER);
      await waitFor('the HAR export', (x) => x.includes('(har)'));
      const back = parseHar(JSON.parse(await readFile(har, 'utf8')));
      assert.deepEqual(back.frames.map((f) => [f.kind, f.messageId]), [['CALL', boot.messageId], ['CALLRESULT', boot.messageId]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe(':goto', () => {
  test('selects the first frame in view at or after the time; says so when there is none or the time is wrong', async () => {
    const { store, waitFor, press } = setup();
    const at = (h: number, m: number): number => new Date(2026, 0, 1, h, m, 0).getTime() * 1000;
    store.ingest({ type: 'message', message: call('CP-1', 'Heartbeat', {}, { receivedAt: at(10, 0) }) });
    store.ingest({ type: 'message', message: call('CP-1', 'Authorize', { idTag: 'T' }, { receivedAt: at(10, 5) }) });
    store.ingest({ type: 'message', message: call('CP-1', 'DataTransfer', { vendorId: 'v' }, { receivedAt: at(10, 10) }) });
    await waitFor('the newest selected', (x) => /CALL DataTransfer\s+id/.test(x));
    await press(':', ...'goto 10:04', ENTER);
    await waitFor('Authorize selected', (x) => /CALL Authorize\s+id/.test(x));
    assert.equal(store.selected?.action, 'Authorize');
    assert.equal(store.follow, false);
    await press(':', ...'goto 10:00:00.000', ENTER);
    await waitFor('Heartbeat selected', (x) => /CALL Heartbeat\s+id/.test(x));
    await press(':', ...'goto 11:00', ENTER);
    await waitFor('none after', (x) => x.includes('goto: no frame in view at or after 11:00'));
    await press(':', ...'goto 25:99', ENTER);
    await waitFor('not a time', (x) => x.includes('goto: "25:99" is not a time of day'));
  });
});

describe('80×24', () => {
  test('the summary, transactions and intercept screens fit: no line wider than 80, one row spare', async () => {
    const { store, waitFor, press } = renderApp({ size: { columns: 80, rows: 24 } });
    stations(store);
    for (let i = 0; i < 30; i++) {
      const start = call(`CP-LONG-IDENTITY-${i}`, 'StartTransaction', { connectorId: 1, idTag: `TAG-WITH-A-LONG-NAME-${i}`, meterStart: 0, timestamp: 't' });
      store.ingest({ type: 'message', message: start });
      store.ingest({ type: 'message', message: result(start, { transactionId: 100000 + i, idTagInfo: { status: 'Accepted' } }, { action: 'StartTransaction' }) });
    }
    store.setIntercept({ filter: 'action:RemoteStartTransaction dir:to-station', timeoutMs: 60_000, held: [] });
    const fits = (f: string, what: string): void => {
      const lines = f.split('\n');
      assert.ok(lines.length <= 23, `${what}: ${lines.length} lines`);
      for (const l of lines) assert.ok([...l].length <= 80, `${what}: too wide (${[...l].length}): ${l}`);
    };
    await press('5');
    fits(await waitFor('the summary', (x) => /Summary 60 frames/.test(x)), 'summary');
    await press('6');
    fits(await waitFor('the transactions', (x) => /Transactions 30/.test(x)), 'transactions');
    await press('\r');
    fits(await waitFor('a timeline', (x) => /Transaction 1000\d\d ·/.test(x)), 'timeline');
    await press('4');
    fits(await waitFor('the intercept', (x) => /Intercept 0 held/.test(x)), 'intercept');
  });
});
