/**
 * Translation state is durable: the relay is closed mid-transaction and a new one started on the same data folder;
 * the station reconnects and its stop maps to the same transaction.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { StateStore } from '../../src/translate/state-store.js';
import { assertAllValid, lastAt, startRig } from './translate-rig.js';

const now = (): string => new Date().toISOString();

it('1.6 station: StopTransaction after a proxy restart ends the same 2.0.1 transaction, seqNo going on', async () => {
  const rig = await startRig({ stationVersion: '1.6', identity: 'CP-RESTART-16' });
  try {
    const start: any = await rig.station.call('StartTransaction', { connectorId: 1, idTag: 'T1', meterStart: 0, timestamp: now() });
    await rig.station.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: now(), sampledValue: [{ value: '100' }] }] });
    const txId = lastAt(rig.csms, 'TransactionEvent').transactionInfo.transactionId;

    await rig.restartRelay();
    const saved = JSON.parse(await readFile(join(rig.dataDir, 'translation', 'CP-RESTART-16.json'), 'utf8'));
    assert.equal(saved.txs[0].id, txId, 'the state file holds the transaction');
    await rig.reconnectStation();

    await rig.station.call('StopTransaction', { transactionId: start.transactionId, meterStop: 900, timestamp: now() });
    const ended = lastAt(rig.csms, 'TransactionEvent');
    assert.equal(ended.eventType, 'Ended');
    assert.equal(ended.transactionInfo.transactionId, txId);
    assert.equal(ended.seqNo, 2);
    // a new transaction after the restart gets a fresh integer, not a reused one
    const next: any = await rig.station.call('StartTransaction', { connectorId: 1, idTag: 'T1', meterStart: 900, timestamp: now() });
    assert.equal(next.transactionId, start.transactionId + 1);
    await rig.settle();
    assertAllValid(rig);
  } finally {
    await rig.close();
  }
});

it('2.0.1 station: TransactionEvent Ended after a proxy restart stops the 1.6 transaction the CSMS numbered', async () => {
  const rig = await startRig({ stationVersion: '2.0.1', identity: 'CP-RESTART-201', csmsHandlers: { StartTransaction: () => ({ transactionId: 4242, idTagInfo: { status: 'Accepted' } }) } });
  try {
    await rig.station.call('TransactionEvent', { eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'TX-R' }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'T2', type: 'ISO14443' } });
    await rig.restartRelay();
    await rig.reconnectStation();
    await rig.station.call('TransactionEvent', { eventType: 'Ended', timestamp: now(), triggerReason: 'StopAuthorized', seqNo: 1, transactionInfo: { transactionId: 'TX-R', stoppedReason: 'Local' }, meterValue: [{ timestamp: now(), sampledValue: [{ value: 77, context: 'Transaction.End' }] }] });
    const stop = lastAt(rig.csms, 'StopTransaction');
    assert.deepEqual([stop.transactionId, stop.meterStop, stop.reason], [4242, 77, 'Local']);
    assert.equal(rig.csms.received.filter((r) => r.method === 'StartTransaction').length, 1, 'no second StartTransaction after the restart');
    await rig.settle();
    assertAllValid(rig);
  } finally {
    await rig.close();
  }
});

it('the state store writes atomically and reads back what it wrote', async (t) => {
  const { mkdtemp, readdir, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-state-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const a = new StateStore(dir);
  const s = a.get('CP/with:odd id');
  s.nextTxInt = 42;
  a.changed('CP/with:odd id');
  await a.flush();
  assert.deepEqual(await readdir(dir), [`${encodeURIComponent('CP/with:odd id')}.json`], 'no temp file left behind');
  assert.equal(new StateStore(dir).get('CP/with:odd id').nextTxInt, 42);
});
