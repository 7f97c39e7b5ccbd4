/**
 * Real OCA certificates, read field by field; expected values copied from the texts. They are not part of the
 * repository: the tests read OCA_CERTIFICATES (default ../shared/certificates) and are skipped, saying so, without it.
 * The same checks (test/support/report-checks.ts) run over the project's own fixtures in report-fixtures.test.ts.
 */
import { test } from 'node:test';
import { importReport } from '../../src/profiles/report-import.js';
import { checkFamily201, checkFamilyMember, checkMarkdown16, checkSecurity16, type Family201Names } from '../support/report-checks.js';
import { realReport as read, skipWithoutCertificates } from '../support/reports.js';

const CITY = 'citycharge-2.1-ocpp16.txt';
const C6 = 'xcharge-c6-ocpp16-security.txt';
const HYC = 'alpitronic-hyc400-ocpp201-family.txt';

const HYC400: Family201Names = {
  certificateNumber: 'F01.OCA.0201.0108.CS',
  holder: 'Alpitronic',
  product: 'Hypercharger HYC 400 US',
  softwareVersion: 'hyc_v3.0.0',
  testLab: 'Dekra Certification B.V',
  configId: 'F21FDD4E-BBAEEEE5',
  members: [
    { product: 'Hypercharger HYC 200 US', configId: 'F21FDD4E-A79F5657' },
    { product: 'Hypercharger HYC 400 EU', configId: 'F21FDD4E-947DC507' },
    { product: 'Hypercharger HYC 200 EU', configId: 'F21FDD4E-C84CA8D7' },
  ],
  unknownMember: 'HYC 9000',
};

test('CityCharge 2.1 (OCPP 1.6, markdown-ish with ** and <b>)', { skip: skipWithoutCertificates(CITY) }, () => {
  checkMarkdown16(importReport(read(CITY)), {
    certificateNumber: 'OCA.0016.1127.CS',
    holder: 'CityCharge',
    product: 'CityCharge 2.1',
    testLab: 'DEKRA Certification B.V',
    configId: '6BOCA5AE-BABC2046',
    chargePointIdentity: 'VEDS-TEST001',
  });
});

test('XCHARGE C6 (OCPP 1.6 + security extension, tab-separated)', { skip: skipWithoutCertificates(C6) }, () => {
  checkSecurity16(importReport(read(C6)), {
    certificateNumber: 'OCA.0016.0970.CS',
    holder: 'XCHARGE GROUP',
    product: 'C6',
    softwareVersion: 'V2.1.29_OCPP_C6',
    testLab: 'DNV Singapore Pte. Ltd.',
  });
});

test('Alpitronic HYC 400 US (OCPP 2.0.1 product family, declarations repeat every table)', { skip: skipWithoutCertificates(HYC) }, () => {
  checkFamily201(importReport(read(HYC)), HYC400);
});

test('a family member as a profile of its own: its hardware, the representative\'s KPIs and certificate', { skip: skipWithoutCertificates(HYC) }, () => {
  checkFamilyMember(importReport(read(HYC)), HYC400);
});
