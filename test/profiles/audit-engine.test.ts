/**
 * The audit engine on rows built here: every KPI verdict and every finding type, with profiles imported from the
 * report fixtures (Voltline: OCPP 1.6, Core only, 2 connectors; Ampera AX 400: OCPP 2.0.1, 4 EVSEs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KpiName } from '../../src/kpi/kpi-types.js';
import { importReport } from '../../src/profiles/report-import.js';
import { createResolver } from '../../src/profiles/bindings.js';
import { auditExitCode, runAudit } from '../../src/profiles/audit-engine.js';
import { formatAuditTable } from '../../src/profiles/audit-format.js';
import { kpiVerdict } from '../../src/profiles/audit-kpi.js';
import { idRefs } from '../../src/profiles/audit-frames.js';
import { payloadOf, type AuditFrame, type AuditKpiRow, type AuditSession, type Finding } from '../../src/profiles/audit-types.js';
import type { CertifiedProfile } from '../../src/profiles/profile-types.js';
import { fixturesDir } from '../support/reports.js';

const certDir = fixturesDir;
const volt = importReport(readFileSync(certDir + 'voltline-duo-ocpp16-markdown.txt', 'utf8'));
const ax = importReport(readFileSync(certDir + 'ampera-ax400-ocpp201-family.txt', 'utf8'));
const T0 = Date.UTC(2026, 0, 1) * 1000;

const kpiRow = (station: string, kpi: KpiName, ms: { min: number; avg: number; p95: number; max: number }, count = 10, timeouts = 0): AuditKpiRow => ({
  station, kpi, count, timeouts, min_ms: ms.min, avg_ms: ms.avg, p50_ms: ms.avg, p95_ms: ms.p95, p99_ms: ms.max, max_ms: ms.max,
});

let seq = 0;
const frame = (identity: string, direction: AuditFrame['direction'], kind: string, action: string, messageId: string, payload: unknown): AuditFrame => {
  seq++;
  // As the store keeps it: the whole frame's text.
  const text = JSON.stringify(kind === 'CALL' ? [2, messageId, action, payload] : [3, messageId, payload]);
  return { seq, identity, direction, kind, action, messageId, text, receivedAt: T0 + seq * 1000, size: 0 };
};
const session = (identity: string, over: Partial<AuditSession> = {}): AuditSession => ({
  sessionId: `s-${identity}`, identity, openedAt: T0, securityProfile: 0, tlsVersion: '', tlsCipher: '', stationProtocol: 'ocpp1.6', ...over,
});
const only = (p: CertifiedProfile) => createResolver([], [{ file: `${p.product}.json`, profile: p }]);
const codes = (fs: Finding[]): string[] => fs.map((f) => `${f.level}:${f.code}`).sort();

test('KPI verdicts: within, slower than certified, exceeds declared max, no data', () => {
  // Voltline response time: declared max 8 s, certified 0.05 / 1.00 / 0.09.
  const v = (ms: { min: number; avg: number; p95: number; max: number }) => kpiVerdict('response_time', kpiRow('CP', 'response_time', ms), volt).verdict;
  assert.equal(v({ min: 40, avg: 90, p95: 900, max: 1500 }), 'within_certified', 'p95 0.9 s ≤ 1.00 s, max 1.5 s ≤ 8 s');
  assert.equal(v({ min: 40, avg: 300, p95: 1200, max: 2000 }), 'slower_than_certified', 'p95 1.2 s > 1.00 s');
  assert.equal(v({ min: 40, avg: 300, p95: 900, max: 8500 }), 'exceeds_declared_max', 'max 8.5 s > 8 s');
  assert.equal(v({ min: 40, avg: 300, p95: 9000, max: 9500 }), 'exceeds_declared_max', 'the worse verdict wins');
  assert.equal(kpiVerdict('response_time', undefined, volt).verdict, 'no_data');
  assert.equal(kpiVerdict('response_time', { ...kpiRow('CP', 'response_time', { min: 0, avg: 0, p95: 0, max: 0 }), count: 0 }, volt).verdict, 'no_data');
  const notMeasurable: CertifiedProfile = { ...volt, kpis: { ...volt.kpis, remote_stop_end: { declaredMaxS: null, minS: null, maxS: null, avgS: null } } };
  const nm = kpiVerdict('remote_stop_end', kpiRow('CP', 'remote_stop_end', { min: 1, avg: 1, p95: 1, max: 1 }), notMeasurable);
  assert.equal(nm.verdict, 'no_data');
  assert.match(nm.reason, /not measurable/);
});

test('KPI verdicts become findings; timeouts are a warning; the exit code gates on errors', () => {
  const report = runAudit({
    resolve: only(volt),
    kpis: [
      kpiRow('CP-1', 'response_time', { min: 40, avg: 300, p95: 900, max: 8500 }),
      kpiRow('CP-1', 'triggered_function', { min: 400, avg: 1500, p95: 2500, max: 2600 }, 5, 2),
      kpiRow('CP-1', 'remote_start_authorization', { min: 3000, avg: 3000, p95: 3000, max: 3000 }),
    ],
    frames: [],
    sessions: [],
    now: new Date(T0 / 1000),
  });
  const st = report.stations[0]!;
  assert.deepEqual(st.kpis.map((k) => [k.kpi, k.verdict]), [
    ['response_time', 'exceeds_declared_max'],
    ['triggered_function', 'slower_than_certified'],
    ['remote_start_authorization', 'within_certified'],
    ['remote_stop_end', 'no_data'],
  ]);
  assert.deepEqual(codes(st.findings), ['error:kpi_exceeds_declared_max', 'warning:kpi_slower_than_certified', 'warning:kpi_timeouts']);
  assert.equal(report.summary.errors, 1);
  assert.equal(auditExitCode(report), 2);
  const table = formatAuditTable(report);
  assert.match(table, /response_time\s+10\s+0\.040\s+0\.300\s+0\.900\s+8\.500\s+0\.05\s+0\.09\s+1\.00\s+8\.00\s+exceeds_declared_max/);
});

test('a station no profile applies to: info, exit code 0', () => {
  const report = runAudit({ resolve: () => undefined, kpis: [], frames: [], sessions: [session('LONELY')] });
  assert.deepEqual(codes(report.stations[0]!.findings), ['info:no_profile']);
  assert.equal(auditExitCode(report), 0);
});

test('1.6 traffic: uncertified actions, connector ids, heartbeat, GetConfiguration keys, version, security profile', () => {
  const S = 'CITY-1';
  const frames = [
    frame(S, 'to-csms', 'CALL', 'BootNotification', 'b1', { chargePointVendor: 'Voltline', chargePointModel: '2.1' }),
    frame(S, 'to-station', 'CALLRESULT', '', 'b1', { status: 'Accepted', currentTime: '2026-01-01T00:00:00Z', interval: 30 }),
    frame(S, 'to-station', 'CALL', 'SetChargingProfile', 'sc1', { connectorId: 1, csChargingProfiles: { chargingProfileId: 1, stackLevel: 0 } }),
    frame(S, 'to-station', 'CALL', 'SetChargingProfile', 'sc2', { connectorId: 1, csChargingProfiles: { chargingProfileId: 2, stackLevel: 0 } }),
    frame(S, 'to-csms', 'CALL', 'FirmwareStatusNotification', 'fw1', { status: 'Idle' }),
    frame(S, 'to-csms', 'CALL', 'SecurityEventNotification', 'se1', { type: 'x', timestamp: '2026-01-01T00:00:00Z' }),
    frame(S, 'to-csms', 'CALL', 'StatusNotification', 'st3', { connectorId: 3, status: 'Available', errorCode: 'NoError' }),
    frame(S, 'to-csms', 'CALL', 'StatusNotification', 'st0', { connectorId: 0, status: 'Available', errorCode: 'NoError' }),
    frame(S, 'to-csms', 'CALL', 'StatusNotification', 'st2', { connectorId: 2, status: 'Available', errorCode: 'NoError' }),
    frame(S, 'to-station', 'CALL', 'ChangeConfiguration', 'cc1', { key: 'HeartbeatInterval', value: '5000000000' }),
    frame(S, 'to-station', 'CALL', 'ChangeConfiguration', 'cc2', { key: 'HeartbeatInterval', value: '300' }),
    frame(S, 'to-station', 'CALL', 'GetConfiguration', 'gc1', { key: Array.from({ length: 58 }, (_, i) => `K${i}`) }),
    frame(S, 'to-station', 'CALL', 'GetConfiguration', 'gc2', { key: Array.from({ length: 57 }, (_, i) => `K${i}`) }),
    frame(S, 'to-station', 'CALL', 'RemoteStartTransaction', 'rs1', { idTag: 'T', connectorId: 2 }),
    // Injected by a rule on purpose: not held against the CSMS.
    { ...frame(S, 'to-station', 'CALL', 'ReserveNow', 'rn1', { connectorId: 1, expiryDate: 'x', idTag: 'T', reservationId: 1 }), origin: 'rule' },
  ];
  const report = runAudit({
    resolve: only(volt),
    kpis: [],
    frames,
    sessions: [session(S, { securityProfile: 2, stationProtocol: 'ocpp2.0.1' })],
  });
  const st = report.stations[0]!;
  assert.deepEqual(st.boot, { vendor: 'Voltline', model: '2.1', firmware: undefined });
  const by = (code: string): Finding[] => st.findings.filter((f) => f.code === code);

  const uncertified = by('uncertified_action');
  assert.deepEqual(uncertified.map((f) => [f.level, f.message]).sort(), [
    ['error', 'SetChargingProfile sent by the CSMS: profile Smart Charging is "Not Tested" in the certificate'],
    ['warning', 'FirmwareStatusNotification sent by the station: profile Firmware Management is "Not Tested" in the certificate'],
    ['warning', 'SecurityEventNotification sent by the station: extension Security extension is not listed in the certificate'],
  ]);
  const sc = uncertified.find((f) => f.message.startsWith('SetChargingProfile'))!;
  assert.equal(sc.count, 2, 'repeats fold into one finding');
  assert.deepEqual(sc.evidence.map((e) => e.messageId), ['sc1', 'sc2']);
  assert.equal(sc.evidence[0]!.seq, frames[2]!.seq);
  assert.equal(sc.evidence[0]!.at, new Date((T0 + frames[2]!.seq * 1000) / 1000).toISOString());

  assert.deepEqual(by('connector_out_of_range').map((f) => [f.level, f.evidence[0]!.messageId]), [['error', 'st3']]);
  assert.match(by('connector_out_of_range')[0]!.message, /connector 3; certified hardware has 2 connector/);

  const hb = by('heartbeat_interval_out_of_range');
  assert.deepEqual(hb.map((f) => f.evidence[0]!.messageId).sort(), ['b1', 'cc1']);
  assert.ok(hb.every((f) => f.level === 'warning'));
  assert.match(hb.find((f) => f.evidence[0]!.messageId === 'b1')!.message, /BootNotification response interval 30 s is below the certified minimum 60 s/);
  assert.match(hb.find((f) => f.evidence[0]!.messageId === 'cc1')!.message, /above the certified maximum 4294967296 s/);

  const limits = by('message_limit_exceeded');
  assert.deepEqual(limits.map((f) => [f.level, f.evidence[0]!.messageId, f.message]), [
    ['error', 'gc1', 'GetConfiguration with 58 keys; certified GetConfigurationMaxKeys is 57'],
  ]);

  assert.deepEqual(by('ocpp_version_mismatch').map((f) => f.message), ['station speaks OCPP 2.0.1; the profile certifies OCPP 1.6']);
  assert.deepEqual(by('security_profile_not_certified').map((f) => [f.level, f.message, f.evidence[0]!.sessionId]), [
    ['error', 'session at security profile 2; certified: 0', `s-${S}`],
  ]);
  assert.equal(auditExitCode(report), 2);
});

test('2.0.1 traffic: EVSE/connector ids, item and byte limits, ping interval, cipher suites', () => {
  const S = 'AX-1';
  const profile: CertifiedProfile = { ...ax, settings: { ...ax.settings, 'Minimum WebSocketPingInterval supported': 10, BytesPerMessageGetVariables: 60000 } };
  const getVars = (n: number) => ({ getVariableData: Array.from({ length: n }, (_, i) => ({ component: { name: 'C' }, variable: { name: `V${i}` } })) });
  const frames = [
    frame(S, 'to-csms', 'CALL', 'StatusNotification', 'sn5', { timestamp: 't', connectorStatus: 'Available', evseId: 5, connectorId: 1 }),
    frame(S, 'to-csms', 'CALL', 'StatusNotification', 'sn4', { timestamp: 't', connectorStatus: 'Available', evseId: 4, connectorId: 1 }),
    frame(S, 'to-csms', 'CALL', 'TransactionEvent', 'te1', { eventType: 'Started', evse: { id: 2, connectorId: 2 } }),
    frame(S, 'to-station', 'CALL', 'GetVariables', 'gv1', getVars(1001)),
    frame(S, 'to-station', 'CALL', 'GetVariables', 'gv2', getVars(1000)),
    frame(S, 'to-station', 'CALL', 'GetVariables', 'gv3', getVars(50)),
    frame(S, 'to-station', 'CALL', 'SetVariables', 'sv1', {
      setVariableData: [
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'WebSocketPingInterval' }, attributeValue: '5' },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '0' },
      ],
    }),
    frame(S, 'to-station', 'CALL', 'SetChargingProfile', 'scp', { evseId: 1, chargingProfile: { id: 1, stackLevel: 0 } }),
    frame(S, 'to-station', 'CALL', 'RequestStartTransaction', 'rst', { idToken: { idToken: 'x', type: 'Central' }, remoteStartId: 1, evseId: 3 }),
  ];
  // Make gv3 big in bytes only.
  frames[5]!.size = 70000;
  const sessions = [
    session(S, { sessionId: 'tls12', stationProtocol: 'ocpp2.0.1', securityProfile: 3, tlsVersion: 'TLSv1.2', tlsCipher: 'ECDHE-ECDSA-AES128-GCM-SHA256' }),
    session(S, { sessionId: 'rsa', stationProtocol: 'ocpp2.0.1', securityProfile: 2, tlsVersion: 'TLSv1.2', tlsCipher: 'ECDHE-RSA-AES256-GCM-SHA384' }),
    session(S, { sessionId: 'tls13', stationProtocol: 'ocpp2.0.1', securityProfile: 2, tlsVersion: 'TLSv1.3', tlsCipher: 'TLS_AES_256_GCM_SHA384' }),
    session(S, { sessionId: 'plain', stationProtocol: 'ocpp2.0.1', securityProfile: 0 }),
  ];
  const report = runAudit({ resolve: only(profile), kpis: [], frames, sessions });
  const f = report.stations[0]!.findings;
  const by = (code: string): Finding[] => f.filter((x) => x.code === code);

  assert.deepEqual(by('evse_out_of_range').map((x) => [x.level, x.evidence[0]!.messageId]), [['error', 'sn5']]);
  assert.match(by('evse_out_of_range')[0]!.message, /EVSE 5; certified hardware has 4 EVSE/);
  assert.deepEqual(by('connector_out_of_range').map((x) => x.evidence[0]!.messageId), ['te1']);
  assert.match(by('connector_out_of_range')[0]!.message, /connector 2 of EVSE 2; certified EVSE 2 has 1 connector/);

  assert.deepEqual(by('message_limit_exceeded').map((x) => x.message).sort(), [
    'GetVariables of 70000 bytes; certified BytesPerMessageGetVariables is 60000',
    'GetVariables with 1001 items; certified ItemsPerMessageGetVariables is 1000',
  ]);
  assert.deepEqual(by('ping_interval_out_of_range').map((x) => [x.level, x.message]), [
    ['warning', 'SetVariables WebSocketPingInterval 5 s is below the certified minimum 10 s'],
  ]);
  assert.deepEqual(by('heartbeat_interval_out_of_range').map((x) => x.message), ['SetVariables HeartbeatInterval 0 s is below the certified minimum 1 s']);
  assert.deepEqual(by('uncertified_action').map((x) => [x.level, x.evidence[0]!.messageId]), [['error', 'scp']]);
  assert.match(by('uncertified_action')[0]!.message, /Smart Charging is "Not Tested"/);

  assert.deepEqual(by('cipher_not_certified').map((x) => [x.level, x.evidence[0]!.sessionId, x.message]), [
    ['error', 'rsa', 'cipher suite TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 in use; certified: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
  ]);
  assert.deepEqual(by('cipher_not_listed').map((x) => [x.level, x.evidence[0]!.sessionId]), [['info', 'tls13']]);
  assert.deepEqual(by('security_profile_not_certified').map((x) => x.evidence[0]!.sessionId), ['plain']);
  assert.equal(by('ocpp_version_mismatch').length, 0);
  // Errors come first in a station's findings.
  const levels = f.map((x) => x.level);
  assert.deepEqual(levels, [...levels].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)));
});

test('idRefs: where EVSE and connector ids sit in payloads', () => {
  assert.deepEqual(idRefs({ connectorId: 2, meterValue: [] }, '1.6'), [{ connector: 2 }]);
  assert.deepEqual(idRefs({ evseId: 1, connectorId: 1 }, '2.0.1'), [{ evse: 1, connector: 1 }]);
  assert.deepEqual(idRefs({ evse: { id: 2 } }, '2.0.1'), [{ evse: 2, connector: undefined }]);
  assert.deepEqual(idRefs({ getVariableData: [{ component: { name: 'EVSE', evse: { id: 3, connectorId: 1 } } }] }, '2.0.1'), [{ evse: 3, connector: 1 }]);
  assert.deepEqual(idRefs({ connectorId: 1 }, '2.0.1'), [], 'a 2.0.1 connector id means nothing without its EVSE');
});

test('stations with different profiles in one audit (bindings by boot facts)', () => {
  const resolve = createResolver(
    [
      { loaded: { file: 'volt.json', profile: volt }, match: { vendor: 'Voltline' }, source: 'b#1' },
      { loaded: { file: 'ax.json', profile: ax }, stations: ['AX-*'], source: 'b#2' },
    ],
    [],
  );
  const report = runAudit({
    resolve,
    kpis: [kpiRow('AX-7', 'response_time', { min: 80, avg: 130, p95: 500, max: 900 })],
    frames: [frame('CP-X', 'to-csms', 'CALL', 'BootNotification', 'b', { chargePointVendor: 'Voltline', chargePointModel: '2.1' })],
    sessions: [session('OTHER')],
  });
  assert.deepEqual(report.stations.map((s) => [s.station, s.profile?.product ?? null, s.profile?.source ?? null]), [
    ['AX-7', 'Ampera AX 400 US', 'b#2'],
    ['CP-X', 'Voltline Duo', 'b#1'],
    ['OTHER', null, null],
  ]);
  assert.equal(report.stations[0]!.kpis[0]!.verdict, 'within_certified');
  assert.equal(auditExitCode(report), 0);
});

test('payloadOf: the text of a frame as stored, or a bare payload', () => {
  assert.deepEqual(payloadOf('[2,"1","Heartbeat",{}]'), {});
  assert.deepEqual(payloadOf('[3,"1",{"status":"Accepted","interval":300}]'), { status: 'Accepted', interval: 300 });
  assert.equal(payloadOf('[4,"1","NotImplemented","",{}]'), undefined);
  assert.deepEqual(payloadOf('{"connectorId":1}'), { connectorId: 1 });
  assert.equal(payloadOf(''), undefined);
  assert.equal(payloadOf('[2,"1","Authorize",{"idTag":'), undefined, 'cut text');
});

test('a minimal hand-written profile is audited for what it gives, and nothing else', () => {
  const minimal: CertifiedProfile = { product: 'Home brew', ocppVersion: '1.6', kpis: { response_time: { declaredMaxS: 2, minS: null, maxS: null, avgS: null } } };
  const report = runAudit({
    resolve: only(minimal),
    kpis: [kpiRow('HB-1', 'response_time', { min: 100, avg: 900, p95: 1900, max: 2500 })],
    frames: [
      frame('HB-1', 'to-station', 'CALL', 'SetChargingProfile', 'x', { connectorId: 9, csChargingProfiles: { stackLevel: 99 } }),
      frame('HB-1', 'to-station', 'CALL', 'GetConfiguration', 'y', { key: Array.from({ length: 500 }, (_, i) => `K${i}`) }),
    ],
    sessions: [session('HB-1', { securityProfile: 3, tlsVersion: 'TLSv1.2', tlsCipher: 'AES128-SHA256' })],
  });
  const st = report.stations[0]!;
  assert.deepEqual(st.kpis.map((k) => k.verdict), ['exceeds_declared_max', 'no_data', 'no_data', 'no_data']);
  assert.deepEqual(codes(st.findings), ['error:kpi_exceeds_declared_max'], 'no profiles, hardware, settings or security facts: no such findings');
});

test('BootNotification against the bound certificate: a warning per field that names something else; no_profile shows what the station said', () => {
  // Bound by identity to Voltline Duo (holder Voltline, firmware 3.73), but it says it is another vendor's.
  const byId = createResolver([{ loaded: { file: 'volt.json', profile: volt }, stations: ['CP-*'], source: 'b#1' }], []);
  const report = runAudit({
    resolve: byId,
    kpis: [],
    frames: [
      frame('CP-1', 'to-csms', 'CALL', 'BootNotification', 'b1', { chargePointVendor: 'Ampera', chargePointModel: 'AX 200 US', firmwareVersion: 'ax_v3.0.0' }),
      frame('CP-2', 'to-csms', 'CALL', 'BootNotification', 'b2', { chargePointVendor: 'VOLTLINE', chargePointModel: 'Duo', firmwareVersion: '3.73' }),
    ],
    sessions: [],
  });
  const [cp1, cp2] = report.stations;
  assert.deepEqual(codes(cp1!.findings), ['warning:boot_mismatch', 'warning:boot_mismatch', 'warning:boot_mismatch']);
  assert.deepEqual(cp1!.findings.map((f) => f.message), [
    'its BootNotification names vendor "Ampera", the certificate holder "Voltline": is the right certificate bound to it?',
    'its BootNotification names model "AX 200 US", the certificate product "Voltline Duo": is the right certificate bound to it?',
    'its BootNotification names firmware "ax_v3.0.0", the certificate firmware "3.73": is the right certificate bound to it?',
  ]);
  assert.deepEqual(codes(cp2!.findings), [], 'the same names spelled otherwise (case, a shorter form) are no mismatch');

  const unbound = runAudit({
    resolve: createResolver([], []),
    kpis: [],
    frames: [frame('NEW-1', 'to-csms', 'CALL', 'BootNotification', 'b3', { chargePointVendor: 'Ampera', chargePointModel: 'AX 200 EU' })],
    sessions: [session('NEW-2')],
  });
  assert.equal(
    unbound.stations[0]!.findings[0]!.message,
    'no certified profile applies to this station (check bindings): its BootNotification names vendor "Ampera", model "AX 200 EU"; a binding for it: match: {vendor: "Ampera", model: "AX 200 EU"}',
  );
  assert.match(unbound.stations[1]!.findings[0]!.message, /: no BootNotification recorded for it$/);
});
