/**
 * A translated session recorded as what each frame was on each leg: a CALL sent as TransactionEvent keeps the
 * StartTransaction it came as (version and action), so `frames --action StartTransaction` finds the CALL and its
 * answer; a Heartbeat that reads the same in both versions is not "modified"; the station's answer to a CALL the
 * proxy made up (and kept from the CSMS) is recorded in the station's version, not the CSMS's.
 * Real relay with validation, translation and the store (chDB); ocpp-rpc peers in strict mode.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { RelayEvent } from '../../src/core/addon.js';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { startRelay } from '../../src/core/relay.js';
import { runFrames } from '../../src/store/frames-command.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import { translateAddon } from '../../src/translate/translate-addon.js';
import { parseTranslateConfig, TranslateRules } from '../../src/translate/translate-config.js';
import { createValidationAddon } from '../../src/validation/validation-addon.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';
import { validator } from './translate-helpers.js';

it('1.6 station, 2.0.1 CSMS: each frame recorded as it was on each leg, queryable by either action', { timeout: 120_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-legs-'));
  const csms = await startCsms({ protocols: ['ocpp2.0.1'] });
  const records: MessageRecord[] = [];
  // Normal priority: on a busy machine an idle-priority store helper may not get to write before the close.
  const store = createStoreAddon({ flushMs: 50, priority: 'normal' });
  const relay = await startRelay({
    upstream: csms.url,
    dataDir,
    addons: [
      createValidationAddon({ mode: 'observe', validator: validator() }),
      translateAddon({ rules: new TranslateRules({ file: parseTranslateConfig(''), upstreamProtocol: 'ocpp2.0.1' }), stateDir: join(dataDir, 'translation') }),
      store,
      { name: 'recorder', observe: (e: RelayEvent) => void (e.type === 'message' && records.push(e.message)) },
    ],
  });
  try {
    const station = await connectStation({
      url: `${relay.url}/ocpp`,
      identity: 'LEG-1',
      protocols: ['ocpp1.6'],
      handlers: { ChangeConfiguration: () => ({ status: 'Accepted' }) },
    });
    await station.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    await station.call('Heartbeat', {});
    await station.call('StartTransaction', { connectorId: 1, idTag: 'TAG-1', meterStart: 0, timestamp: new Date().toISOString() });
    // The CSMS sets a variable: the proxy asks the 1.6 station with a ChangeConfiguration it makes up.
    await (await csms.waitForClient('LEG-1')).call('SetVariables', {
      setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' }],
    });
    await new Promise((r) => setTimeout(r, 300));

    const hb = records.find((m) => m.kind === 'CALL' && m.action === 'Heartbeat')!;
    assert.equal(hb.modified, false, 'the same text in both versions is no modification');
    assert.deepEqual(hb.changedBy, ['translation']);

    const start = records.find((m) => m.kind === 'CALL' && m.direction === 'to-csms' && m.action === 'TransactionEvent')!;
    assert.deepEqual([start.version, start.originalVersion, start.originalAction], ['2.0.1', '1.6', 'StartTransaction']);
    const startAnswer = records.find((m) => m.kind === 'CALLRESULT' && m.messageId === start.messageId)!;
    assert.deepEqual([startAnswer.action, startAnswer.callAction, startAnswer.version, startAnswer.originalVersion], ['StartTransaction', 'TransactionEvent', '1.6', '2.0.1']);

    const madeUp = records.find((m) => m.kind === 'CALL' && m.action === 'ChangeConfiguration')!;
    assert.equal(madeUp.origin, 'translation');
    const kept = records.find((m) => m.kind === 'CALLRESULT' && m.messageId === madeUp.messageId)!;
    assert.ok(kept.dropped, 'the station\'s answer went to the proxy, not to the CSMS');
    assert.equal(kept.version, '1.6', 'it only ever was on the station\'s (1.6) leg');
    await station.close();
    await new Promise((r) => setTimeout(r, 200)); // the observer queue
    await store.flush();
  } finally {
    await relay.close();
    await csms.close();
  }
  const out: string[] = [];
  await runFrames({ dataDir, action: 'StartTransaction', format: 'json' }, (s) => void out.push(s));
  const rows = JSON.parse(out.join('')) as Array<{ kind: string; action: string }>;
  assert.deepEqual(rows.map((r) => [r.kind, r.action]), [
    ['CALL', 'TransactionEvent'],
    ['CALLRESULT', 'StartTransaction'],
  ], 'found by the station leg\'s action: the CALL too, not only its answer');
  await rm(dataDir, { recursive: true, force: true });
});

it('the live view says both legs: "StartTransaction → TransactionEvent", "OCPP 1.6 → 2.0.1"; action: matches either', async () => {
  const { detailLines } = await import('../../tui/detail-lines.js');
  const { parseFilter } = await import('../../src/control/event-filter.js');
  const { messageRecord } = await import('../support/message-record.js');
  const r = messageRecord({ kind: 'CALL', action: 'TransactionEvent', originalAction: 'StartTransaction', version: '2.0.1', originalVersion: '1.6', direction: 'to-csms', identity: 'LEG-1', modified: true, text: '[2,"a","TransactionEvent",{}]', original: '[2,"a","StartTransaction",{}]' });
  const head = detailLines(r, undefined, 120)[0]!.text;
  assert.match(head, /^CALL StartTransaction → TransactionEvent {2}id .* OCPP 1\.6 → 2\.0\.1 /);
  for (const q of ['action:StartTransaction', 'action:TransactionEvent']) {
    const f = parseFilter(q);
    assert.ok(f.ok && f.filter.matchRecord(r), q);
  }
});
