/**
 * Certified profiles on a running proxy: the profiles feature's addon (loaded through `start`'s options) and the KPI
 * addon in the real relay, real ocpp-rpc stations in strict mode, real certificates imported into profiles.
 *
 * - CITY-01 (1.6) is bound by an identity glob of the bindings file as soon as it connects, before any BootNotification;
 * - C6-A (1.6) is unbound until its BootNotification names SPARKBOX S6 (the S6 profile's own `binding`), and keeps
 *   that profile when it reconnects without booting again;
 * - HX-7 (2.0.1) is bound by the vendor and model of its BootNotification (a bindings-file rule); its GetVariables
 *   answers take longer than the 0.97 s the lab measured, so the live verdict is slower_than_certified, over the
 *   control API and in the live view's KPI table (its ControlConnection polling the routes).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { RPCClient } from 'ocpp-rpc';
import type { Addon, RelayEvent } from '../../src/core/addon.js';
import type { FeatureEnv } from '../../src/core/feature.js';
import { RELAY_DEFAULTS, startRelay, type Relay } from '../../src/core/relay.js';
import { createControlAddon, type ControlAddon } from '../../src/control/control-server.js';
import { createKpiAddon, type KpiSummary } from '../../src/kpi/index.js';
import { silentLogger } from '../../src/log.js';
import { liveVerdict, profilesFeature, type BoundStation, type ProfileBindingAddon, type ProfileView } from '../../src/profiles/index.js';
import { importReport } from '../../src/profiles/report-import.js';
import type { CertifiedProfile } from '../../src/profiles/profile-types.js';
import { ControlConnection } from '../../tui/control-connection.js';
import { ViewStore } from '../../tui/view-store.js';
import { connectStation, startCsms, type TestCsms } from '../support/ocpp-peers.js';
import { fixturesDir } from '../support/reports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cert = (name: string): CertifiedProfile => importReport(readFileSync(fixturesDir + name, 'utf8'));
const volt = cert('voltline-duo-ocpp16-markdown.txt');
const c6 = cert('sparkbox-s6-ocpp16-security.txt');
const ax = cert('ampera-ax400-ocpp201-family.txt');
/** Above AX 400's certified maximum response time (0.97 s), far below its declared 30 s. */
const AX_DELAY_MS = 1100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
async function eventually<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}

const env = (): FeatureEnv => ({ logger: silentLogger(), relay: { ...RELAY_DEFAULTS, upstream: 'ws://127.0.0.1:1/ocpp/' } });
/** The addons `start` would get from the profiles feature with these options. */
const startAddons = async (opts: Record<string, unknown>): Promise<Addon[]> => profilesFeature.addons!(opts, env());

const dir = mkdtempSync(join(tmpdir(), 'profile-binding-'));
let csms: TestCsms;
let relay: Relay;
let control: ControlAddon;
let addon: ProfileBindingAddon;
const notices: string[] = [];
const stations: RPCClient[] = [];

/** GET through the relay's route table, as the control server dispatches it. */
async function get(path: string, query = ''): Promise<unknown> {
  const m = relay.control.match('GET', path);
  assert.ok(m, `route GET ${path}`);
  return m.handler({ method: 'GET', params: m.params, query: new URLSearchParams(query), body: undefined, headers: {} });
}
const boundRow = async (station: string): Promise<BoundStation | undefined> => ((await get('/api/profiles/bound', `station=${station}`)) as BoundStation[])[0];

before(async () => {
  mkdirSync(join(dir, 'profiles'));
  mkdirSync(join(dir, 'extra'));
  writeFileSync(join(dir, 'profiles', 'volt.json'), JSON.stringify(volt));
  writeFileSync(join(dir, 'profiles', 'c6.json'), JSON.stringify({ ...c6, binding: { match: { vendor: 'SPARKBOX*', model: 'S6*' } } }));
  writeFileSync(join(dir, 'extra', 'ax400.json'), JSON.stringify(ax));
  writeFileSync(
    join(dir, 'bindings.yaml'),
    ['- profile: profiles/volt.json', '  stations: ["CITY-*"]', '- profile: extra/ax400.json', '  match: {vendor: ampera, model: "AX*"}'].join('\n'),
  );
  const addons = await startAddons({ profiles: join(dir, 'profiles'), bindings: join(dir, 'bindings.yaml') });
  assert.equal(addons.length, 1);
  addon = addons[0] as ProfileBindingAddon;
  const noticeCollector: Addon = {
    name: 'collect-notices',
    observe: (e: RelayEvent) => {
      if (e.type === 'notice' && e.source === 'profiles') notices.push(e.text);
    },
  };
  csms = await startCsms({ protocols: ['ocpp1.6', 'ocpp2.0.1'] });
  control = createControlAddon({ dataDir: join(dir, 'data') });
  relay = await startRelay({ upstream: csms.url, dataDir: join(dir, 'data'), addons: [createKpiAddon(), addon, noticeCollector, control] });
});

after(async () => {
  for (const st of stations) await st.close({ force: true }).catch(() => undefined);
  await relay?.close();
  await csms?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function station(identity: string, version: '1.6' | '2.0.1', handlers: Parameters<typeof connectStation>[0]['handlers'] = {}): Promise<RPCClient> {
  const st = await connectStation({ url: `${relay.url}/ocpp`, identity, protocols: [version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1'], handlers });
  stations.push(st);
  return st;
}

describe('profile binding on a running proxy', () => {
  test('GET /api/profiles lists every loaded profile, the bindings file\'s too, with its certified KPIs', async () => {
    const list = (await get('/api/profiles')) as ProfileView[];
    assert.deepEqual(list.map((p) => p.name).sort(), ['ax400', 'c6', 'volt']);
    const h = list.find((p) => p.name === 'ax400')!;
    assert.equal(h.product, 'Ampera AX 400 US');
    assert.equal(h.certificateNumber, 'F01.OCA.0201.9108.CS');
    assert.deepEqual(h.kpis.response_time, { declaredMaxS: 30, minS: 0.08, maxS: 0.97, avgS: 0.13 });
    assert.deepEqual(list.find((p) => p.name === 'c6')!.binding, { match: { vendor: 'SPARKBOX*', model: 'S6*' } });
  });

  test('a station is bound by its identity glob when it connects, before any BootNotification', async () => {
    const st = await station('CITY-01', '1.6', { GetConfiguration: () => ({ configurationKey: [] }) });
    const row = await eventually('CITY-01 bound', () => boundRow('CITY-01'));
    assert.equal(row.profile?.name, 'volt');
    assert.equal(row.profile?.product, 'Voltline Duo');
    assert.equal(row.profile?.certificateNumber, 'OCA.0016.9127.CS');
    assert.equal(row.via, 'identity');
    assert.equal(row.source, `${join(dir, 'bindings.yaml')}#1`);
    assert.equal(row.boot, null, 'no BootNotification was sent');
    assert.equal(row.connected, true);
    assert.deepEqual(row.kpis?.response_time, volt.kpis!.response_time);
    assert.deepEqual(Object.keys(row.kpis!).sort(), ['remote_start_authorization', 'remote_stop_end', 'response_time', 'triggered_function']);
    // A BootNotification of another vendor changes nothing: the identity rule comes first.
    await st.call('BootNotification', { chargePointVendor: 'SPARKBOX', chargePointModel: 'S6' });
    const again = await eventually('CITY-01 boot facts', async () => ((await boundRow('CITY-01'))?.boot ? boundRow('CITY-01') : undefined));
    assert.equal(again.profile?.name, 'volt');
    assert.deepEqual(again.boot, { vendor: 'SPARKBOX', model: 'S6', firmware: undefined });
  });

  test('a station is bound by its 1.6 BootNotification, and keeps its profile when it reconnects without one', async () => {
    let st = await station('C6-A', '1.6');
    const before = await eventually('C6-A seen', () => boundRow('C6-A'));
    assert.equal(before.profile, null, 'nothing binds C6-A by its identity');
    assert.equal(before.kpis, null);
    await st.call('BootNotification', { chargePointVendor: 'SPARKBOX GROUP', chargePointModel: 'S6', firmwareVersion: 'V2.1.29_OCPP_S6' });
    const row = await eventually('C6-A bound', async () => ((await boundRow('C6-A'))?.profile ? boundRow('C6-A') : undefined));
    assert.equal(row.profile?.name, 'c6');
    assert.equal(row.profile?.product, 'S6');
    assert.equal(row.via, 'boot');
    assert.equal(row.source, 'profile binding');
    assert.deepEqual(row.boot, { vendor: 'SPARKBOX GROUP', model: 'S6', firmware: 'V2.1.29_OCPP_S6' });
    assert.deepEqual(row.kpis?.remote_start_authorization, { declaredMaxS: 90, minS: 42.87, maxS: 42.87, avgS: 42.87 });
    assert.ok(notices.includes('C6-A: certified profile c6 (S6) by boot [profile binding]'), notices.join('\n'));

    await st.close({ force: true });
    await eventually('C6-A disconnected', async () => ((await boundRow('C6-A'))?.connected === false ? true : undefined));
    st = await station('C6-A', '1.6');
    const back = await eventually('C6-A connected again', async () => ((await boundRow('C6-A'))?.connected ? boundRow('C6-A') : undefined));
    assert.equal(back.profile?.name, 'c6', 'the boot facts of the earlier session still bind it');
    assert.equal(notices.filter((n) => n.startsWith('C6-A:')).length, 1, 'a reconnect that changes nothing says nothing');
  });

  test('a 2.0.1 station is bound by its BootNotification; over HTTP with a glob; live KPIs get the audit\'s verdicts', async () => {
    const axStation = await station('HX-7', '2.0.1', {
      GetVariables: async (p) => {
        await sleep(AX_DELAY_MS);
        return { getVariableResult: (p.getVariableData as Array<{ component: object; variable: object }>).map((d) => ({ ...d, attributeStatus: 'Accepted', attributeValue: '300' })) };
      },
    });
    await axStation.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Ampera', model: 'AX 400 US', firmwareVersion: 'ax_v3.0.0' } });
    const { url, token } = control.info();
    const http = async (path: string): Promise<{ status: number; body: any }> => {
      const res = await fetch(new URL(path, url), { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: await res.json() };
    };
    const rows = await eventually('HX-7 bound, over HTTP', async () => {
      const r = await http('/api/profiles/bound?station=HX-*');
      return r.status === 200 && (r.body as BoundStation[])[0]?.profile ? (r.body as BoundStation[]) : undefined;
    });
    assert.deepEqual(rows.map((r) => [r.station, r.profile?.name, r.via, r.source]), [['HX-7', 'ax400', 'boot', `${join(dir, 'bindings.yaml')}#2`]]);
    assert.equal(rows[0]!.boot?.vendor, 'Ampera');

    // Field figures: CITY-01 answers at once, HX-7 after AX_DELAY_MS.
    const item = { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } };
    await (await csms.waitForClient('HX-7')).call('GetVariables', { getVariableData: [item] });
    const voltServer = await csms.waitForClient('CITY-01');
    for (let i = 0; i < 3; i++) await voltServer.call('GetConfiguration', {});
    const kpis = await eventually('response times measured', async () => {
      const r = (await http('/api/kpis?kpi=response_time')).body as KpiSummary[];
      const counted = (id: string) => r.find((k) => k.station === id)?.count ?? 0;
      return counted('HX-7') >= 1 && counted('CITY-01') >= 3 ? r : undefined;
    });
    const bound = (await http('/api/profiles/bound')).body as BoundStation[];
    assert.deepEqual(bound.map((b) => [b.station, b.profile?.name ?? null]), [['C6-A', 'c6'], ['CITY-01', 'volt'], ['HX-7', 'ax400']]);
    const verdict = (id: string) => {
      const k = kpis.find((x) => x.station === id)!;
      const b = bound.find((x) => x.station === id)!;
      return liveVerdict(id, 'response_time', { count: k.count, timeouts: k.timeouts, minMs: k.min, avgMs: k.avg, p95Ms: k.p95, maxMs: k.max }, b.kpis!.response_time);
    };
    assert.equal(verdict('CITY-01')?.verdict, 'within_certified', verdict('CITY-01')?.reason);
    assert.equal(verdict('HX-7')?.verdict, 'slower_than_certified', verdict('HX-7')?.reason);
    assert.match(verdict('HX-7')!.reason, /> certified max 0\.97 s/);

    // The live view polls both routes and shows the same verdicts.
    const view = new ViewStore({ minNotifyMs: 0 });
    const conn = new ControlConnection({ url, token }, view, { pollMs: 100, backlog: 0 });
    conn.start();
    try {
      const table = await eventually('the view\'s KPI table', () => {
        const t = view.kpiTable();
        return t.certified && t.rows.some((r) => r.identity === 'HX-7' && r.verdict) ? t : undefined;
      });
      const row = (id: string, kpi: string) => table.rows.find((r) => r.identity === id && r.kpi === kpi);
      assert.equal(row('HX-7', 'response_time')?.verdict, 'slower_than_certified');
      assert.equal(row('HX-7', 'response_time')?.certified?.maxS, 0.97);
      assert.equal(row('HX-7', 'remote_stop_end')?.verdict, 'no_data');
      assert.equal(row('CITY-01', 'response_time')?.verdict, 'within_certified');
      assert.equal(table.groups.find((g) => g.identity === 'HX-7')?.profile?.product, 'Ampera AX 400 US');
    } finally {
      conn.stop();
    }
  });
});

describe('profiles feature start options', () => {
  test('start gets --profile, --profiles and --bindings; none given: no addon', async () => {
    const cmd = new Command().exitOverride();
    profilesFeature.startOptions!(cmd);
    cmd.parse(['--profiles', 'p', '--bindings', 'b.yaml', '--profile', 'one.json'], { from: 'user' });
    assert.deepEqual(cmd.opts(), { profiles: 'p', bindings: 'b.yaml', profile: 'one.json' });
    assert.deepEqual(await startAddons({}), []);
  });

  test('a bad profile, bindings file or folder stops the start with the file and each problem', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'profile-binding-bad-'));
    try {
      writeFileSync(join(bad, 'typo.json'), JSON.stringify({ product: 'X', ocppVersion: '1.6', kpis: { response_time: { declaredMax: 3 } } }));
      writeFileSync(join(bad, 'bindings.yaml'), '- profile: typo.json\n  station: ["X-*"]\n');
      mkdirSync(join(bad, 'empty'));
      await assert.rejects(startAddons({ profile: join(bad, 'typo.json') }), /typo\.json: not a valid profile:\n(  - .*\n)*  - \/kpis\/response_time: unknown key "declaredMax"/);
      await assert.rejects(startAddons({ bindings: join(bad, 'bindings.yaml') }), /bindings\.yaml: not a valid bindings file:\n {2}- \/0: needs "stations" or "match"/);
      await assert.rejects(startAddons({ profiles: join(bad, 'missing') }), /missing: not a profile folder:\n {2}- cannot read: ENOENT/);
      await assert.rejects(startAddons({ profiles: join(bad, 'empty') }), /empty: no certified profile in it/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
