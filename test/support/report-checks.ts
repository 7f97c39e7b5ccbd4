/**
 * What an OCA report in each layout must import to, field by field. The project's fixtures (report-fixtures.test)
 * and the real reports (report-import.test) share a layout each and differ only in their names, so both run these
 * checks, each with its own names.
 */
import assert from 'node:assert/strict';
import { memberProfile } from '../../src/profiles/family-member.js';
import { profileProblems } from '../../src/profiles/profile-load.js';
import type { CertifiedProfile } from '../../src/profiles/profile-types.js';

/** An OCPP 1.6 report, markdown-ish with ** and <b>. */
export interface Markdown16Names {
  certificateNumber: string;
  holder: string;
  product: string;
  testLab: string;
  configId: string;
  /** A vendor-specific setting that names the test station. */
  chargePointIdentity: string;
}

export function checkMarkdown16(p: CertifiedProfile, n: Markdown16Names): void {
  assert.equal(p.certificateNumber, n.certificateNumber);
  assert.equal(p.holder, n.holder);
  assert.equal(p.product, n.product);
  assert.equal(p.productType, 'Charging Station');
  assert.equal(p.softwareVersion, '3.73');
  assert.equal(p.certificationDate, '2025-10-15');
  assert.equal(p.ocppVersion, '1.6');
  assert.equal(p.testLab, n.testLab);
  assert.equal(p.configId, n.configId);
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
  assert.equal(p.settings?.ChargePointIdentity, n.chargePointIdentity);
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
}

/** An OCPP 1.6 report with the security extension, tab-separated. */
export interface Security16Names {
  certificateNumber: string;
  holder: string;
  product: string;
  softwareVersion: string;
  testLab: string;
}

export function checkSecurity16(p: CertifiedProfile, n: Security16Names): void {
  assert.equal(p.certificateNumber, n.certificateNumber);
  assert.equal(p.holder, n.holder);
  assert.equal(p.product, n.product);
  assert.equal(p.softwareVersion, n.softwareVersion);
  assert.equal(p.certificationDate, '2025-01-24');
  assert.equal(p.ocppVersion, '1.6');
  assert.equal(p.testLab, n.testLab);
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
}

/** An OCPP 2.0.1 product family report: the representative (400 kW, US) and three members. */
export interface Family201Names {
  certificateNumber: string;
  holder: string;
  product: string;
  softwareVersion: string;
  testLab: string;
  configId: string;
  /** The members in the report's order: 200 US, 400 EU, 200 EU. */
  members: readonly [FamilyMemberName, FamilyMemberName, FamilyMemberName];
  /** A name no member has. */
  unknownMember: string;
}

export interface FamilyMemberName {
  product: string;
  configId: string;
}

export function checkFamily201(p: CertifiedProfile, n: Family201Names): void {
  assert.equal(p.certificateNumber, n.certificateNumber);
  assert.equal(p.certificateUpdate, '2026-01-28');
  assert.equal(p.holder, n.holder);
  assert.equal(p.product, n.product);
  assert.equal(p.softwareVersion, n.softwareVersion);
  assert.equal(p.certificationDate, '2025-06-27');
  assert.equal(p.ocppVersion, '2.0.1');
  assert.equal(p.testLab, n.testLab);
  assert.equal(p.configId, n.configId);
  assert.deepEqual(p.profiles, { Core: 'Pass', 'Advanced Security': 'Pass', 'Smart Charging': 'Not Tested', 'ISO 15118 Support': 'Not Tested' });
  // The representative product's own hardware, not a family member's (the 200 US has 2 EVSEs and 200 kW).
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

  const [m200us, m400eu, m200eu] = n.members;
  assert.deepEqual(
    p.family?.map((m) => [m.product, m.configId, m.description]),
    [
      [m200us.product, m200us.configId, '200kW fitted for the US market with NACS and CCS1'],
      [m400eu.product, m400eu.configId, '400kW fitted for the European markets with CCS2'],
      [m200eu.product, m200eu.configId, '200kW fitted for the European markets with CCS2'],
    ],
  );
  const [us200, eu400, eu200] = p.family!;
  assert.equal(us200!.testDate, '2025-09-23');
  assert.equal(eu400!.testDate, '2025-09-09');
  assert.equal(eu200!.testDate, '2025-09-12');
  assert.equal(us200!.firmwareVersion, n.softwareVersion);
  assert.equal(us200!.evseCount, 2);
  assert.equal(us200!.hardware?.['HFS-11']?.value, '200');
  assert.equal(eu400!.hardware?.['HFS-11']?.value, '400');
  assert.equal(us200!.connectors?.[1]?.type, 'cCCSI-NACS');
  assert.equal(eu200!.connectors?.[0]?.type, 'cCCS2');
  assert.equal(us200!.profiles?.['Smart Charging'], 'Not Tested');
  assert.equal(eu200!.settings?.ItemsPerMessageGetReport, 204);
}

/** The family's first member as a profile of its own: its hardware, the representative's KPIs and certificate. */
export function checkFamilyMember(p: CertifiedProfile, n: Family201Names): void {
  const [m200us, m400eu] = n.members;
  const m = memberProfile(p, m200us.configId);
  assert.ok(m);
  assert.equal(m.product, m200us.product);
  assert.equal(m.representativeProduct, n.product);
  assert.equal(m.configId, m200us.configId);
  assert.equal(m.certificateNumber, n.certificateNumber);
  assert.equal(m.evseCount, 2);
  assert.equal(m.hardware?.['HFS-11']?.value, '200');
  assert.equal(m.connectors?.[1]?.type, 'cCCSI-NACS');
  assert.deepEqual(m.kpis, p.kpis);
  assert.equal(m.family, undefined);
  assert.deepEqual(profileProblems(m), []);
  // A member is found by its name too, in any case.
  assert.equal(memberProfile(p, m400eu.product.toLowerCase())?.configId, m400eu.configId);
  assert.equal(memberProfile(p, n.unknownMember), undefined);
}
