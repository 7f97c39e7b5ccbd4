/** The project's report fixtures (invented products in the layouts real OCA reports use), read field by field. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importReport, ImportError } from '../../src/profiles/report-import.js';
import { profileProblems } from '../../src/profiles/profile-load.js';
import { checkFamily201, checkFamilyMember, checkMarkdown16, checkSecurity16, type Family201Names } from '../support/report-checks.js';
import { fixturesDir } from '../support/reports.js';

const certDir = fixturesDir;
const read = (name: string): string => readFileSync(certDir + name, 'utf8');

const AMPERA: Family201Names = {
  certificateNumber: 'F01.OCA.0201.9108.CS',
  holder: 'Ampera',
  product: 'Ampera AX 400 US',
  softwareVersion: 'ax_v3.0.0',
  testLab: 'Northlab Certification B.V',
  configId: 'A3E0FDD4-BBAEEEE5',
  members: [
    { product: 'Ampera AX 200 US', configId: 'A3E0FDD4-A79F5657' },
    { product: 'Ampera AX 400 EU', configId: 'A3E0FDD4-947DC507' },
    { product: 'Ampera AX 200 EU', configId: 'A3E0FDD4-C84CA8D7' },
  ],
  unknownMember: 'AX 9000',
};

test('Voltline Duo (OCPP 1.6, markdown-ish with ** and <b>)', () => {
  checkMarkdown16(importReport(read('voltline-duo-ocpp16-markdown.txt')), {
    certificateNumber: 'OCA.0016.9127.CS',
    holder: 'Voltline',
    product: 'Voltline Duo',
    testLab: 'Northlab Certification B.V',
    configId: '0VOLT0AE-DUO02046',
    chargePointIdentity: 'VL-TEST001',
  });
});

test('SPARKBOX S6 (OCPP 1.6 + security extension, tab-separated)', () => {
  checkSecurity16(importReport(read('sparkbox-s6-ocpp16-security.txt')), {
    certificateNumber: 'OCA.0016.9970.CS',
    holder: 'SPARKBOX GROUP',
    product: 'S6',
    softwareVersion: 'V2.1.29_OCPP_S6',
    testLab: 'Eastlab Testing Pte. Ltd.',
  });
});

test('Ampera AX 400 US (OCPP 2.0.1 product family, declarations repeat every table)', () => {
  checkFamily201(importReport(read('ampera-ax400-ocpp201-family.txt')), AMPERA);
});

test('a family member as a profile of its own: its hardware, the representative\'s KPIs and certificate', () => {
  checkFamilyMember(importReport(read('ampera-ax400-ocpp201-family.txt')), AMPERA);
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
