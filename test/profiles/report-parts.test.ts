/** The importer's steps one by one, and reports in the shapes real ones take: other layouts, cut short, not a report. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeReport } from '../../src/profiles/report-normalize.js';
import { sectionKeyOf, splitParts, splitSections } from '../../src/profiles/report-sections.js';
import { detectMode, readTables, splitCells } from '../../src/profiles/report-tables.js';
import { isoDate, kpiFigures, kpiOfName, labelValue, secondsOf, settingValue } from '../../src/profiles/report-fields.js';
import { importReport, ImportError } from '../../src/profiles/report-import.js';
import { fixturesDir } from '../support/reports.js';

const certDir = fixturesDir;
const read = (name: string): string => readFileSync(certDir + name, 'utf8');

test('normalisation strips emphasis, tags, headings and page furniture', () => {
  const lines = normalizeReport(
    [
      '## Abstract of the Test Report',
      '**Certificate Holder:** Voltline  ',
      '<b>Test laboratory:</b>\t<b>Northlab Certification B.V</b>',
      'Authenticity of this certificate can be verified at www.openchargealliance.org',
      'OCPP 2.0.1 - © Open Charge Alliance 2023        3/37     Part 5',
      'Page 4 of 12',
      '--\t----------',
    ].join('\r\n'),
  );
  assert.deepEqual(lines, ['Abstract of the Test Report', 'Certificate Holder: Voltline', 'Test laboratory:\tNorthlab Certification B.V']);
});

test('section splitter: titles, cover, and a family report cut into its parts', () => {
  assert.equal(sectionKeyOf('Other Relevant Settings'), 'settings');
  assert.equal(sectionKeyOf('Performance Measurement Result'), 'performance');
  assert.equal(sectionKeyOf('Test Result Summary for the Tested Functionalities'), 'results');
  assert.equal(sectionKeyOf('Core\tPass'), undefined, 'a table row is never a title');
  const parts = splitParts(splitSections(normalizeReport(read('ampera-ax400-ocpp201-family.txt'))));
  assert.ok(parts.familyOverview);
  assert.equal(parts.declarations.length, 3, 'three vendor declarations');
  assert.equal(parts.main[0]!.key, 'cover');
  assert.ok(parts.main.some((s) => s.key === 'performance'));
  assert.ok(!parts.main.some((s) => s.key === 'testCases'), 'test case lists belong to the declarations');
});

test('table reader: tabs, repeated header, caption lines, wrapped cells', () => {
  const t = readTables(
    ['Core\t\t', 'ID\tFeature\tValue', 'C-01\tOffline\tYes', 'C-02\tA long name that\tNo', '\twraps here\t', 'ID\tFeature\tValue', 'C-03\tLast\t', '', 'x\ty'],
    'tab',
  );
  assert.equal(t.length, 2);
  assert.deepEqual(t[0]!.header, ['ID', 'Feature', 'Value']);
  assert.deepEqual(t[0]!.rows, [['C-01', 'Offline', 'Yes'], ['C-02', 'A long name that wraps here', 'No'], ['C-03', 'Last']]);
  assert.equal(splitCells('Vendor\t\t', 'tab'), undefined, 'one non-empty cell is a caption');
});

test('table reader: space-aligned columns keep empty cells in place', () => {
  const lines = [
    'Connector   Current   Phases   Type    Cable Type',
    '1           DC                 cCCS2   Fixed Cable',
    '2           AC        3        sType2  Detachable',
    '                                       Cable',
  ];
  assert.equal(detectMode(lines), 'space');
  const [t] = readTables(lines, 'space');
  assert.deepEqual(t!.rows, [
    ['1', 'DC', '', 'cCCS2', 'Fixed Cable'],
    ['2', 'AC', '3', 'sType2', 'Detachable Cable'],
  ]);
});

test('field extractors', () => {
  assert.equal(labelValue(['Certification Date: October 15, 2025'], ['certification date']), 'October 15, 2025');
  assert.equal(labelValue(['OCPP Software Version\tV2.1.29_OCPP_S6'], ['OCPP Software Version']), 'V2.1.29_OCPP_S6');
  assert.equal(labelValue(['Product Type: Charging Station'], ['Product Designation']), undefined);
  assert.equal(labelValue(['Certificate Number:', '', 'OCA.0016.9127.CS', 'Product Type: CS'], ['Certificate Number']), 'OCA.0016.9127.CS');
  assert.equal(labelValue(['Certificate Number:', 'Product Type: CS'], ['Certificate Number']), undefined, 'the next label is no value');
  assert.equal(isoDate('June 27, 2025'), '2025-06-27');
  assert.equal(isoDate('27 June 2025'), '2025-06-27');
  assert.equal(isoDate('2025-06-27'), '2025-06-27');
  assert.equal(isoDate('27.06.2025'), '2025-06-27');
  assert.equal(isoDate('soon'), undefined);
  assert.equal(kpiOfName('OCPP response timeout'), 'response_time');
  assert.equal(kpiOfName('OCPP triggered function response time'), 'triggered_function');
  assert.equal(kpiOfName('Transaction authorization time by RequestStartTransactionRequest'), 'remote_start_authorization');
  assert.equal(kpiOfName('Transaction authorization end time by RemoteStopTransaction'), 'remote_stop_end');
  assert.equal(secondsOf('0.05'), 0.05);
  assert.equal(secondsOf('1,00'), 1);
  assert.equal(secondsOf('250', 'ms'), 0.25);
  assert.equal(secondsOf('not measurable'), null);
  assert.equal(secondsOf(''), null);
  assert.equal(settingValue('4294967296'), 4294967296);
  assert.equal(settingValue('03.73'), '03.73');
});

test('"not measurable" KPI figures become null, not zero', () => {
  const text = read('voltline-duo-ocpp16-markdown.txt')
    .replace('Transaction authorization time by RemoteStartTransaction\t3.04\t3.04\t3.04\tseconds', 'Transaction authorization time by RemoteStartTransaction\tnot measurable\tnot measurable\tnot measurable\tseconds')
    .replace(/Transaction authorization end time by RemoteStopTransaction\t8\tseconds/, 'Transaction authorization end time by RemoteStopTransaction\tNot measurable\tseconds');
  const p = importReport(text);
  assert.deepEqual(p.kpis?.remote_start_authorization, { declaredMaxS: 8, minS: null, maxS: null, avgS: null });
  assert.equal(p.kpis?.remote_stop_end?.declaredMaxS, null);
  assert.equal(p.kpis?.remote_stop_end?.maxS, 0.23);
  const direct = kpiFigures(readTables(['Name\tMin Value\tMax Value\tAverage Value\tUnit', 'OCPP response time\tnot measurable\t\t-\tseconds'], 'tab'));
  assert.deepEqual(direct?.response_time, { declaredMaxS: null, minS: null, maxS: null, avgS: null });
  assert.equal(direct?.remote_stop_end, null, 'a KPI the report gives no row for');
});

test('Windows line ends and form-feed page breaks read the same', () => {
  const text = read('sparkbox-s6-ocpp16-security.txt');
  const p1 = importReport(text);
  const p2 = importReport(text.replace(/\n\nHardware Feature Set/, '\n\n\fHardware Feature Set').replace(/\n/g, '\r\n'));
  assert.deepEqual(p2, p1);
});

test('a space-aligned publication of a report reads the same as the tab-separated one', () => {
  const tabbed = read('sparkbox-s6-ocpp16-security.txt');
  const p1 = importReport(tabbed);
  const p2 = importReport(toSpaceAligned(tabbed));
  assert.deepEqual(p2.profiles, p1.profiles);
  assert.deepEqual(p2.connectors, p1.connectors);
  assert.deepEqual(p2.hardware, p1.hardware);
  assert.deepEqual(p2.settings, p1.settings);
  assert.deepEqual(p2.kpis, p1.kpis);
  assert.deepEqual(p2.cipherSuites, p1.cipherSuites);
  assert.equal(p2.certificationDate, '2025-01-24');
});

test('a text that is not a certification report names everything missing', () => {
  assert.throws(
    () => importReport('Dear customer,\n\nthank you for your order.\n', 'letter.txt'),
    (err: unknown) => {
      assert.ok(err instanceof ImportError);
      assert.match(err.message, /^letter\.txt is not an OCA certification report: missing Certificate Number, Product Designation/);
      assert.equal(err.missing.length, 5);
      return true;
    },
  );
});

test('a report cut short names the parts it lost', () => {
  const full = read('ampera-ax400-ocpp201-family.txt');
  const cut = full.slice(0, full.indexOf('Performance Measurement Result'));
  assert.throws(() => importReport(cut, 'cut.txt'), (err: unknown) => {
    assert.ok(err instanceof ImportError);
    assert.deepEqual(err.missing, ['Performance Measurement Result (KPI tables)']);
    assert.match(err.message, /cut\.txt is incomplete/);
    return true;
  });
  const headless = read('voltline-duo-ocpp16-markdown.txt').replace(/\*\*Certificate Number:\*\*.*\n/, '').replace(/Test Result Summary for the Certified Functionalities[\s\S]*?## Hardware/, '## Hardware');
  assert.throws(() => importReport(headless), (err: unknown) => {
    assert.ok(err instanceof ImportError);
    assert.deepEqual(err.missing, ['Certificate Number', 'Test Result Summary (certification profile results)']);
    return true;
  });
});

/** Re-publishes tab-separated tables as space-aligned columns (what pdftotext -layout makes of a report). */
function toSpaceAligned(text: string): string {
  const out: string[] = [];
  let block: string[][] = [];
  const flush = (): void => {
    if (block.length === 0) return;
    const widths: number[] = [];
    for (const r of block) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.trim().length)));
    for (const r of block) out.push(r.map((c, i) => c.trim().padEnd(widths[i]! + 3)).join('').trimEnd());
    block = [];
  };
  for (const line of text.split('\n')) {
    if (line.includes('\t')) block.push(line.split('\t'));
    else {
      flush();
      out.push(line);
    }
  }
  flush();
  return out.join('\n');
}
