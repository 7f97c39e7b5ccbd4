/** The shipped example files, loaded as they are, doing what their comments say — with real 1.6 and 2.0.1 peers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BOOT_16, BOOT_201, startHarness, waitFor } from './rules-harness.js';

const example = (name: string): Promise<string> => readFile(new URL(`../../rules/examples/${name}`, import.meta.url), 'utf8');

async function examples(...names: string[]): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await example(n)] as const)));
}

test('examples on OCPP 1.6: tokens rewritten, every third Authorize refused, remote start refused, duplicates, corrupt meter value, trigger after boot', async () => {
  const h = await startHarness({
    files: await examples(
      'authorize-every-third-rejected.yaml',
      'id-token-rewritten.yaml',
      'remote-start-rejected.yaml',
      'status-notification-duplicated.yaml',
      'meter-value-corrupted.yaml',
      'trigger-after-boot.yaml',
    ),
  });
  try {
    const triggers: unknown[] = [];
    let remoteStarts = 0;
    const cp = await h.station('CP-1', {
      handlers: {
        TriggerMessage: (p) => (triggers.push(p), { status: 'Accepted' }),
        RemoteStartTransaction: () => (remoteStarts++, { status: 'Accepted' }),
      },
    });
    await cp.call('BootNotification', BOOT_16);
    await waitFor(() => triggers.length === 1, 'the TriggerMessage a second after boot');
    assert.deepEqual(triggers, [{ requestedMessage: 'StatusNotification' }]);

    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push(((await cp.call('Authorize', { idTag: 'REAL-TAG' })) as { idTagInfo: { status: string } }).idTagInfo.status);
    assert.deepEqual(statuses, ['Accepted', 'Accepted', 'Invalid']);
    assert.deepEqual(
      h.csms.received.filter((r) => r.method === 'Authorize').map((r) => r.params.idTag),
      ['UNKNOWN-TAG', 'UNKNOWN-TAG', 'UNKNOWN-TAG'],
    );

    const client = await h.csms.waitForClient('CP-1');
    assert.deepEqual(await client.call('RemoteStartTransaction', { idTag: 'REAL-TAG', connectorId: 1 }), { status: 'Rejected' });
    assert.equal(remoteStarts, 0, 'the station never saw the request');

    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    await waitFor(() => h.csms.received.filter((r) => r.method === 'StatusNotification').length === 2, 'the duplicate');

    const timestamp = new Date().toISOString();
    await cp.call('MeterValues', { connectorId: 1, meterValue: [{ timestamp, sampledValue: [{ value: '1234.5' }] }] });
    const mv = h.csms.received.find((r) => r.method === 'MeterValues')!;
    assert.equal(mv.params.meterValue[0].sampledValue[0].value, '999999999999');
  } finally {
    await h.close();
  }
});

test('examples on OCPP 2.0.1: idToken rewritten, every third Authorize refused, RequestStartTransaction refused, corrupt meter value, reset after a started transaction', async () => {
  const h = await startHarness({
    files: await examples(
      'authorize-every-third-rejected.yaml',
      'id-token-rewritten.yaml',
      'remote-start-rejected.yaml',
      'meter-value-corrupted.yaml',
      'disconnect-after-transaction-start.yaml',
    ),
  });
  try {
    const cp = await h.station('CP-2', {
      protocols: ['ocpp2.0.1'],
      handlers: { RequestStartTransaction: () => ({ status: 'Accepted' }) },
    });
    await cp.call('BootNotification', BOOT_201);
    const idToken = { idToken: 'REAL', type: 'ISO14443' };
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push(((await cp.call('Authorize', { idToken })) as { idTokenInfo: { status: string } }).idTokenInfo.status);
    assert.deepEqual(statuses, ['Accepted', 'Accepted', 'Invalid']);
    assert.ok(h.csms.received.filter((r) => r.method === 'Authorize').every((r) => r.params.idToken.idToken === 'UNKNOWN-TOKEN'));

    const client = await h.csms.waitForClient('CP-2');
    assert.deepEqual(await client.call('RequestStartTransaction', { idToken, remoteStartId: 1 }), { status: 'Rejected' });

    const timestamp = new Date().toISOString();
    await cp.call('MeterValues', { evseId: 1, meterValue: [{ timestamp, sampledValue: [{ value: 12.5 }] }] });
    assert.equal(h.csms.received.find((r) => r.method === 'MeterValues')!.params.meterValue[0].sampledValue[0].value, -1000);

    // The Started TransactionEvent reaches the CSMS, then the connection is reset.
    const closed = new Promise<number>((resolve) => cp.once('close', ({ code }: { code: number }) => resolve(code)));
    const started = cp.call('TransactionEvent', {
      eventType: 'Started',
      timestamp,
      triggerReason: 'Authorized',
      seqNo: 0,
      transactionInfo: { transactionId: 'TX-1' },
      idToken,
    });
    started.catch(() => undefined);
    assert.equal(await closed, 1006);
    await waitFor(() => h.csms.received.some((r) => r.method === 'TransactionEvent'), 'the CSMS to have the Started event');
    assert.equal(h.csms.received.find((r) => r.method === 'TransactionEvent')!.params.idToken.idToken, 'UNKNOWN-TOKEN');
  } finally {
    await h.close();
  }
});
