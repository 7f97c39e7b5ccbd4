/**
 * Intercept through the control API, against a real relay and real ocpp-rpc peers in strict mode: frames matching
 * the filter are held, listed with a countdown, forwarded as is or edited (schema-checked, overridable), dropped,
 * answered in the receiver's name, or released unchanged after the timeout; the hold is never charged to a KPI.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Addon } from '../../src/core/addon.js';
import type { KpiSample } from '../../src/kpi/kpi-types.js';
import type { MessageRecord } from '../../src/core/relay-message.js';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { callControl, ControlApiError, type ControlTarget } from '../../src/control/api-client.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { createInterceptAddon } from '../../src/intercept/index.js';
import { createKpiAddon } from '../../src/kpi/index.js';
import { createValidationAddon } from '../../src/validation/index.js';
import { connectStation, startCsms, type RpcServerClient, type TestCsms } from '../support/ocpp-peers.js';
import { until } from '../support/until.js';


async function refused(p: Promise<unknown>, status: number, text: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ControlApiError, String(err));
    assert.equal(err.status, status, err.message);
    assert.match(err.message, text);
    return true;
  });
}

describe('intercept', () => {
  let dir: string;
  let csms: TestCsms;
  let relay: Relay;
  let target: ControlTarget;
  let cp: RpcServerClient;
  const records: MessageRecord[] = [];
  const samples: KpiSample[] = [];
  /** What the station received. */
  const atStation: Array<{ method: string; params: any }> = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ocpp-mitm-intercept-'));
    csms = await startCsms();
    const control = createControlAddon({ dataDir: dir });
    const recorder: Addon = {
      name: 'recorder',
      observe(e) {
        if (e.type === 'message') records.push(e.message);
        if (e.type === 'kpi') samples.push(e.sample);
      },
    };
    const addons = [createValidationAddon({ mode: 'observe' }), createInterceptAddon({ timeoutMs: 60_000 }), createKpiAddon(), control, recorder];
    relay = await startRelay({ upstream: csms.url, addons, dataDir: dir });
    target = control.info();
    const handlers = {
      RemoteStartTransaction: (params: any) => {
        atStation.push({ method: 'RemoteStartTransaction', params });
        return { status: 'Accepted' };
      },
      Reset: (params: any) => {
        atStation.push({ method: 'Reset', params });
        return { status: 'Accepted' };
      },
    };
    await connectStation({ url: `${relay.url}/CP-I`, identity: 'CP-I', handlers });
    cp = await csms.waitForClient('CP-I');
  });

  after(async () => {
    await relay.close();
    await csms.close();
    await rm(dir, { recursive: true, force: true });
  });

  const heldOne = () => until('a held frame', async () => (await callControl(target, 'GET /api/intercept')).held[0]);
  const recordOf = (messageId: string, kind: string) => until(`record of ${kind} ${messageId}`, () => records.find((r) => r.messageId === messageId && r.kind === kind));

  test('a bad filter is refused and the one in force stays', async () => {
    await callControl(target, 'PUT /api/intercept', { body: { filter: 'action:Reset' } });
    await refused(callControl(target, 'PUT /api/intercept', { body: { filter: 'kind:nonsense' } }), 400, /intercept filter/);
    assert.equal((await callControl(target, 'GET /api/intercept')).filter, 'action:Reset');
  });

  test('held CALL is listed with a countdown, then forwarded as edited; the station receives exactly the edit', async () => {
    await callControl(target, 'PUT /api/intercept', { body: { filter: 'action:RemoteStartTransaction dir:to-station kind:call' } });
    const answer = cp.call('RemoteStartTransaction', { idTag: 'TAG-ORIG', connectorId: 1 });
    const held = await heldOne();
    assert.equal(held.identity, 'CP-I');
    assert.equal(held.action, 'RemoteStartTransaction');
    assert.equal(held.direction, 'to-station');
    assert.ok(held.remainingMs > 50_000 && held.remainingMs <= 60_000, `countdown ${held.remainingMs}`);
    assert.equal(atStation.length, 0, 'nothing reaches the station while held');

    const frame = JSON.parse(held.text) as unknown[];
    frame[3] = { idTag: 'TAG-EDITED', connectorId: 2 };
    // Schema-checked: a number where idTag must be a string is refused, unless forced.
    await refused(callControl(target, 'POST /api/intercept/:id/forward', { params: { id: String(held.id) }, body: { frame: [2, held.messageId, 'RemoteStartTransaction', { idTag: 7 }] } }), 422, /idTag.*force/s);
    const result = await callControl(target, 'POST /api/intercept/:id/forward', { params: { id: String(held.id) }, body: { frame } });
    assert.equal(result.outcome, 'forwarded-edited');
    assert.deepEqual(await answer, { status: 'Accepted' });
    assert.deepEqual(atStation.at(-1), { method: 'RemoteStartTransaction', params: { idTag: 'TAG-EDITED', connectorId: 2 } });

    const rec = await recordOf(held.messageId, 'CALL');
    assert.equal(rec.modified, true);
    assert.deepEqual(rec.changedBy, ['operator', 'intercept']);
    assert.match(rec.original!, /TAG-ORIG/);
    assert.ok(rec.ruleDelayMs > 0, 'the hold is recorded as delay on purpose');
    assert.equal((await callControl(target, 'GET /api/intercept')).held.length, 0);
    await refused(callControl(target, 'POST /api/intercept/:id/drop', { params: { id: String(held.id) } }), 404, /no held frame/);
  });

  test('an invalid edit goes when forced, flagged in the record', async () => {
    const answer = cp.call('RemoteStartTransaction', { idTag: 'TAG-F' }).catch((e: Error) => e);
    const held = await heldOne();
    const bad = [2, held.messageId, 'RemoteStartTransaction', { idTag: 'TAG-F', connectorId: 'one' }];
    await callControl(target, 'POST /api/intercept/:id/forward', { params: { id: String(held.id) }, body: { frame: bad, force: true } });
    const rec = await recordOf(held.messageId, 'CALL');
    assert.equal(rec.valid, false);
    assert.ok(rec.issues.some((i) => /connectorId/.test(i.path + i.message)), JSON.stringify(rec.issues));
    // The strict station refuses it, as it should.
    assert.ok((await answer) instanceof Error);
  });

  test('a held CALL answered by the operator: the CSMS gets that answer, the station nothing', async () => {
    const before = atStation.length;
    const answer = cp.call('RemoteStartTransaction', { idTag: 'TAG-A' });
    const held = await heldOne();
    await refused(callControl(target, 'POST /api/intercept/:id/answer', { params: { id: String(held.id) }, body: { payload: { status: 'Maybe' } } }), 422, /status/);
    const result = await callControl(target, 'POST /api/intercept/:id/answer', { params: { id: String(held.id) }, body: { payload: { status: 'Rejected' } } });
    assert.equal(result.outcome, 'answered-result');
    assert.deepEqual(await answer, { status: 'Rejected' });
    assert.equal(atStation.length, before);
    const call = await recordOf(held.messageId, 'CALL');
    assert.deepEqual(call.dropped, { by: 'operator', reason: 'answered by the operator (intercept)' });
    const made = await recordOf(held.messageId, 'CALLRESULT');
    assert.equal(made.origin, 'operator');
    assert.equal(made.direction, 'to-csms');
  });

  test('a held CALL answered with a CALLERROR; a dropped one never arrives', async () => {
    const answer = cp.call('RemoteStartTransaction', { idTag: 'TAG-E' }).catch((e: Error) => e);
    let held = await heldOne();
    await callControl(target, 'POST /api/intercept/:id/answer', { params: { id: String(held.id) }, body: { errorCode: 'NotSupported', errorDescription: 'operator says no' } });
    const err = (await answer) as Error & { code?: string };
    assert.ok(err instanceof Error);
    assert.match(String(err.message) + (err.code ?? ''), /operator says no|NotSupported/);

    const before = atStation.length;
    const dropped = cp.call('RemoteStartTransaction', { idTag: 'TAG-D' }, { callTimeoutMs: 1500 }).catch((e: Error) => e);
    held = await heldOne();
    assert.equal((await callControl(target, 'POST /api/intercept/:id/drop', { params: { id: String(held.id) } })).outcome, 'dropped');
    assert.ok((await dropped) instanceof Error, 'the CSMS never gets an answer');
    assert.equal(atStation.length, before);
    assert.deepEqual((await recordOf(held.messageId, 'CALL')).dropped?.by, 'operator');
  });

  test('a forgotten hold is released unchanged after the timeout, and no KPI is charged the hold', async () => {
    // Hold the station's answer: the station's response time ends when it was read, before the hold.
    await callControl(target, 'PUT /api/intercept', { body: { filter: 'action:Reset kind:result', timeoutMs: 700 } });
    const started = Date.now();
    const answer = await cp.call('Reset', { type: 'Soft' });
    assert.deepEqual(answer, { status: 'Accepted' });
    assert.ok(Date.now() - started >= 650, 'the answer waited for the timeout');
    const rec = await until('record of the released answer', () => records.find((r) => r.kind === 'CALLRESULT' && r.action === 'Reset'));
    assert.equal(rec.modified, false);
    assert.ok(rec.ruleDelayMs >= 650, `held ${rec.ruleDelayMs} ms`);
    const sample = await until('response_time sample', () => samples.find((s) => s.kpi === 'response_time' && s.action === 'Reset'));
    assert.ok(sample.valueMs !== null && sample.valueMs < 500, `response_time ${sample.valueMs} ms must not include the 700 ms hold`);
    await callControl(target, 'PUT /api/intercept', { body: { filter: '' } });
  });

  test('a frame held when its session closes is recorded dropped, and no longer listed', async () => {
    await callControl(target, 'PUT /api/intercept', { body: { filter: 'action:Heartbeat', timeoutMs: 60_000 } });
    const station = await connectStation({ url: `${relay.url}/CP-GONE`, identity: 'CP-GONE' });
    void station.call('Heartbeat', {}).catch(() => undefined);
    const held = await heldOne();
    assert.equal(held.identity, 'CP-GONE');
    await station.close({ force: true });
    await until('the hold released', async () => (await callControl(target, 'GET /api/intercept')).held.length === 0);
    const rec = await recordOf(held.messageId, 'CALL');
    assert.deepEqual(rec.dropped, { by: 'intercept', reason: 'the session closed while the frame was held' });
    assert.ok(!csms.received.some((r) => r.identity === 'CP-GONE' && r.method === 'Heartbeat'), 'nothing sent into the closing session');
    await refused(callControl(target, 'POST /api/intercept/:id/forward', { params: { id: String(held.id) }, body: {} }), 404, /no held frame/);
    await callControl(target, 'PUT /api/intercept', { body: { filter: '' } });
  });
});
