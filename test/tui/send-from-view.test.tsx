/**
 * Send from the view: every CALL template is valid against its version's schema; live values come from the
 * station's frames; `:send ACTION` and `r` (re-send) go through $EDITOR (a command standing in for it) and the
 * control API to real ocpp-rpc peers in strict mode, and the answer shows up.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createValidator } from '../../src/validation/validator.js';
import { CALL_TEMPLATES } from '../../tui/call-templates.js';
import { liveValues } from '../../tui/live-values.js';
import { connectStation } from '../support/ocpp-peers.js';
import { closeViews, openView, startViewProxy, takeEditorEnv, type ViewProxy } from '../support/view-rig.js';
import { call, result } from './records.js';

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
  let proxy: ViewProxy;
  let restoreEditor: () => void;
  const at16: Array<{ method: string; params: any }> = [];
  const at201: Array<{ method: string; params: any }> = [];
  let station16: Awaited<ReturnType<typeof connectStation>>;

  before(async () => {
    proxy = await startViewProxy('send');
    const { relay } = proxy;
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
    restoreEditor = takeEditorEnv();
  });

  afterEach(closeViews);

  after(async () => {
    restoreEditor();
    await proxy.close();
  });

  async function open() {
    const view = await openView(proxy, (conn) => ({ size: { columns: 140, rows: 36 }, inject: conn }));
    await view.waitFor('both stations', (x) => /CP-16/.test(x) && /CS-201/.test(x));
    return view;
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
    const before = proxy.csms.received.filter((r) => r.method === 'Heartbeat').length;
    await press(':', ...'send Heartbeat csms', ENTER);
    await waitFor('the answer', (x) => /Heartbeat → the CSMS: \[3,".+",\{"currentTime"/.test(x));
    assert.equal(proxy.csms.received.filter((r) => r.method === 'Heartbeat').length, before + 1);
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
