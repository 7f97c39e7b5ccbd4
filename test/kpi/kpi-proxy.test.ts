/**
 * What the proxy itself does must not bend the figures: rule delays are not charged, frames the proxy made give
 * no sample, translated frames are read as the station saw them; timeouts, session closes and the CLI options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import type { Addon } from '../../src/core/addon.js';
import { RELAY_DEFAULTS } from '../../src/core/relay.js';
import { nowMicros } from '../../src/core/types.js';
import { silentLogger } from '../../src/log.js';
import { DEFAULT_WINDOWS_MS, kpiFeature, type KpiAddon } from '../../src/kpi/index.js';
import { assertMeasured, eventually, hold, later, startRig, ts } from './kpi-rig.js';

const slowConfiguration = (ms: number) => async () => {
  await hold(ms);
  return { configurationKey: [] };
};

test('time a rule adds on purpose is not charged: CALL delayed 1000 ms, answer delayed 1000 ms', async () => {
  const delayRule: Addon = {
    name: 'test-delay',
    // Answers carry the action of the CALL they answer, so both legs of GetConfiguration are delayed.
    message: (msg) => {
      if (msg.action === 'GetConfiguration') msg.delay(1000, 'test-delay');
    },
  };
  const rig = await startRig({ version: '1.6', identity: 'CP-DELAY', addons: [delayRule], station: () => ({ GetConfiguration: slowConfiguration(200) }) });
  try {
    const t0 = performance.now();
    await rig.server.call('GetConfiguration', {});
    const seenByCsms = performance.now() - t0;
    assert.ok(seenByCsms >= 2200, `the CSMS waited for both delays and the station (${seenByCsms} ms)`);
    const s = await rig.waitSample((s) => s.kpi === 'response_time');
    assertMeasured(s, 200, 800); // charged with the delays it would be ≥ 2200
  } finally {
    await rig.close();
  }
});

test('frames the proxy made give no sample: a rule answering for either side, an operator CALL', async () => {
  const answerRule: Addon = {
    name: 'test-answer',
    message: (msg, session) => {
      const f = msg.frame;
      if (f?.type !== 2) return;
      if (f.action === 'ChangeAvailability') {
        msg.drop('test-answer', 'answered by the rule');
        session.inject('to-csms', { type: 3, id: f.id, payload: { status: 'Accepted' } }, { origin: 'rule', by: 'test-answer' });
      } else if (f.action === 'Heartbeat') {
        msg.drop('test-answer', 'answered by the rule');
        session.inject('to-station', { type: 3, id: f.id, payload: { currentTime: ts() } }, { origin: 'rule', by: 'test-answer' });
      }
    },
  };
  const rig = await startRig({
    version: '1.6',
    identity: 'CP-RULES',
    addons: [answerRule],
    station: () => ({ GetConfiguration: slowConfiguration(50), ChangeAvailability: () => ({ status: 'Rejected' }) }),
  });
  try {
    assert.equal((await rig.server.call('ChangeAvailability', { connectorId: 0, type: 'Operative' })).status, 'Accepted', 'the rule answered');
    await rig.station.call('Heartbeat', {});
    const operatorAnswer = new Promise((resolve) => {
      rig.relay.sessions()[0]!.inject('to-station', { type: 2, id: 'op-1', action: 'GetConfiguration', payload: {} }, { origin: 'operator', by: 'test', onAnswer: resolve });
    });
    assert.equal(((await operatorAnswer) as { type: number }).type, 3, 'the station answered the operator');
    // Observers see events in order: once this real exchange is measured, the ones before were processed.
    await rig.server.call('GetConfiguration', {});
    const real = await rig.waitSample((s) => s.kpi === 'response_time');
    assertMeasured(real, 50);
    assert.deepEqual(
      rig.samples.map((s) => `${s.kpi} ${s.action}`),
      ['response_time GetConfiguration'],
      'only the wire exchange was measured',
    );
  } finally {
    await rig.close();
  }
});

test('translated frames are read as the station saw them: text toward it, original from it', async () => {
  // Stands in for translation: the station is told connector 1 (CSMS said 3), the CSMS is told connector 2.
  const rewrite: Addon = {
    name: 'test-rewrite',
    message: (msg) => {
      const f = msg.frame;
      if (f?.type !== 2) return;
      const p = f.payload as Record<string, unknown>;
      if (f.action === 'RemoteStartTransaction') msg.replace({ ...f, payload: { ...p, connectorId: 1 } }, 'translation');
      if (f.action === 'StartTransaction') msg.replace({ ...f, payload: { ...p, connectorId: 2 } }, 'translation');
    },
  };
  const rig = await startRig({
    version: '1.6',
    identity: 'CP-TRANSLATED',
    addons: [rewrite],
    csms: { StartTransaction: (p) => ({ transactionId: Number(p.connectorId), idTagInfo: { status: 'Accepted' } }) },
    station: (station) => ({
      RemoteStartTransaction: (p: { idTag: string; connectorId: number }) => {
        later(250, () => station.call('StartTransaction', { connectorId: p.connectorId, idTag: p.idTag, meterStart: 0, timestamp: ts() }));
        return { status: 'Accepted' };
      },
    }),
  });
  try {
    await rig.server.call('RemoteStartTransaction', { idTag: 'TAG-T', connectorId: 3 });
    const s = await rig.waitSample((s) => s.kpi === 'remote_start_authorization');
    assertMeasured(s, 250);
    const seen = await eventually(() => rig.csms.received.find((r) => r.method === 'StartTransaction'), 'StartTransaction at the CSMS');
    assert.equal(seen.params.connectorId, 2, 'the CSMS got the rewritten frame');
  } finally {
    await rig.close();
  }
});

test('no answer or follow-up within the window is a timeout sample, also when the answer comes too late', async () => {
  const rig = await startRig({
    version: '1.6',
    identity: 'CP-SILENT',
    windows: { response_time: 500, remote_start_authorization: 500 },
    station: () => ({
      GetConfiguration: (p: { key?: string[] }) => (p.key?.[0] === 'late' ? slowConfiguration(700)() : new Promise(() => {})),
      RemoteStartTransaction: () => ({ status: 'Accepted' }), // ...and never starts
    }),
  });
  try {
    await assert.rejects(rig.server.call('GetConfiguration', {}, { callTimeoutMs: 1500 }));
    const silent = await rig.waitSample((s) => s.kpi === 'response_time');
    const declaredAfterMs = (nowMicros() - silent.at) / 1000;
    assert.ok(declaredAfterMs >= 500 && declaredAfterMs < 2500, `timeout declared ${declaredAfterMs} ms after the CALL was written`);
    assert.equal(silent.timedOut, true);
    assert.equal(silent.valueMs, null);
    assert.equal(silent.endAction, '');

    await rig.server.call('RemoteStartTransaction', { idTag: 'TAG-X', connectorId: 1 });
    const noStart = await rig.waitSample((s) => s.kpi === 'remote_start_authorization');
    assert.equal(noStart.timedOut, true);
    assert.equal(noStart.valueMs, null);
    assert.ok((nowMicros() - noStart.at) / 1000 >= 500, 'not declared before its window ran out');

    await rig.server.call('GetConfiguration', { key: ['late'] });
    const late = await rig.waitSample((s) => s.kpi === 'response_time' && s.action === 'GetConfiguration' && s.messageId !== silent.messageId);
    assert.equal(late.timedOut, true, 'an answer after the window is a timeout, not a number');

    const row = rig.kpis.summary('CP-SILENT').find((r) => r.kpi === 'response_time')!;
    assert.equal(row.timeouts, 2);
    assert.equal(row.count, 1, 'RemoteStartTransaction itself was answered in time');
    assert.equal(row.last, null, 'the last one timed out');
  } finally {
    await rig.close();
  }
});

test('a session that closes cancels its open measurements: no sample, counted as cancelled', async () => {
  const rig = await startRig({
    version: '1.6',
    identity: 'CP-GONE',
    station: () => ({ RemoteStartTransaction: () => ({ status: 'Accepted' }) }),
  });
  try {
    await rig.server.call('RemoteStartTransaction', { idTag: 'TAG-G', connectorId: 1 });
    await rig.station.close();
    const deadline = performance.now() + 5000;
    const cancelled = () => rig.kpis.summary('CP-GONE').find((r) => r.kpi === 'remote_start_authorization')!.cancelled;
    while (cancelled() === 0) {
      assert.ok(performance.now() < deadline, 'the pending remote start is cancelled when the session closes');
      await hold(10);
    }
    assert.equal(cancelled(), 1);
    assert.equal(rig.samples.filter((s) => s.kpi === 'remote_start_authorization').length, 0);
  } finally {
    await rig.close();
  }
});

test('start options: --kpi-timeout sets every window, --no-kpis removes the addon, nonsense is refused', async () => {
  const env = { logger: silentLogger(), relay: { ...RELAY_DEFAULTS, upstream: 'ws://127.0.0.1:1/' } };
  const parse = (args: string[]) => {
    const cmd = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    kpiFeature.startOptions!(cmd);
    cmd.parse(args, { from: 'user' });
    return cmd.opts();
  };
  const [plain] = (await kpiFeature.addons!(parse([]), env)) as KpiAddon[];
  assert.deepEqual(plain!.windows, DEFAULT_WINDOWS_MS);
  const [custom] = (await kpiFeature.addons!(parse(['--kpi-timeout', '90000']), env)) as KpiAddon[];
  assert.ok(Object.values(custom!.windows).every((ms) => ms === 90_000));
  assert.deepEqual(await kpiFeature.addons!(parse(['--no-kpis']), env), []);
  assert.throws(() => parse(['--kpi-timeout', 'soon']), /milliseconds/);
});
