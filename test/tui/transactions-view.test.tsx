/**
 * The transactions screen and its sequence timeline: a 1.6 station behind a 2.0.1 CSMS (translated, real relay,
 * ocpp-rpc peers in strict mode), and a plain 1.6 transaction from recorded frames.
 */
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from 'ink-testing-library';
import { energyOf, transactionsOf } from '../../tui/transactions.js';
import { ViewStore } from '../../tui/view-store.js';
import { startRig } from '../translate/translate-rig.js';
import { renderApp } from '../support/view-rig.js';
import { call, result, session } from './records.js';

const ENTER = '\r';

function setup(store: ViewStore) {
  return renderApp({ size: { columns: 150, rows: 36 } }, store);
}

afterEach(() => cleanup());

describe('transactions', () => {
  test('1.6: the id from the CSMS answer, connector, id tag, energy from meterStart to meterStop', () => {
    const start = call('CP-1', 'StartTransaction', { connectorId: 2, idTag: 'TAG-1', meterStart: 1000, timestamp: 't' });
    const res = result(start, { transactionId: 77, idTagInfo: { status: 'Accepted' } }, { action: 'StartTransaction' });
    const mv = call('CP-1', 'MeterValues', { connectorId: 2, transactionId: 77, meterValue: [{ timestamp: 't', sampledValue: [{ value: '2.5', unit: 'kWh', measurand: 'Energy.Active.Import.Register' }] }] });
    let [tx] = transactionsOf([start, res, mv]);
    assert.ok(tx);
    assert.deepEqual([tx.transactionId, tx.connectorId, tx.idToken, tx.state, energyOf(tx)], ['77', 2, 'TAG-1', 'active', 1500]);
    const stop = call('CP-1', 'StopTransaction', { transactionId: 77, meterStop: 4000, timestamp: 't', reason: 'EVDisconnected' });
    [tx] = transactionsOf([start, res, mv, stop]);
    assert.deepEqual([tx!.state, tx!.stopReason, energyOf(tx!)], ['ended', 'EVDisconnected', 3000]);
    assert.equal(tx!.lastSeq, stop.seq);
    // A StartTransaction the CSMS never answered names no transaction yet.
    assert.deepEqual(transactionsOf([start]), []);
  });

  test('a translated 1.6 → 2.0.1 transaction: listed once, its timeline shows lanes, translation and latencies', async () => {
    const rig = await startRig({ stationVersion: '1.6', identity: 'CP-TX' });
    try {
      await rig.station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'T' });
      const started = (await rig.station.call('StartTransaction', { connectorId: 1, idTag: 'TAG-TX', meterStart: 500, timestamp: new Date().toISOString() })) as { transactionId: number };
      const txId = started.transactionId;
      await rig.station.call('MeterValues', { connectorId: 1, transactionId: txId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '1700', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
      await rig.station.call('StopTransaction', { transactionId: txId, meterStop: 2500, timestamp: new Date().toISOString(), reason: 'Local' });
      await rig.station.call('Heartbeat', {});
      await rig.settle(100);

      const store = new ViewStore({ minNotifyMs: 0 });
      store.ingest({ type: 'session-open', session: { ...session('CP-TX'), id: rig.messages()[0]!.sessionId } });
      for (const m of rig.messages()) store.ingest({ type: 'message', message: m });
      const txs = transactionsOf(store.records);
      assert.equal(txs.length, 1, JSON.stringify(txs));
      const tx = txs[0]!;
      assert.equal(tx.state, 'ended');
      assert.equal(tx.idToken, 'TAG-TX');
      assert.equal(energyOf(tx), 2000);

      const { press, waitFor } = setup(store);
      await waitFor('the view', (x) => x.includes('Traffic'));
      await press('6');
      let f = await waitFor('the transaction row', (x) => /Transactions 1/.test(x) && x.includes('CP-TX'));
      assert.ok(f.includes(`▸ ${tx.transactionId.slice(0, 13)}`), f);
      assert.match(f, /CP-TX\s+1\/1\s+TAG-TX\s+[\d:.]+\s+[\d:.]+\s+2\.00kWh\s+\d+m\d+s ended Local/);
      await press(ENTER);
      f = await waitFor('the timeline', (x) => x.includes(`Transaction ${tx.transactionId} · CP-TX`));
      const lines = f.split('\n');
      // Start: the station's frame crosses both legs, changed by translation; its answer comes back with a latency.
      assert.ok(lines.some((l) => /station ────▶ proxy ────▶ CSMS CALL TransactionEvent .* translation/.test(l)), f);
      const answers = lines.filter((l) => /station ◀──── proxy ◀──── CSMS RES\s+\S+\s+[\d.]+m?s\s+translation/.test(l));
      assert.equal(answers.length, 3, `each event answered, with its latency:\n${f}`);
      // Frames outside the transaction (boot before, heartbeat after) are not in it.
      assert.doesNotMatch(f, /BootNotification|Heartbeat/);
      const events = lines.filter((l) => /CALL TransactionEvent/.test(l)).length;
      assert.equal(events, 3, 'Started, Updated (the meter values), Ended');
      await press('\u001B');
      await waitFor('back to the list', (x) => /Transactions 1/.test(x));

      // The same for the whole session: T on the station, from the live view.
      await press('1', '\t', '\t');
      await press('T');
      f = await waitFor('the session timeline', (x) => x.includes('Session · CP-TX'));
      assert.match(f, /station ────▶ proxy ────▶ CSMS CALL BootNotification/);
      assert.match(f, /station ◀──── proxy ◀──── CSMS RES\s+BootNotification\s+[\d.]+m?s/);
      assert.match(f, /CALL TransactionEvent/);
      await press('\u001B');
      await waitFor('back to the live view', (x) => /─ Stations/.test(x) && /─ Traffic/.test(x));
    } finally {
      await rig.close();
    }
  });
});
