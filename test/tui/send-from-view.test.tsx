/**
 * Send from the view: every CALL template is valid against its version's schema; live values come from the
 * station's frames; `:send ACTION` and `r` (re-send) go through $EDITOR (a command standing in for it) and the
 * control API to real ocpp-rpc peers in strict mode, and the answer shows up.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render, cleanup } from 'ink-testing-library';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { createValidator } from '../../src/validation/validator.js';
import { CALL_TEMPLATES } from '../../tui/call-templates.js';
import { App } from '../../tui/components/app.js';
import { ControlConnection } from '../../tui/control-connection.js';
import { liveValues } from '../../tui/live-values.js';
import { ViewStoreContext } from '../../tui/use-view-store.js';
import { ViewStore } from '../../tui/view-store.js';
import { connectStation, startCsms, type TestCsms } from '../support/ocpp-peers.js';
import { call, result } from './records.js';
import { inkDriver } from '../support/ink-driver.js';

const ENTER = '\r';

describe('CALL templates', () => {
  const validator = createValidator({ lazy: true });
  for (const version of ['1.6', '2.0.1', '2.1'] as const) {
    test(`every ${version} template meets the ${version} schema, bare and with live values`, () => {
      const filled = version === '1.6' ? { connectorId: 2, transactionId: '1001', idToken: 'TAG-1' } : { connectorId: 1, evseId: 2, transactionId: 'tx-9', idToken: 'TAG-1' };
      for (const t of CALL_TEMPLATES[version]) {
        for (const values of [{}, filled]) {
          const r = validator.validate(version, 'request', t.action, t.payload(values));
          assert.ok(r.valid, `${version} ${t.action} ${JSON.stringify(values)}: ${r.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
        }
      }
    });
  }
});

describe('live values', () => {
  test('1.6: connector, id tag and the transaction id the CSMS gave, newest first', () => {
    const status = call('CP', 'StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Charging' });
    const start = call('CP', 'StartTransaction', { connectorId: 2, idTag: 'TAG-7', meterStart: 0, timestamp: 't' });
    const records = [call('CP', 'StatusNotification', { connectorId: 1 }), status, start, result(start, { transactionId: 4242, idTagInfo: { status: 'Accepted' } }, { action: 'StartTransaction' })];
    assert.deepEqual(liveValues(records, records[0]!.sessionId), { connectorId: 2, evseId: undefined, idToken: 'TAG-7', transactionId: '4242' });
    assert.deepEqual(liveValues(records, 'another-session'), {});
  });

  test('2.0.1: EVSE, connector and the station-made transaction id from TransactionEvent', () => {
    const ev = call('CS', 'TransactionEvent', { eventType: 'Started', transactionInfo: { transactionId: 'tx-abc' }, evse: { id: 3, connectorId: 1 }, idToken: { idToken: 'TOK', type: 'ISO14443' } }, { version: '2.0.1' });
    const v = liveValues([ev], ev.sessionId);
    assert.deepEqual(v, { connectorId: 1, evseId: 3, idToken: 'TOK', transactionId: 'tx-abc' });
  });
});

describe('send from the view', () => {
  let dir: string;
  let csms: TestCsms;
  let relay: Relay;
  let conn: ControlConnection | undefined;
  const at16: Array<{ method: string; params: any }> = [];
  const at201: Array<{ method: string; params: any }> = [];
  let station16: Awaited<ReturnType<typeof connectStation>>;
  const editorBefore = process.env.EDITOR;
  const visualBefore = process.env.VISUAL;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-send-'));
    csms = await startCsms();
    relay = await startRelay({ upstream: csms.url, addons: [createControlAddon({ dataDir: dir })], dataDir: dir });
    const h16 = (method: string, answer: unknown) => [method, (params: any) => (at16.push({ method, params }), answer)] as const;
    station16 = await connectStation({
      url: `${relay.url}/CP-16`,
      identity: 'CP-16',
      handlers: Object.fromEntries([h16('Reset', { status: 'Accepted' }), h16('RemoteStopTransaction', { status: 'Accepted' })]),
    });
    await connectStation({
      url: `${relay.url}/CS-201`,
      identity: 'CS-201',
      protocols: ['ocpp2.0.1'],
      handlers: { RequestStartTransaction: (params: any) => (at201.push({ method: 'RequestStartTransaction', params }), { status: 'Accepted' }) },
    });
    delete process.env.VISUAL;
  });

  afterEach(() => {
    conn?.stop();
    conn = undefined;
    cleanup();
  });

  after(async () => {
    if (editorBefore === undefined) delete process.env.EDITOR;
    else process.env.EDITOR = editorBefore;
    if (visualBefore !== undefined) process.env.VISUAL = visualBefore;
    await relay.close();
    await csms.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function open() {
    const store = new ViewStore({ minNotifyMs: 0 });
    const info = JSON.parse(await readFile(join(dir, 'control.json'), 'utf8')) as { url: string; token: string };
    conn = new ControlConnection({ url: info.url, token: info.token }, store, { pollMs: 200 });
    conn.start();
    const r = render(
      <ViewStoreContext.Provider value={store}>
        <App size={{ columns: 140, rows: 36 }} inject={conn} />
      </ViewStoreContext.Provider>,
    );
    const d = inkDriver(r);
    await d.waitFor('both stations', (x) => /CP-16/.test(x) && /CS-201/.test(x));
    return { store, ...d };
  }

  test(':send Reset to the station under the cursor: the station gets it, the answer shows', async () => {
    const { press, waitFor } = await open();
    process.env.EDITOR = 'true';
    await press('\t', '\t'); // traffic → detail → stations
    await press(':', ...'send Reset', ENTER);
    await waitFor('the answer', (x) => /Reset → CP-16: \[3,".+",\{"status":"Accepted"\}\]/.test(x));
    assert.deepEqual(at16.at(-1), { method: 'Reset', params: { type: 'Soft' } });
  });

  test('live values fill the template: RemoteStopTransaction carries the transaction the CSMS gave', async () => {
    await station16.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Charging' });
    await station16.call('StartTransaction', { connectorId: 2, idTag: 'TAG-LIVE', meterStart: 0, timestamp: new Date().toISOString() });
    const { press, waitFor } = await open();
    await waitFor('the StartTransaction answer', (x) => /RES\s+StartTransaction/.test(x));
    process.env.EDITOR = 'true';
    await press('\t', '\t');
    await press(':', ...'send RemoteStop', ENTER);
    await waitFor('the answer', (x) => /RemoteStopTransaction → CP-16: \[3/.test(x));
    // The test CSMS gives transaction 1001.
    assert.deepEqual(at16.at(-1), { method: 'RemoteStopTransaction', params: { transactionId: 1001 } });
  });

  test(':send Heartbeat csms speaks as the station to the CSMS; an ambiguous name asks which', async () => {
    const { press, waitFor } = await open();
    process.env.EDITOR = 'true';
    await press('\t', '\t');
    await press(':', ...'send Data', ENTER);
    await waitFor('the question', (x) => /which one\? DataTransfer, DataTransfer csms/.test(x));
    const before = csms.received.filter((r) => r.method === 'Heartbeat').length;
    await press(':', ...'send Heartbeat csms', ENTER);
    await waitFor('the answer', (x) => /Heartbeat → the CSMS: \[3,".+",\{"currentTime"/.test(x));
    assert.equal(csms.received.filter((r) => r.method === 'Heartbeat').length, before + 1);
  });

  test('a 2.0.1 station gets a 2.0.1 RequestStartTransaction; r re-sends the selected CALL as edited', async () => {
    const { press, waitFor } = await open();
    process.env.EDITOR = 'true';
    await press('\t', '\t', 'j');
    await waitFor('CS-201 under the cursor', (x) => /▸?\s*CS-201/.test(x));
    await press(':', ...'send RequestStart', ENTER);
    await waitFor('the answer', (x) => /RequestStartTransaction → CS-201: \[3/.test(x));
    const sent = at201.at(-1)!.params;
    assert.deepEqual(sent.idToken, { idToken: 'OPERATOR', type: 'Central' });

    // Back to the traffic, select that CALL, and send it again with another id token.
    await press('\t');
    await press('/', ...'station:CS-201 action:RequestStart* kind:call', ENTER);
    await waitFor('the filtered CALL', (x) => /CALL RequestStartTransaction/.test(x));
    process.env.EDITOR = `sed -i s/OPERATOR/RESENT/`;
    await press('r');
    await waitFor('the second answer', (x) => /RequestStartTransaction → CS-201: \[3/.test(x) && at201.length === 2);
    assert.deepEqual(at201.at(-1)!.params.idToken, { idToken: 'RESENT', type: 'Central' });
  });
});
