/**
 * Rules on OCPP 2.1: matching the new message types (drop a SEND, refuse a CALLRESULT with a CALLRESULTERROR)
 * through the real relay between raw 2.1 peers, and `rules check` knowing 2.1's action names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RulesAddon } from '../../src/rules/rules-addon.js';
import { checkRules } from '../../src/rules/rules-commands.js';
import { rawRelayRig, until } from '../support/raw-relay-rig.js';

const ts = '2026-01-01T10:00:00.000Z';

async function rig(rules: string) {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-rules21-'));
  await writeFile(join(dir, 'r.yaml'), rules);
  const r = await rawRelayRig({
    protocol: 'ocpp2.1',
    identity: 'CP-R21',
    answer: (call) => JSON.stringify([3, call[1], { status: 'Accepted', currentTime: ts, interval: 300 }]),
    addons: [new RulesAddon({ dir, watch: false })],
    relay: { pingInterval: 0 },
  });
  return {
    ...r,
    async close() {
      await r.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

test('a rule drops SENDs of one action on 2.1; the CALL after them crosses', async () => {
  const r = await rig(`rules:
  - id: no-stream
    match: { type: SEND, action: NotifyPeriodicEventStream, version: "2.1" }
    actions:
      - drop: { reason: not wanted }
`);
  try {
    const send = (id: string) => JSON.stringify([6, id, 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: ts, data: [{ t: 0, v: '1' }] }]);
    r.station.send(send('s1'));
    r.station.send(send('s2'));
    r.station.send(JSON.stringify([2, 'h1', 'Heartbeat', {}]));
    await r.station.next();
    assert.deepEqual(r.csms.received.map((t) => JSON.parse(t)[1]), ['h1']);
    const dropped = await r.rec.waitFor((m) => m.messageId === 's2');
    assert.equal(dropped.kind, 'SEND');
    assert.deepEqual(dropped.ruleIds, ['no-stream']);
    assert.equal(dropped.dropped?.by, 'no-stream');
  } finally {
    await r.close();
  }
});

test('a rule refuses a 2.1 CALLRESULT with a CALLRESULTERROR toward its sender', async () => {
  const r = await rig(`rules:
  - id: refuse-boot-answer
    match: { direction: to-station, type: CALLRESULT, action: BootNotification }
    actions:
      - answer: { error: { code: FormatViolation, description: the station would not take it } }
`);
  try {
    r.station.send(JSON.stringify([2, 'b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]));
    await until(() => r.csms.received.length >= 2, 'the CALLRESULTERROR at the CSMS');
    assert.deepEqual(JSON.parse(r.csms.received[1]!), [5, 'b1', 'FormatViolation', 'the station would not take it', {}]);
    const made = await r.rec.waitFor((m) => m.kind === 'CALLRESULTERROR');
    assert.equal(made.origin, 'rule');
    assert.equal(made.callAction, 'BootNotification');
    const result = await r.rec.waitFor((m) => m.kind === 'CALLRESULT');
    assert.equal(result.dropped?.by, 'refuse-boot-answer');
    assert.equal(r.station.messages.length, 0, 'the station never got the refused answer');
  } finally {
    await r.close();
  }
});

test('rules check knows the 2.1 action names, and says which version has a name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-rules21-check-'));
  try {
    await writeFile(join(dir, 'ok.yaml'), `rules:
  - id: der
    match: { type: CALL, action: SetDERControl }
    actions: [{ drop: true }]
  - id: stream
    match: { type: SEND, action: [NotifyPeriodicEventStream, "Notify*"], version: "2.1" }
    actions: [{ drop: true }]
`);
    assert.equal((await checkRules(dir)).ok, true, (await checkRules(dir)).text);
    await writeFile(join(dir, 'bad.yaml'), `rules:
  - id: typo
    match: { action: SetDerControl }
    actions: [{ drop: true }]
  - id: wrong-version
    match: { action: NotifyPeriodicEventStream, version: "2.0.1" }
    actions: [{ drop: true }]
`);
    const out = await checkRules(dir);
    assert.equal(out.ok, false);
    assert.match(out.text, /bad\.yaml:3:\d+: rule "typo" › match\.action: "SetDerControl" is no action of OCPP 1\.6, 2\.0\.1, 2\.1: did you mean "SetDERControl"\?/);
    assert.match(out.text, /rule "wrong-version" › match\.action: "NotifyPeriodicEventStream" is not an OCPP 2\.0\.1 action \(it is one of OCPP 2\.1\)/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
