/**
 * `start --mirror`: a shadow CSMS gets a copy of the station's CALLs through the real relay; its answers are compared
 * and recorded, never forwarded. A shadow that rejects Authorize changes nothing for the station but is counted; a
 * shadow's own CALL never reaches the station; a shadow that is down, or killed mid-session, changes nothing.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { it } from 'node:test';
import { RPCServer } from 'ocpp-rpc';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import { startRelay } from '../../src/core/relay.js';
import { detailLines } from '../../tui/detail-lines.js';
import { createKpiAddon } from '../../src/kpi/index.js';
import { createMirrorAddon, mirrorName } from '../../src/mirror/index.js';
import { runFrames } from '../../src/store/frames-command.js';
import { runReport } from '../../src/store/report-command.js';
import { createStoreAddon } from '../../src/store/store-addon.js';
import type { FrameRow, KpiSummaryRow, MirrorSummaryRow } from '../../src/store/store-reader.js';
import { freePort, tempDir, waitFor } from '../store/clickhouse-support.js';
import { connectStation, startCsms } from '../support/ocpp-peers.js';

const collect = async (run: (write: (s: string) => void) => Promise<void>): Promise<string> => {
  let out = '';
  await run((s) => void (out += s));
  return out;
};

it('a shadow CSMS sees copies, its differences are counted, and it never touches the station', { timeout: 120_000 }, async () => {
  const dataDir = await tempDir('ocpp-mitm-mirror-');
  const primary = await startCsms({ protocols: ['ocpp1.6'] });
  const shadow = await startCsms({ protocols: ['ocpp1.6'], handlers: { Authorize: () => ({ idTagInfo: { status: 'Invalid' } }) } });
  const nowhere = `ws://127.0.0.1:${await freePort()}/ocpp`;
  const mirror = createMirrorAddon({ mirrors: [{ url: shadow.url }, { url: nowhere }] });
  const events: RelayEvent[] = [];
  const recorder: Addon = { name: 'events', observe: (e) => void events.push(e) };
  const relay = await startRelay({ upstream: primary.url, dataDir, addons: [createKpiAddon(), createStoreAddon({ flushMs: 50 }), mirror, recorder] });
  let stationSawReset = false;
  try {
    const station = await connectStation({
      url: `${relay.url}/ocpp`,
      identity: 'CP-M',
      handlers: {
        Reset: () => {
          stationSawReset = true;
          return { status: 'Accepted' };
        },
      },
    });
    const boot = (await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' })) as { status: string };
    assert.equal(boot.status, 'Accepted');
    const auth = (await station.call('Authorize', { idTag: 'TAG-1' })) as { idTagInfo: { status: string } };
    assert.equal(auth.idTagInfo.status, 'Accepted', "the station gets the primary's answer");

    // The shadow's own CALL is answered by the proxy and never reaches the station.
    const shadowSide = await shadow.waitForClient('CP-M');
    await assert.rejects(shadowSide.call('Reset', { type: 'Soft' }), (err: { rpcErrorCode?: string }) => err.rpcErrorCode === 'NotImplemented');
    assert.equal(stationSawReset, false);
    assert.deepEqual(shadow.received.map((r) => r.method), ['BootNotification', 'Authorize'], 'the shadow got copies of the station CALLs');

    await waitFor('both compared', () => mirror.summary().reduce((n, c) => n + c.compared, 0) === 2);
    const shadowName = mirrorName(shadow.url);
    assert.deepEqual(mirror.summary(), [
      { mirror: shadowName, action: 'Authorize', compared: 1, differing: 1, noAnswer: 0 },
      { mirror: shadowName, action: 'BootNotification', compared: 1, differing: 0, noAnswer: 0 },
    ]);

    // The live view's detail of the shadow's answer says what differs.
    const shadowAuth = events.find((e): e is Extract<RelayEvent, { type: 'message' }> => e.type === 'message' && e.message.origin === 'proxy' && e.message.callAction === 'Authorize');
    assert.ok(shadowAuth, 'the shadow answer was published to observers');
    const detail = detailLines(shadowAuth.message, undefined, 200).map((l) => l.text);
    assert.ok(detail.includes(`made by the proxy: proxy (mirror:${shadowName})`), detail.join('\n'));
    assert.ok(detail.includes('  ✗ /idTagInfo/status: Accepted → Invalid [mirror-changed]'), detail.join('\n'));
    assert.ok(detail.some((l) => /^dropped by mirror: shadow answer in [\d.]+ ms: recorded, never forwarded$/.test(l)), detail.join('\n'));

    // The shadow dies mid-session: the station goes on as before.
    await shadow.close();
    for (let i = 0; i < 3; i++) {
      const hb = (await station.call('Heartbeat', {})) as { currentTime: string };
      assert.ok(hb.currentTime);
    }
    await station.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    assert.equal(primary.received.filter((r) => r.identity === 'CP-M').length, 6);
    await station.close();
    await waitFor('the session closed', () => relay.sessions().length === 0);
  } finally {
    await relay.close();
    await primary.close();
    await shadow.close().catch(() => undefined);
  }

  const mirrorReport = JSON.parse(await collect((w) => runReport({ dataDir, mirror: true, format: 'json' }, w))) as MirrorSummaryRow[];
  assert.deepEqual(mirrorReport, [
    { mirror: mirrorName(shadow.url), action: 'Authorize', compared: 1, differing: 1 },
    { mirror: mirrorName(shadow.url), action: 'BootNotification', compared: 1, differing: 0 },
  ]);
  const table = await collect((w) => runReport({ dataDir, mirror: true }, w));
  assert.match(table, /Authorize\s+1\s+1/);

  // The shadow's answer is recorded beside the primary's, marked as never forwarded, with the difference.
  const frames = JSON.parse(await collect((w) => runFrames({ dataDir, action: 'Authorize', format: 'json' }, w))) as FrameRow[];
  assert.deepEqual(frames.map((f) => [f.direction, f.kind, f.origin, f.dropped]), [
    ['to-csms', 'CALL', 'wire', false],
    ['to-station', 'CALLRESULT', 'wire', false],
    ['to-station', 'CALLRESULT', 'proxy', true],
  ]);
  assert.match(frames[2]!.text, /"Invalid"/);
  // `frames --format json` gives the issues as an array.
  assert.deepEqual(frames[2]!.issues as unknown, [{ path: '/idTagInfo/status', rule: 'mirror-changed', message: '/idTagInfo/status: Accepted → Invalid' }]);

  // KPIs are the primary's alone: one csms_response_time sample per station CALL.
  const kpis = JSON.parse(await collect((w) => runReport({ dataDir, format: 'json' }, w))) as KpiSummaryRow[];
  assert.equal(kpis.find((k) => k.kpi === 'csms_response_time')?.count, 6);
  await rm(dataDir, { recursive: true, force: true });
});

it('--mirror-actions limits the copies; --mirror-calls drop leaves shadow CALLs unanswered', { timeout: 60_000 }, async () => {
  const primary = await startCsms({ protocols: ['ocpp1.6'] });
  const shadow = await startCsms({ protocols: ['ocpp1.6'] });
  // Credentials in a shadow's URL are its own Basic auth, over the common one.
  const withCredentials = shadow.url.replace('ws://', 'ws://shadow-user:s3cret@');
  const mirror = createMirrorAddon({ mirrors: [{ url: withCredentials, basicAuth: 'common:other' }], actions: ['Heartbeat'], calls: 'drop' });
  const relay = await startRelay({ upstream: primary.url, addons: [mirror] });
  try {
    const station = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-A' });
    await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
    await station.call('Heartbeat', {});
    const shadowSide = await shadow.waitForClient('CP-A');
    await waitFor('the heartbeat compared', () => mirror.summary().length === 1);
    assert.deepEqual(shadow.received.map((r) => r.method), ['Heartbeat']);
    assert.equal(shadowSide.handshake.headers.authorization, `Basic ${Buffer.from('shadow-user:s3cret').toString('base64')}`);
    assert.deepEqual(mirror.summary().map((c) => c.mirror), [mirrorName(shadow.url)], 'no credentials in the name');
    await assert.rejects(shadowSide.call('Reset', { type: 'Soft' }, { callTimeoutMs: 500 }), /timed out|Timeout/i);
    await station.close();
  } finally {
    await relay.close();
    await primary.close();
    await shadow.close();
  }
});

it('a shadow that comes back mid-session gets copies again', { timeout: 60_000 }, async () => {
  const primary = await startCsms({ protocols: ['ocpp1.6'] });
  const shadow = await startCsms({ protocols: ['ocpp1.6'] });
  const mirror = createMirrorAddon({ mirrors: [{ url: shadow.url }] });
  const relay = await startRelay({ upstream: primary.url, addons: [mirror] });
  const back = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
  const seen: string[] = [];
  try {
    const station = await connectStation({ url: `${relay.url}/ocpp`, identity: 'CP-R' });
    await station.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
    await shadow.waitForClient('CP-R');
    await shadow.close();
    await station.call('Heartbeat', {}); // the shadow is away: not copied, not waited for
    back.on('client', (client: any) => {
      seen.push(`connect ${client.identity}`);
      client.handle(({ method }: { method: string }) => {
        seen.push(method);
        return { idTagInfo: { status: 'Accepted' } };
      });
    });
    await back.listen(shadow.port, '127.0.0.1');
    await waitFor('the mirror connected again', () => seen.includes('connect CP-R'), 10_000);
    await station.call('Authorize', { idTag: 'TAG-1' });
    await waitFor('the Authorize compared', () => mirror.summary().some((c) => c.action === 'Authorize' && c.compared === 1));
    assert.deepEqual(seen, ['connect CP-R', 'Authorize']);
    assert.equal(mirror.summary().find((c) => c.action === 'Authorize')!.differing, 0);
    await station.close();
  } finally {
    await relay.close();
    await primary.close();
    await back.close({ force: true });
  }
});
