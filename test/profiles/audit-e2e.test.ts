/**
 * End to end: real ocpp-rpc stations answer with known delays through the real relay with the KPI and store
 * addons (embedded chDB); the audit then reads the store and must give the verdicts those delays imply.
 *
 * Three OCPP 1.6 stations, each bound by a bindings file to its own profile (Voltline's certificate, KPIs edited):
 * - E2E-FAST answers at once, profile as certified (max 1.00 s, declared 8 s)  → within_certified;
 * - E2E-MID answers in 300 ms, certified max edited to 0.10 s, declared 8 s    → slower_than_certified;
 * - E2E-SLOW answers in 300 ms, declared max edited to 0.10 s                  → exceeds_declared_max (an error).
 * E2E-SLOW also gets a SetChargingProfile (Smart Charging is "Not Tested") and reports a connector 3 (it has 2).
 * One OCPP 2.0.1 station, E2E-MEMBER, bound by its BootNotification to the AX 200 US family member's profile (2 EVSEs,
 * ItemsPerMessageGetVariables edited to 2): it reports EVSE 3 and gets a GetVariables of 3 items.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RPCClient } from 'ocpp-rpc';
import { startRelay, type Relay } from '../../src/core/relay.js';
import { createKpiAddon } from '../../src/kpi/index.js';
import { createStoreAddon, type StoreAddon } from '../../src/store/index.js';
import { createControlAddon } from '../../src/control/control-server.js';
import { importReport } from '../../src/profiles/report-import.js';
import { memberProfile } from '../../src/profiles/family-member.js';
import { auditFromStore } from '../../src/profiles/audit-command.js';
import { auditExitCode } from '../../src/profiles/audit-engine.js';
import type { AuditReport } from '../../src/profiles/audit-types.js';
import type { CertifiedProfile } from '../../src/profiles/profile-types.js';
import { connectStation, startCsms, type TestCsms } from '../support/ocpp-peers.js';
import { fixturesDir } from '../support/reports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const volt = importReport(readFileSync(fixturesDir + 'voltline-duo-ocpp16-markdown.txt', 'utf8'));
const ax200us = memberProfile(importReport(readFileSync(fixturesDir + 'ampera-ax400-ocpp201-family.txt', 'utf8')), 'Ampera AX 200 US')!;
const DELAY_MS = 300;
const CALLS = 4;

const dir = mkdtempSync(join(tmpdir(), 'audit-e2e-'));
const dataDir = join(dir, 'data');
let csms: TestCsms;
let relay: Relay;
let store: StoreAddon;
const stations: RPCClient[] = [];
let report: AuditReport;

function writeProfile(name: string, rt: Partial<NonNullable<NonNullable<CertifiedProfile['kpis']>['response_time']>>): void {
  const p: CertifiedProfile = { ...volt, kpis: { ...volt.kpis, response_time: { ...volt.kpis!.response_time!, ...rt } } };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(p, null, 2));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

before(async () => {
  writeProfile('fast', {});
  writeProfile('mid', { maxS: 0.1 });
  writeProfile('slow', { declaredMaxS: 0.1 });
  writeFileSync(join(dir, 'ax200us.json'), JSON.stringify({ ...ax200us, settings: { ...ax200us.settings, ItemsPerMessageGetVariables: 2 } }));
  writeFileSync(
    join(dir, 'bindings.yaml'),
    [
      '- profile: fast.json', '  stations: [E2E-FAST]',
      '- profile: mid.json', '  stations: [E2E-MID]',
      '- profile: slow.json', '  match: {vendor: "slow*"}',
      '- profile: ax200us.json', '  match: {vendor: ampera, model: "AX 200*", firmware: "ax_v3.*"}',
    ].join('\n'),
  );

  csms = await startCsms({ protocols: ['ocpp1.6', 'ocpp2.0.1'] });
  store = createStoreAddon({ dataDir, flushMs: 50 });
  // The control API lets `audit` read the store while this proxy holds the chDB folder.
  relay = await startRelay({ upstream: csms.url, dataDir, addons: [createKpiAddon(), store, createControlAddon({ dataDir })] });
  for (const [identity, delay, vendor] of [['E2E-FAST', 0, 'Voltline'], ['E2E-MID', DELAY_MS, 'mid co'], ['E2E-SLOW', DELAY_MS, 'slow co']] as const) {
    const st = await connectStation({
      url: `${relay.url}/ocpp`,
      identity,
      protocols: ['ocpp1.6'],
      handlers: {
        GetConfiguration: async () => (await sleep(delay), { configurationKey: [] }),
        SetChargingProfile: async () => (await sleep(delay), { status: 'Accepted' }),
      },
    });
    stations.push(st);
    await st.call('BootNotification', { chargePointVendor: vendor, chargePointModel: 'Voltline Duo' });
    const server = await csms.waitForClient(identity);
    for (let i = 0; i < CALLS; i++) await server.call('GetConfiguration', { key: ['HeartbeatInterval'] });
    if (identity === 'E2E-SLOW') {
      await st.call('StatusNotification', { connectorId: 3, errorCode: 'NoError', status: 'Available' });
      await server.call('SetChargingProfile', {
        connectorId: 1,
        csChargingProfiles: {
          chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
          chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        },
      });
    }
  }
  const ax = await connectStation({
    url: `${relay.url}/ocpp`,
    identity: 'E2E-MEMBER',
    protocols: ['ocpp2.0.1'],
    handlers: {
      GetVariables: (p) => ({
        getVariableResult: (p.getVariableData as Array<{ component: object; variable: object }>).map((d) => ({ ...d, attributeStatus: 'UnknownVariable' })),
      }),
    },
  });
  stations.push(ax);
  await ax.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Ampera', model: 'AX 200 US', firmwareVersion: 'ax_v3.0.0' } });
  const axServer = await csms.waitForClient('E2E-MEMBER');
  await ax.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 3, connectorId: 1 });
  const item = (name: string) => ({ component: { name: 'OCPPCommCtrlr' }, variable: { name } });
  for (let i = 0; i < CALLS - 1; i++) await axServer.call('GetVariables', { getVariableData: [item('HeartbeatInterval')] });
  await axServer.call('GetVariables', { getVariableData: [item('HeartbeatInterval'), item('WebSocketPingInterval'), item('OfflineThreshold')] });

  // KPI samples and frames reach the store off the relay path: wait for them.
  const deadline = Date.now() + 10_000;
  for (;;) {
    await store.flush();
    report = await auditFromStore({ bindings: join(dir, 'bindings.yaml') }, store.reader());
    const counted = report.stations.map((s) => s.kpis.find((k) => k.kpi === 'response_time')?.field?.count ?? 0);
    if ((report.stations.length === 4 && counted.every((c) => c >= CALLS)) || Date.now() > deadline) break;
    await sleep(100);
  }
});

after(async () => {
  for (const st of stations) await st.close({ force: true });
  await relay?.close();
  await csms?.close();
  rmSync(dir, { recursive: true, force: true });
});

const stationOf = (id: string) => {
  const s = report.stations.find((x) => x.station === id);
  assert.ok(s, `${id} in the report: ${JSON.stringify(report.stations.map((x) => x.station))}`);
  return s;
};
const rt = (id: string) => stationOf(id).kpis.find((k) => k.kpi === 'response_time')!;

test('each station is audited against the profile its binding picks', () => {
  assert.equal(stationOf('E2E-FAST').profile?.file, join(dir, 'fast.json'));
  assert.equal(stationOf('E2E-MID').profile?.file, join(dir, 'mid.json'));
  assert.equal(stationOf('E2E-SLOW').profile?.file, join(dir, 'slow.json'), 'bound by the vendor in its BootNotification');
  assert.deepEqual(stationOf('E2E-SLOW').boot, { vendor: 'slow co', model: 'Voltline Duo', firmware: undefined });
});

test('response time verdicts follow the delays the stations answered with', () => {
  const fast = rt('E2E-FAST');
  assert.equal(fast.field?.count, CALLS);
  assert.ok(fast.field!.maxMs! < 1000, `fast max ${fast.field!.maxMs} ms`);
  assert.equal(fast.verdict, 'within_certified');

  const mid = rt('E2E-MID');
  assert.equal(mid.field?.count, CALLS);
  assert.ok(mid.field!.minMs! >= DELAY_MS - 1, `mid min ${mid.field!.minMs} ms ≥ ${DELAY_MS}`);
  assert.equal(mid.verdict, 'slower_than_certified');

  const slow = rt('E2E-SLOW');
  assert.ok(slow.field!.count >= CALLS);
  assert.ok(slow.field!.maxMs! >= DELAY_MS - 1);
  assert.equal(slow.verdict, 'exceeds_declared_max');
  assert.equal(stationOf('E2E-FAST').kpis.find((k) => k.kpi === 'remote_stop_end')!.verdict, 'no_data');
});

test('findings from the recorded traffic', () => {
  const codes = (id: string) => stationOf(id).findings.map((f) => `${f.level}:${f.code}`).sort();
  assert.deepEqual(codes('E2E-FAST'), []);
  assert.deepEqual(codes('E2E-MID'), ['warning:boot_mismatch', 'warning:kpi_slower_than_certified']);
  assert.deepEqual(codes('E2E-SLOW'), ['error:connector_out_of_range', 'error:kpi_exceeds_declared_max', 'error:uncertified_action', 'warning:boot_mismatch']);
  // The station's BootNotification names another vendor than the certificate bound to it (by identity).
  const boot = stationOf('E2E-MID').findings.find((f) => f.code === 'boot_mismatch')!;
  assert.equal(boot.message, 'its BootNotification names vendor "mid co", the certificate holder "Voltline": is the right certificate bound to it?');
  const sc = stationOf('E2E-SLOW').findings.find((f) => f.code === 'uncertified_action')!;
  assert.match(sc.message, /^SetChargingProfile sent by the CSMS: profile Smart Charging is "Not Tested"/);
  assert.ok(sc.evidence[0]!.seq! > 0 && sc.evidence[0]!.messageId, 'evidence names the frame');
  assert.equal(auditExitCode(report), 2);
});

test('2.0.1: a family member\'s hardware and settings against real frames', () => {
  const st = stationOf('E2E-MEMBER');
  assert.equal(st.profile?.file, join(dir, 'ax200us.json'), 'bound by vendor, model and firmware');
  assert.equal(st.kpis[0]!.verdict, 'within_certified');
  const by = (code: string) => st.findings.filter((f) => f.code === code);
  assert.deepEqual(st.findings.map((f) => `${f.level}:${f.code}`).sort(), ['error:evse_out_of_range', 'error:message_limit_exceeded', 'error:security_profile_not_certified']);
  assert.match(by('evse_out_of_range')[0]!.message, /^StatusNotification from the station names EVSE 3; certified hardware has 2 EVSE/);
  assert.equal(by('message_limit_exceeded')[0]!.message, 'GetVariables with 3 items; certified ItemsPerMessageGetVariables is 2');
  // Plain ws (security profile 0): 2.0.1 certifies profiles 1-3 only.
  assert.equal(by('security_profile_not_certified')[0]!.message, 'session at security profile 0; certified: 1, 2, 3');
});

/** The CLI in a child process, without blocking this one (the proxy under test answers its control API). */
const audit = (...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const argv = ['--import', 'tsx', 'test/profiles/run-cli.ts', 'audit', '--data', dataDir, '--bindings', join(dir, 'bindings.yaml'), ...args];
    execFile(process.execPath, argv, { cwd: root }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });

const verdicts = (r: AuditReport) => r.stations.map((s) => [s.station, s.kpis[0]!.verdict]);
const EXPECTED = [
  ['E2E-FAST', 'within_certified'],
  ['E2E-MEMBER', 'within_certified'],
  ['E2E-MID', 'slower_than_certified'],
  ['E2E-SLOW', 'exceeds_declared_max'],
];

test('the audit command asks the running proxy (it holds the store) and exits 2 on errors', async () => {
  const json = await audit('--format', 'json');
  assert.equal(json.status, 2, json.stderr);
  assert.deepEqual(verdicts(JSON.parse(json.stdout) as AuditReport), EXPECTED);
  const fastOnly = await audit('--station', 'E2E-FAST');
  assert.equal(fastOnly.status, 0, fastOnly.stderr);
  assert.match(fastOnly.stdout, /response_time\s+4\s.*within_certified/);
  assert.match(fastOnly.stdout, /1 station\(s\): 0 error\(s\)/);
});

test('the audit command reads the store folder itself once the proxy is gone', async () => {
  for (const st of stations.splice(0)) await st.close({ force: true });
  await relay.close();
  const json = await audit('--format', 'json', '--since', '1h');
  assert.equal(json.status, 2, json.stderr);
  const fromCli = JSON.parse(json.stdout) as AuditReport;
  assert.deepEqual(verdicts(fromCli), EXPECTED);
  assert.deepEqual(
    fromCli.stations.find((s) => s.station === 'E2E-SLOW')!.findings.map((f) => f.code).sort(),
    ['boot_mismatch', 'connector_out_of_range', 'kpi_exceeds_declared_max', 'uncertified_action'],
  );
});
