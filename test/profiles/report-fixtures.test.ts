/** The project's report fixtures (invented products in the layouts real OCA reports use), read field by field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importReport, ImportError } from '../../src/profiles/report-import.js';
import { memberProfile } from '../../src/profiles/family-member.js';
import { profileProblems } from '../../src/profiles/profile-load.js';
import { fixturesDir } from '../support/reports.js';

const certDir = fixturesDir;
const read = (name: string): string => readFileSync(certDir + name, 'utf8');

test('Voltline Duo (OCPP 1.6, markdown-ish with ** and <b>)', () => {
  const p = importReport(read('voltline-duo-ocpp16-markdown.txt'));
  assert.equal(p.certificateNumber, 'OCA.0016.9127.CS');
  assert.equal(p.holder, 'Voltline');
  assert.equal(p.product, 'Voltline Duo');
  assert.equal(p.productType, 'Charging Station');
  assert.equal(p.softwareVersion, '3.73');
  assert.equal(p.certificationDate, '2025-10-15');
  assert.equal(p.ocppVersion, '1.6');
  assert.equal(p.testLab, 'Northlab Certification B.V');
  assert.equal(p.configId, '0VOLT0AE-DUO02046');
  assert.deepEqual(p.profiles, {
    Core: 'Pass',
    'Firmware Management': 'Not Tested',
    'Local Authorization List Management': 'Not Tested',
    'Smart Charging': 'Not Tested',
    'Remote Trigger': 'Not Tested',
    Reservation: 'Not Tested',
  });
  assert.deepEqual(p.extensions, {});
  assert.deepEqual(p.hardware?.['HFS-1'], { feature: 'Has a detachable cable', value: 'Yes' });
  assert.deepEqual(p.hardware?.['HFS-8'], { feature: 'No. Connectors', value: '2' });
  assert.deepEqual(p.hardware?.['HFS-9'], { feature: 'Communication technology', value: '4G-LTE, ETHERNET, MODBUS' });
  assert.equal(p.evseCount, 2);
  assert.deepEqual(p.connectors, [
    { connector: 1, current: 'AC', phases: 3, type: 'sType2', cableType: 'Detachable Cable' },
    { connector: 2, current: 'AC', phases: 3, type: 'sType2', cableType: 'Detachable Cable' },
  ]);
  assert.deepEqual(p.features?.['C-07'], { name: 'Support for local start', value: 'Yes' });
  // A group row without a value of its own.
  assert.deepEqual(p.features?.['C-06'], { name: 'Authorization status after cable disconnected on EV side', value: null });
  assert.equal(p.features?.['C-09.2']?.value, 'Current.Import');
  assert.equal(p.features?.['C-09.2']?.vendorValue, 'Energy.Active.Import.Register Current.Import');
  assert.equal(p.additionalQuestions?.['AQ-7.2']?.value, 'Yes');
  assert.equal(p.settings?.GetConfigurationMaxKeys, 57);
  assert.equal(p.settings?.['Minimum HeartbeatInterval supported'], 60);
  assert.equal(p.settings?.['Maximum HeartbeatInterval supported'], 4294967296);
  assert.equal(p.settings?.WebSocketPingInterval, 120);
  // Vendor-specific settings: a version stays text, a number becomes a number.
  assert.equal(p.settings?.SoftwareVersion, '03.73');
  assert.equal(p.settings?.ChargePointIdentity, 'VL-TEST001');
  assert.equal(p.settings?.MaxChargeCurrent, 16);
  assert.deepEqual(p.cipherSuites, []);
  assert.deepEqual(p.securityProfiles, [0]);
  assert.deepEqual(p.kpis, {
    response_time: { declaredMaxS: 8, minS: 0.05, maxS: 1, avgS: 0.09 },
    triggered_function: { declaredMaxS: 30, minS: 0.38, maxS: 2.02, avgS: 1.26 },
    remote_start_authorization: { declaredMaxS: 8, minS: 3.04, maxS: 3.04, avgS: 3.04 },
    remote_stop_end: { declaredMaxS: 8, minS: 0.23, maxS: 0.23, avgS: 0.23 },
  });
  assert.equal(p.family, undefined);
});

test('SPARKBOX S6 (OCPP 1.6 + security extension, tab-separated)', () => {
  const p = importReport(read('sparkbox-s6-ocpp16-security.txt'));
  assert.equal(p.certificateNumber, 'OCA.0016.9970.CS');
  assert.equal(p.holder, 'SPARKBOX GROUP');
  assert.equal(p.product, 'S6');
  assert.equal(p.softwareVersion, 'V2.1.29_OCPP_S6');
  assert.equal(p.certificationDate, '2025-01-24');
  assert.equal(p.ocppVersion, '1.6');
  assert.equal(p.testLab, 'Eastlab Testing Pte. Ltd.');
  for (const name of ['Core', 'Firmware Management', 'Local Authorization List Management', 'Smart Charging', 'Remote Trigger', 'Reservation']) {
    assert.equal(p.profiles?.[name], 'Pass', name);
  }
  assert.deepEqual(p.extensions, { 'Security extension': 'Pass' });
  assert.deepEqual(p.hardware?.['HFS-2'], { feature: 'Has a fixed cable', value: 'Yes' });
  assert.deepEqual(p.hardware?.['HFS-4'], { feature: 'Has DC support', value: 'Yes' });
  assert.deepEqual(p.hardware?.['HFS-9'], { feature: 'Communication technology', value: 'Ethernet, WiFi, Mobile Network' });
  assert.equal(p.evseCount, 2);
  // DC connectors: the phases cell is empty.
  assert.deepEqual(p.connectors, [
    { connector: 1, current: 'DC', phases: null, type: 'cCCS2', cableType: 'Fixed Cable' },
    { connector: 2, current: 'DC', phases: null, type: 'cCCS2', cableType: 'Fixed Cable' },
  ]);
  assert.deepEqual(p.features?.['SC-1.2'], { name: 'W', value: 'Yes' });
  assert.deepEqual(p.features?.['F-1'], { name: 'Support for Secure Firmware Updates', value: 'True' });
  assert.deepEqual(p.cipherSuites, ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_256_GCM_SHA384']);
  assert.deepEqual(p.securityProfiles, [1, 2, 3]);
  // AQ-7.1/7.2 come from a second table with the same header (split across pages).
  assert.equal(p.additionalQuestions?.['AQ-1']?.value, 'Yes');
  assert.equal(p.additionalQuestions?.['AQ-7.1']?.value, 'No');
  assert.equal(p.settings?.GetConfigurationMaxKeys, 60);
  assert.equal(p.settings?.['Minimum HeartbeatInterval supported'], 0);
  assert.equal(p.settings?.SendLocalListMaxLength, 50);
  assert.equal(p.settings?.ChargingProfileMaxStackLevel, 3);
  assert.equal(p.settings?.['Supported file transfer protocols'], 'http https ftp ftps');
  assert.deepEqual(p.kpis, {
    response_time: { declaredMaxS: 15, minS: 0.25, maxS: 5.13, avgS: 0.37 },
    triggered_function: { declaredMaxS: 5, minS: 0.63, maxS: 1.78, avgS: 1.41 },
    remote_start_authorization: { declaredMaxS: 90, minS: 42.87, maxS: 42.87, avgS: 42.87 },
    remote_stop_end: { declaredMaxS: 60, minS: 5.21, maxS: 5.21, avgS: 5.21 },
  });
});

test('Ampera AX 400 US (OCPP 2.0.1 product family, declarations repeat every table)', () => {
  const p = importReport(read('ampera-ax400-ocpp201-family.txt'));
  assert.equal(p.certificateNumber, 'F01.OCA.0201.9108.CS');
  assert.equal(p.certificateUpdate, '2026-01-28');
  assert.equal(p.holder, 'Ampera');
  assert.equal(p.product, 'Ampera AX 400 US');
  assert.equal(p.softwareVersion, 'ax_v3.0.0');
  assert.equal(p.certificationDate, '2025-06-27');
  assert.equal(p.ocppVersion, '2.0.1');
  assert.equal(p.testLab, 'Northlab Certification B.V');
  assert.equal(p.configId, 'A3E0FDD4-BBAEEEE5');
  assert.deepEqual(p.profiles, { Core: 'Pass', 'Advanced Security': 'Pass', 'Smart Charging': 'Not Tested', 'ISO 15118 Support': 'Not Tested' });
  // The representative product's own hardware, not a family member's (AX 200 US has 2 EVSEs and 200 kW).
  assert.deepEqual(p.hardware?.['HFS-8'], { feature: 'No. EVSEs', value: '4' });
  assert.deepEqual(p.hardware?.['HFS-11'], { feature: 'DC power level', value: '400' });
  assert.deepEqual(p.hardware?.['HFS-12'], { feature: 'Number of displays', value: '1' });
  assert.equal(p.evseCount, 4);
  assert.equal(p.connectors?.length, 4);
  assert.deepEqual(p.connectors?.[1], { evse: 2, connector: 1, current: 'DC', phases: null, type: 'cTesla', cableType: 'Fixed Cable' });
  // A table split across a page, its header printed again (C-12.1 is after the break).
  assert.equal(p.features?.['C-12.1']?.value, 'No');
  assert.equal(p.features?.['C-29.6']?.name, 'Trigger message - BootNotification');
  assert.equal(p.features?.['C-30']?.value, 'Yes');
  assert.equal(p.features?.['AS-3']?.value, 'No');
  assert.deepEqual(p.cipherSuites, ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384']);
  // Core (profile 2), Advanced Security (3), and C-61 "Security Profile 1" = Yes.
  assert.deepEqual(p.securityProfiles, [1, 2, 3]);
  assert.equal(p.settings?.ItemsPerMessageGetReport, 204);
  assert.equal(p.settings?.ItemsPerMessageGetVariables, 1000);
  assert.equal(p.settings?.BytesPerMessageSetVariables, 32000000);
  assert.equal(p.settings?.['Minimum HeartbeatInterval supported'], 1);
  assert.equal(p.settings?.['Minimum WebSocketPingInterval supported'], 0);
  assert.equal(p.settings?.WebSocketPingInterval, 5);
  assert.equal(p.settings?.MaxCertificateChainSize, 3);
  assert.equal(p.additionalQuestions?.['AQ-18']?.value, 'No');
  assert.deepEqual(p.kpis, {
    response_time: { declaredMaxS: 30, minS: 0.08, maxS: 0.97, avgS: 0.13 },
    triggered_function: { declaredMaxS: 30, minS: 0.22, maxS: 4.14, avgS: 1.25 },
    remote_start_authorization: { declaredMaxS: 30, minS: 0.21, maxS: 0.59, avgS: 0.43 },
    remote_stop_end: { declaredMaxS: 30, minS: 0.23, maxS: 0.42, avgS: 0.3 },
  });

  assert.deepEqual(
    p.family?.map((m) => [m.product, m.configId, m.description]),
    [
      ['Ampera AX 200 US', 'A3E0FDD4-A79F5657', '200kW fitted for the US market with NACS and CCS1'],
      ['Ampera AX 400 EU', 'A3E0FDD4-947DC507', '400kW fitted for the European markets with CCS2'],
      ['Ampera AX 200 EU', 'A3E0FDD4-C84CA8D7', '200kW fitted for the European markets with CCS2'],
    ],
  );
  const [us200, eu400, eu200] = p.family!;
  assert.equal(us200!.testDate, '2025-09-23');
  assert.equal(eu400!.testDate, '2025-09-09');
  assert.equal(eu200!.testDate, '2025-09-12');
  assert.equal(us200!.firmwareVersion, 'ax_v3.0.0');
  assert.equal(us200!.evseCount, 2);
  assert.equal(us200!.hardware?.['HFS-11']?.value, '200');
  assert.equal(eu400!.hardware?.['HFS-11']?.value, '400');
  assert.equal(us200!.connectors?.[1]?.type, 'cCCSI-NACS');
  assert.equal(eu200!.connectors?.[0]?.type, 'cCCS2');
  assert.equal(us200!.profiles?.['Smart Charging'], 'Not Tested');
  assert.equal(eu200!.settings?.ItemsPerMessageGetReport, 204);
});

test('a family member as a profile of its own: its hardware, the representative\'s KPIs and certificate', () => {
  const p = importReport(read('ampera-ax400-ocpp201-family.txt'));
  const m = memberProfile(p, 'A3E0FDD4-A79F5657');
  assert.ok(m);
  assert.equal(m.product, 'Ampera AX 200 US');
  assert.equal(m.representativeProduct, 'Ampera AX 400 US');
  assert.equal(m.configId, 'A3E0FDD4-A79F5657');
  assert.equal(m.certificateNumber, 'F01.OCA.0201.9108.CS');
  assert.equal(m.evseCount, 2);
  assert.equal(m.hardware?.['HFS-11']?.value, '200');
  assert.equal(m.connectors?.[1]?.type, 'cCCSI-NACS');
  assert.deepEqual(m.kpis, p.kpis);
  assert.equal(m.family, undefined);
  assert.deepEqual(profileProblems(m), []);
  assert.equal(memberProfile(p, 'ampera ax 400 eu')?.configId, 'A3E0FDD4-947DC507');
  assert.equal(memberProfile(p, 'AX 9000'), undefined);
});

test('layouts: space-aligned, CRLF with form feeds read the same as the tab-separated report', () => {
  const tabbed = importReport(read('sparkbox-s6-ocpp16-security.txt'));
  assert.deepEqual(importReport(read('sparkbox-s6-ocpp16-crlf.txt')), tabbed);
  assert.ok(read('sparkbox-s6-ocpp16-crlf.txt').includes('\r\n\f'), 'the fixture really has CRLF and a form feed');
  const spaced = importReport(read('sparkbox-s6-ocpp16-spaces.txt'));
  assert.ok(!read('sparkbox-s6-ocpp16-spaces.txt').includes('\t'), 'the fixture really has no tabs');
  for (const k of ['profiles', 'extensions', 'connectors', 'hardware', 'settings', 'kpis', 'cipherSuites', 'securityProfiles', 'certificationDate'] as const) {
    assert.deepEqual(spaced[k], tabbed[k], k);
  }
});

test('layouts: "not measurable" figures are null; a report cut short names what it lost', () => {
  const p = importReport(read('voltline-duo-ocpp16-not-measurable.txt'));
  assert.deepEqual(p.kpis?.remote_start_authorization, { declaredMaxS: 8, minS: null, maxS: null, avgS: null });
  assert.equal(p.kpis?.remote_stop_end?.declaredMaxS, null);
  assert.equal(p.kpis?.remote_stop_end?.maxS, 0.23);
  assert.throws(() => importReport(read('ampera-ax400-ocpp201-cut-short.txt'), 'cut.txt'), (err: unknown) => {
    assert.ok(err instanceof ImportError);
    assert.deepEqual(err.missing, ['Performance Measurement Result (KPI tables)']);
    return true;
  });
});

test('profile import --member says which facts are the representative\'s and when the member was self-tested', async () => {
  const { importCommand } = await import('../../src/profiles/profile-commands.js');
  const { text } = await importCommand(certDir + 'ampera-ax400-ocpp201-family.txt', { format: 'table', member: 'Ampera AX 200 US' });
  assert.match(text, /product\s+Ampera AX 200 US/);
  assert.match(text, /certification date\s+2025-06-27 \(the representative's, Ampera AX 400 US\)/);
  assert.match(text, /member tested\s+2025-09-23 \(vendor self-test, not independently verified\)/);
  assert.match(text, /test lab\s+Northlab Certification B\.V \(tested the representative\)/);
  assert.match(text, /kpis measured on the representative, Ampera AX 400 US, not on this member/);
  const full = await importCommand(certDir + 'ampera-ax400-ocpp201-family.txt', { format: 'table' });
  assert.doesNotMatch(full.text, /representative's|member tested/, 'the representative\'s own profile needs no such note');
  const json = JSON.parse((await importCommand(certDir + 'ampera-ax400-ocpp201-family.txt', { member: 'Ampera AX 200 US' })).text);
  assert.equal(json.memberTestDate, '2025-09-23');
  assert.deepEqual(profileProblems(json), []);
});

test('profile import: a missing file and a PDF are said plainly, with what to do', async () => {
  const { importCommand } = await import('../../src/profiles/profile-commands.js');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(`${tmpdir()}/import-`);
  await assert.rejects(importCommand(`${dir}/absent.txt`, {}), (err: Error) => {
    assert.equal(err.message, `${dir}/absent.txt: no such file`);
    return true;
  });
  writeFileSync(`${dir}/cert.pdf`, '%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<<>>\nendobj\n');
  await assert.rejects(importCommand(`${dir}/cert.pdf`, {}), /cert\.pdf is a PDF: extract its text first, keeping the table layout, e\.g\. `pdftotext -layout .*cert\.pdf report\.txt`/);
});
