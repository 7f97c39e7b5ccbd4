/** Every action, with real ocpp-rpc peers in strict mode through the real relay. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { BOOT_16, sleep, startHarness, waitFor } from './rules-harness.js';

const rulesYaml = (body: string): Record<string, string> => ({ 'rules.yaml': `rules:\n${body}` });

test('set, delete and rename rewrite the payload; the record keeps the original and the rule id', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: rewrite-boot
    match: { direction: to-csms, type: CALL, action: BootNotification }
    actions:
      - set: { /chargePointModel: Rewritten }
      - delete: /chargePointSerialNumber
      - rename: { /firmwareVersion: meterType }
`),
  });
  try {
    const cp = await h.station('CP-1');
    const res = await cp.call('BootNotification', { ...BOOT_16, chargePointSerialNumber: 'SN-1', firmwareVersion: '1.0' });
    assert.equal((res as { status: string }).status, 'Accepted');
    const got = h.csms.received.find((r) => r.method === 'BootNotification')!;
    assert.deepEqual(got.params, { chargePointVendor: 'Vendor', chargePointModel: 'Rewritten', meterType: '1.0' });
    // The renamed key keeps its place among its siblings.
    assert.deepEqual(Object.keys(got.params), ['chargePointVendor', 'chargePointModel', 'meterType']);
    await waitFor(() => h.records.some((r) => r.action === 'BootNotification' && r.kind === 'CALL'), 'the CALL record');
    const rec = h.records.find((r) => r.action === 'BootNotification' && r.kind === 'CALL')!;
    assert.equal(rec.modified, true);
    assert.deepEqual(rec.changedBy, ['rewrite-boot']);
    assert.deepEqual(rec.ruleIds, ['rewrite-boot']);
    assert.match(rec.original!, /SN-1/);
    assert.doesNotMatch(rec.text, /SN-1/);
  } finally {
    await h.close();
  }
});

test('replace swaps the payload of an answer', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: fixed-time
    match: { direction: to-station, type: CALLRESULT, action: Heartbeat }
    actions:
      - replace: { currentTime: "2001-02-03T04:05:06.000Z" }
`),
  });
  try {
    const cp = await h.station('CP-1');
    const res = (await cp.call('Heartbeat', {})) as { currentTime: string };
    assert.equal(res.currentTime, '2001-02-03T04:05:06.000Z');
  } finally {
    await h.close();
  }
});

test('delay holds the frame, and the relay records the delay as added on purpose', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: slow-boot
    match: { direction: to-station, type: CALLRESULT, action: BootNotification }
    actions:
      - delay: 400
`),
  });
  try {
    const cp = await h.station('CP-1');
    const t0 = performance.now();
    await cp.call('BootNotification', BOOT_16);
    assert.ok(performance.now() - t0 >= 390, 'the answer came no sooner than the delay');
    await waitFor(() => h.records.some((r) => r.kind === 'CALLRESULT'), 'the answer record');
    const rec = h.records.find((r) => r.kind === 'CALLRESULT')!;
    assert.equal(rec.ruleDelayMs, 400);
    assert.deepEqual(rec.changedBy, ['slow-boot']);
    assert.equal(rec.modified, false, 'a delay does not change the bytes');
  } finally {
    await h.close();
  }
});

test('drop keeps the frame from its receiver and records who dropped it', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: lose-heartbeat
    match: { direction: to-csms, action: Heartbeat }
    actions:
      - drop: { reason: lost on purpose }
`),
  });
  try {
    const cp = await h.station('CP-1', { callTimeoutMs: 400 });
    await assert.rejects(cp.call('Heartbeat', {}), /timed out|timeout/i);
    assert.equal(h.csms.received.filter((r) => r.method === 'Heartbeat').length, 0);
    await waitFor(() => h.records.some((r) => r.action === 'Heartbeat'), 'the dropped record');
    const rec = h.records.find((r) => r.action === 'Heartbeat')!;
    assert.deepEqual(rec.dropped, { by: 'lose-heartbeat', reason: 'lost on purpose' });
    assert.deepEqual(rec.ruleIds, ['lose-heartbeat']);
  } finally {
    await h.close();
  }
});

test('duplicate sends a CALL twice; the sender gets one answer, the copy\'s answer is dropped by the rule', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: twice
    match: { direction: to-csms, type: CALL, action: StatusNotification }
    actions:
      - duplicate: { count: 1, delayMs: 50 }
`),
  });
  try {
    const raw = await h.raw('CP-1');
    raw.send(JSON.stringify([2, 'sn-1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }]));
    assert.deepEqual(await raw.next(), [3, 'sn-1', {}]);
    await waitFor(() => h.csms.received.filter((r) => r.method === 'StatusNotification').length === 2, 'the CSMS to receive the copy');
    await waitFor(() => h.records.filter((r) => r.kind === 'CALLRESULT').length === 2, 'both answers recorded');
    await sleep(100);
    assert.equal(raw.messages.length, 0, 'the station got exactly one answer');
    const copy = h.records.find((r) => r.kind === 'CALL' && r.origin === 'rule')!;
    assert.equal(copy.madeBy, 'twice');
    assert.equal(copy.messageId, 'sn-1');
    const answers = h.records.filter((r) => r.kind === 'CALLRESULT');
    assert.equal(answers[0]!.dropped, undefined);
    assert.equal(answers[1]!.dropped?.by, 'twice');
  } finally {
    await h.close();
  }
});

test('answer replies to the sender with a CALLRESULT or a CALLERROR, without forwarding', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: block-tag
    match: { direction: to-csms, type: CALL, action: Authorize, where: { /idTag: BAD } }
    actions:
      - answer: { payload: { idTagInfo: { status: Blocked } } }
  - id: no-data-transfer
    match: { direction: to-csms, action: DataTransfer }
    actions:
      - answer: { error: { code: NotSupported, description: not here } }
`),
  });
  try {
    const cp = await h.station('CP-1');
    assert.deepEqual(await cp.call('Authorize', { idTag: 'BAD' }), { idTagInfo: { status: 'Blocked' } });
    assert.deepEqual(await cp.call('Authorize', { idTag: 'GOOD' }), { idTagInfo: { status: 'Accepted' } });
    await assert.rejects(cp.call('DataTransfer', { vendorId: 'V' }), (err: { rpcErrorCode?: string; message: string }) => {
      assert.equal(err.rpcErrorCode, 'NotSupported');
      assert.match(err.message, /not here/);
      return true;
    });
    assert.deepEqual(
      h.csms.received.map((r) => [r.method, r.params.idTag]),
      [['Authorize', 'GOOD']],
      'the answered CALLs never reached the CSMS',
    );
    await waitFor(() => h.records.filter((r) => r.origin === 'rule').length === 2, 'the injected answers');
    const made = h.records.filter((r) => r.origin === 'rule');
    // Each made answer carries the id of the CALL it answers, and that CALL's record says who dropped it.
    const callOf = (id: string) => h.records.find((r) => r.kind === 'CALL' && r.messageId === id)!;
    assert.deepEqual(made.map((r) => [r.kind, r.madeBy, r.direction, callOf(r.messageId).action, callOf(r.messageId).dropped?.by]), [
      ['CALLRESULT', 'block-tag', 'to-station', 'Authorize', 'block-tag'],
      ['CALLERROR', 'no-data-transfer', 'to-station', 'DataTransfer', 'no-data-transfer'],
    ]);
  } finally {
    await h.close();
  }
});

test('inject sends a CALL toward either side; its answer is swallowed, not forwarded', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: trigger-after-boot
    match: { direction: to-station, type: CALLRESULT, action: BootNotification, where: { /status: Accepted } }
    actions:
      - inject: { toward: station, action: TriggerMessage, payload: { requestedMessage: StatusNotification }, delayMs: 100 }
  - id: extra-status
    match: { direction: to-csms, type: CALL, action: Heartbeat }
    actions:
      - inject: { toward: csms, action: StatusNotification, payload: { connectorId: 0, errorCode: NoError, status: Available } }
`),
  });
  try {
    const triggers: unknown[] = [];
    const cp = await h.station('CP-1', {
      handlers: {
        TriggerMessage: (p) => {
          triggers.push(p);
          return { status: 'Accepted' };
        },
      },
    });
    let badMessages = 0;
    cp.on('badMessage', () => badMessages++);
    await cp.call('BootNotification', BOOT_16);
    await waitFor(() => triggers.length === 1, 'the station to get the TriggerMessage');
    assert.deepEqual(triggers[0], { requestedMessage: 'StatusNotification' });
    await cp.call('Heartbeat', {});
    await waitFor(() => h.csms.received.some((r) => r.method === 'StatusNotification'), 'the CSMS to get the injected StatusNotification');
    assert.deepEqual(h.csms.received.find((r) => r.method === 'StatusNotification')!.params, { connectorId: 0, errorCode: 'NoError', status: 'Available' });
    // Both answers come back to the proxy and stop there.
    await waitFor(() => h.records.filter((r) => r.dropped?.reason.includes('injected')).length === 2, 'both answers swallowed');
    const swallowed = h.records.filter((r) => r.dropped?.reason.includes('injected'));
    assert.deepEqual(swallowed.map((r) => [r.direction, r.callAction]).sort(), [
      ['to-csms', 'TriggerMessage'],
      ['to-station', 'StatusNotification'],
    ]);
    assert.ok(h.records.some((r) => r.kind === 'CALL' && r.origin === 'rule' && r.madeBy === 'trigger-after-boot'));
    await sleep(50);
    assert.equal(badMessages, 0, 'the station never saw an answer it did not ask for');
  } finally {
    await h.close();
  }
});

test('disconnect closes with a code and reason, after forwarding when asked; reset closes abruptly', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: bye-after-start
    match: { direction: to-station, type: CALLRESULT, action: StartTransaction }
    actions:
      - disconnect: { code: 4001, reason: link lost, afterForward: true }
  - id: reset-on-heartbeat
    match: { direction: to-csms, action: Heartbeat, station: CP-RESET }
    actions:
      - disconnect: { reset: true }
`),
  });
  try {
    const cp = await h.station('CP-1');
    const closed = once(cp, 'close');
    const res = (await cp.call('StartTransaction', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: new Date().toISOString() })) as { transactionId: number };
    assert.equal(res.transactionId, 1001, 'the answer was forwarded before the close');
    const [info] = (await closed) as [{ code: number; reason: string }];
    assert.equal(info.code, 4001);
    assert.equal(info.reason, 'link lost');

    const raw = await h.raw('CP-RESET');
    const rawClosed = once(raw.ws, 'close');
    raw.send(JSON.stringify([2, 'hb', 'Heartbeat', {}]));
    const [code] = (await rawClosed) as [number];
    assert.equal(code, 1006, 'no close frame: an abrupt reset');
    assert.equal(h.csms.received.filter((r) => r.method === 'Heartbeat').length, 0, 'the frame was lost with the connection');
  } finally {
    await h.close();
  }
});

test('malformed replaces a frame with broken text, or sends it before the frame', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: cut-answer
    match: { direction: to-station, type: CALLRESULT, action: Heartbeat }
    when: { times: 1 }
    actions:
      - malformed: truncated
  - id: junk-first
    match: { direction: to-station, type: CALLRESULT, action: StatusNotification }
    actions:
      - malformed: { preset: bad-message-type, replace: false }
  - id: raw-text
    match: { direction: to-station, type: CALLRESULT, action: Authorize }
    actions:
      - malformed: { text: "hello" }
`),
  });
  try {
    const raw = await h.raw('CP-1');
    raw.send(JSON.stringify([2, 'hb-1', 'Heartbeat', {}]));
    const cut = await raw.next();
    assert.equal(typeof cut, 'string', 'not JSON any more');
    await waitFor(() => h.records.some((r) => r.changedBy.includes('cut-answer')), 'the record');
    const rec = h.records.find((r) => r.changedBy.includes('cut-answer'))!;
    assert.equal(cut, rec.original!.slice(0, Math.floor(rec.original!.length / 2)));
    assert.equal(rec.text, cut);

    raw.send(JSON.stringify([2, 'hb-2', 'Heartbeat', {}]));
    assert.equal((await raw.next())[1], 'hb-2', 'times: 1 — the second answer is intact');

    raw.send(JSON.stringify([2, 'sn-1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }]));
    assert.deepEqual(await raw.next(), [7, 'sn-1', {}], 'the junk copy comes first');
    assert.deepEqual(await raw.next(), [3, 'sn-1', {}], 'then the real answer');

    raw.send(JSON.stringify([2, 'au-1', 'Authorize', { idTag: 'T' }]));
    assert.equal(await raw.next(), 'hello');
  } finally {
    await h.close();
  }
});

test('a delay before answer, inject or disconnect holds what they send too', async () => {
  const h = await startHarness({
    files: rulesYaml(`
  - id: late-answer
    match: { direction: to-csms, type: CALL, action: Heartbeat }
    actions:
      - delay: 300
      - answer: { payload: { currentTime: "2001-02-03T04:05:06.000Z" } }
  - id: late-close
    match: { direction: to-csms, type: CALL, action: Authorize }
    actions:
      - delay: 300
      - disconnect: { code: 4002, reason: later }
`),
  });
  try {
    const cp = await h.station('CP-1');
    let t0 = performance.now();
    assert.deepEqual(await cp.call('Heartbeat', {}), { currentTime: '2001-02-03T04:05:06.000Z' });
    assert.ok(performance.now() - t0 >= 290, 'the answer waited for the delay');
    await waitFor(() => h.records.some((r) => r.origin === 'rule'), 'the made answer');
    assert.equal(h.records.find((r) => r.origin === 'rule')!.ruleDelayMs, 300);

    const closed = once(cp, 'close');
    t0 = performance.now();
    cp.call('Authorize', { idTag: 'T' }).catch(() => undefined);
    const [info] = (await closed) as [{ code: number }];
    assert.equal(info.code, 4002);
    assert.ok(performance.now() - t0 >= 290, 'the close waited for the delay');
    assert.equal(h.csms.received.length, 0);
  } finally {
    await h.close();
  }
});
